package webkit

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
)

//go:embed static
var staticFS embed.FS

// staticFiles is the stylesheet's folder, served at /static/.
func staticFiles() (http.FileSystem, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	return http.FS(sub), nil
}

// Engine is a gin engine for a daemon's pages: release mode, a recovery
// that logs a panicking handler and answers 500, no redirects for a
// trailing slash, the stylesheet at /static/, and metrics (when not nil)
// at /metrics. The daemon adds its own routes.
func Engine(log *zap.Logger, metrics http.Handler) (*gin.Engine, error) {
	if log == nil {
		log = zap.NewNop()
	}
	static, err := staticFiles()
	if err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, v any) {
		log.Error("page handler panicked", zap.Any("panic", v), zap.String("path", c.Request.URL.Path))
		c.AbortWithStatus(http.StatusInternalServerError)
	}))
	e.RedirectTrailingSlash = false
	e.StaticFS("/static", static)
	if metrics != nil {
		e.GET("/metrics", gin.WrapH(metrics))
	}
	return e, nil
}

// Wrap returns a handler serving the requests owns says are the pages' with
// pages, and passing every other one to rest unchanged.
func Wrap(owns func(*http.Request) bool, pages, rest http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if owns(r) {
			pages.ServeHTTP(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
}
