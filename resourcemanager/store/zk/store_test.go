package zk

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/ha/zkconn"
	"github.com/goyarn/goyarn/resourcemanager/store"
	"github.com/goyarn/goyarn/resourcemanager/store/storetest"
	"github.com/goyarn/goyarn/test/zookeeper"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var secret = security.NewSecret([]byte("0123456789abcdef-test-secret"))

var clusters atomic.Int64

// config is a store config for a fresh cluster id on e.
func config(e *zookeeper.Ensemble) Config {
	cfg := DefaultConfig()
	cfg.Servers = e.Addrs()
	cfg.SessionTimeout = 4 * time.Second
	cfg.ClusterID = fmt.Sprintf("store-test-%d", clusters.Add(1))
	return cfg
}

func open(t *testing.T, cfg Config, sec security.Secret) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, cfg, sec, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestZooKeeperStore runs everything against one real ZooKeeper server;
// each store gets its own cluster id, so subtests share nothing.
func TestZooKeeperStore(t *testing.T) {
	e := zookeeper.Start(t, zookeeper.Options{})
	t.Run("Contract", func(t *testing.T) {
		storetest.Run(t, storetest.Factory{
			New: func(t *testing.T) store.Store { return open(t, config(e), secret) },
			Reopen: func(t *testing.T, s store.Store) store.Store {
				cfg := s.(*Store).cfg
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				return open(t, cfg, secret) // a new session
			},
			MaxRecordBytes: DefaultMaxRecordBytes,
		})
	})
	t.Run("Fencing", func(t *testing.T) { testFencing(t, e) })
	t.Run("OnlyRMsWrite", func(t *testing.T) { testACL(t, e) })
	t.Run("Layout", func(t *testing.T) { testLayout(t, e) })
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// testFencing: A is active and writes; B becomes active (bumps the epoch);
// every write A tries afterwards fails with ErrFenced and leaves no trace.
func testFencing(t *testing.T, e *zookeeper.Ensemble) {
	ctx := context.Background()
	cfg := config(e)
	a := open(t, cfg, secret)
	defer a.Close()
	if _, err := a.BumpEpoch(ctx); err != nil {
		t.Fatal(err)
	}
	app := storetest.App(1)
	must(t, a.PutApp(ctx, app))
	must(t, a.PutAttempt(ctx, storetest.Attempt(app.ID, 1)))

	b := open(t, cfg, secret)
	defer b.Close()
	eb, err := b.BumpEpoch(ctx)
	must(t, err)

	changed := app
	changed.State, changed.Diagnostics = api.AppKilled, "written by a deposed RM"
	late := storetest.Attempt(app.ID, 2)
	for name, write := range map[string]func() error{
		"PutApp new":      func() error { return a.PutApp(ctx, storetest.App(2)) },
		"PutApp existing": func() error { return a.PutApp(ctx, changed) },
		"PutAttempt":      func() error { return a.PutAttempt(ctx, late) },
		"RemoveApp":       func() error { return a.RemoveApp(ctx, app.ID) },
		"RemoveApp none":  func() error { return a.RemoveApp(ctx, storetest.App(9).ID) },
	} {
		if err := write(); !errors.Is(err, store.ErrFenced) {
			t.Errorf("%s by the fenced store: %v, want ErrFenced", name, err)
		}
	}
	st, err := b.Load(ctx)
	must(t, err)
	if st.Epoch != eb || len(st.Apps) != 1 || st.Apps[0].State != app.State || len(st.Apps[0].Attempts) != 1 {
		t.Fatalf("the fenced store's writes left a trace: %+v", st)
	}
	must(t, b.PutApp(ctx, changed)) // the active one writes on
}

// testACL: a client without the cluster's credentials can neither read
// (submission contexts may hold an application's secrets) nor change
// anything, and a store with another secret refuses to open.
func testACL(t *testing.T, e *zookeeper.Ensemble) {
	ctx := context.Background()
	cfg := config(e)
	s := open(t, cfg, secret)
	defer s.Close()
	app := storetest.App(1)
	must(t, s.PutApp(ctx, app))

	anon, _, err := zk.Connect(e.Addrs(), 4*time.Second, zk.WithLogger(nopLogger{}))
	must(t, err)
	defer anon.Close()
	appPath := cfg.StorePath() + "/apps/" + app.ID.String()
	if _, _, err := anon.Get(appPath); !errors.Is(err, zk.ErrNoAuth) {
		t.Errorf("anonymous Get: %v, want ErrNoAuth", err)
	}
	if _, err := anon.Set(appPath, []byte("{}"), -1); !errors.Is(err, zk.ErrNoAuth) {
		t.Errorf("anonymous Set: %v, want ErrNoAuth", err)
	}
	if _, err := anon.Create(cfg.StorePath()+"/apps/x", nil, 0, zk.WorldACL(zk.PermAll)); !errors.Is(err, zk.ErrNoAuth) {
		t.Errorf("anonymous Create: %v, want ErrNoAuth", err)
	}
	if err := anon.Delete(appPath, -1); !errors.Is(err, zk.ErrNoAuth) {
		t.Errorf("anonymous Delete: %v, want ErrNoAuth", err)
	}
	if _, err := anon.Set(cfg.StorePath()+"/epoch", []byte("99"), -1); !errors.Is(err, zk.ErrNoAuth) {
		t.Errorf("anonymous epoch bump: %v, want ErrNoAuth", err)
	}

	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	other := security.NewSecret([]byte("another-cluster-secret-0123456789"))
	if o, err := Open(octx, cfg, other, nil); !errors.Is(err, zkconn.ErrNotAuthorized) {
		if o != nil {
			o.Close()
		}
		t.Fatalf("Open with another secret: %v, want ErrNotAuthorized", err)
	}
}

// testLayout pins the znode layout other tools (and people) rely on.
func testLayout(t *testing.T, e *zookeeper.Ensemble) {
	ctx := context.Background()
	cfg := config(e)
	s := open(t, cfg, secret)
	defer s.Close()
	app := storetest.App(1)
	must(t, s.PutApp(ctx, app))
	must(t, s.PutAttempt(ctx, storetest.Attempt(app.ID, 1)))
	_, err := s.BumpEpoch(ctx)
	must(t, err)
	root := "/goyarn/" + cfg.ClusterID + "/rmstore"
	for path, want := range map[string]string{
		root + "/epoch": "1",
		root + "/apps/application_1700000000000_0001/appattempt_1700000000000_0001_000001": "",
		root + "/apps/application_1700000000000_0001":                                      "",
	} {
		data, _, err := s.conn.Get(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if want != "" && string(data) != want {
			t.Errorf("%s holds %q, want %q", path, data, want)
		}
	}
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
