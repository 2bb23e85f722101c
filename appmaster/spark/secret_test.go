package spark

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// The application's secret reaches executors through their environment,
// never their command line, and the AM sends it with every driver call.
func TestSecretTravelsInTheEnvironment(t *testing.T) {
	o := DefaultOptions()
	o.Binary, o.Secret = "pi", "s3cret-s3cret"
	lc := o.ExecutorLaunch(api.ApplicationID{ClusterTimestamp: 1, Seq: 1}, "127.0.0.1:9", "1")
	if lc.Environment[protocol.EnvSecret] != "s3cret-s3cret" {
		t.Errorf("executor env lacks the secret: %v", lc.Environment)
	}
	if strings.Contains(strings.Join(lc.Commands, " "), "s3cret") {
		t.Errorf("secret on the executor's command line: %q", lc.Commands)
	}
	if got := lookupEnv([]string{"A=1", protocol.EnvSecret + "=x=y"}, protocol.EnvSecret); got != "x=y" {
		t.Errorf("lookupEnv = %q", got)
	}

	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		w.Write([]byte(`{"state":"RUNNING"}`))
	}))
	defer srv.Close()
	dc := newDriverClient(strings.TrimPrefix(srv.URL, "http://"), "s3cret-s3cret", srv.Client(), 5*time.Second)
	if _, err := dc.status(context.Background()); err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer s3cret-s3cret" {
		t.Errorf("driver call sent Authorization %q", auth)
	}
}
