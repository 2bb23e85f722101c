package zkconn

import (
	"fmt"
	"strings"

	"go.uber.org/zap"
)

// zapLogger routes go-zookeeper's Printf logging into zap: one constant
// message, the client's text in a field; failures at warn level, the rest
// (connects, reconnects, loop ends) at debug — the elector and the store log
// what matters to an operator themselves.
type zapLogger struct{ log *zap.Logger }

func (l zapLogger) Printf(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	lower := strings.ToLower(text)
	if strings.Contains(lower, "fail") || strings.Contains(lower, "error") {
		l.log.Warn("zookeeper client", zap.String("detail", text))
		return
	}
	l.log.Debug("zookeeper client", zap.String("detail", text))
}
