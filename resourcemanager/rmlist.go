package resourcemanager

import (
	"net/http"
	"strings"

	"github.com/goyarn/goyarn/api/yarn"
)

// withRMList adds yarn.HeaderRMs to every response of h: a client given
// one RM learns the others (client.Client does).
func withRMList(h http.Handler, webAddrs []string) http.Handler {
	list := strings.Join(webAddrs, ",")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(yarn.HeaderRMs, list)
		h.ServeHTTP(w, r)
	})
}
