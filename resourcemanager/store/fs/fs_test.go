package fs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/resourcemanager/store"
	"github.com/goyarn/goyarn/resourcemanager/store/storetest"
)

func TestMain(m *testing.M) {
	if os.Getenv(crashDirEnv) != "" {
		os.Exit(crashWriter(os.Getenv(crashDirEnv)))
	}
	goleak.VerifyTestMain(m)
}

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, storetest.Factory{
		New: func(t *testing.T) store.Store { return open(t, t.TempDir()) },
		Reopen: func(t *testing.T, s store.Store) store.Store {
			dir := s.(*Store).Dir()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return open(t, dir)
		},
	})
}

func TestOneStorePerDirectory(t *testing.T) {
	dir := t.TempDir()
	a := open(t, dir)
	if _, err := Open(dir, nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b := open(t, dir) // the lock went with Close
	b.Close()
}

func TestLoadCleansLeftovers(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	defer s.Close()
	ctx := context.Background()
	good := storetest.App(1)
	if err := s.PutApp(ctx, good); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAttempt(ctx, storetest.Attempt(good.ID, 1)); err != nil {
		t.Fatal(err)
	}
	apps := filepath.Join(dir, appsDir)
	appDir := filepath.Join(apps, good.ID.String())
	half := filepath.Join(apps, storetest.App(2).ID.String()) // mkdir done, app.json never written
	removed := filepath.Join(apps, tempPrefix+"removed-"+storetest.App(3).ID.String()+"-abc")
	leftovers := []string{
		filepath.Join(dir, tempPrefix+"epoch-1"),
		filepath.Join(apps, tempPrefix+"x"),
		filepath.Join(appDir, tempPrefix+"app.json-2"),
		filepath.Join(appDir, tempPrefix+"appattempt_1700000000000_0001_000002.json-3"),
		half, removed,
	}
	for _, d := range []string{half, removed} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(removed, appFile), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range leftovers[:4] {
		if err := os.WriteFile(f, []byte(`{"torn`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Apps) != 1 || st.Apps[0].ID != good.ID || len(st.Apps[0].Attempts) != 1 {
		t.Fatalf("loaded %+v", st)
	}
	for _, f := range leftovers {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s survived Load (%v)", f, err)
		}
	}
}

func TestCorruptRecordIsAnError(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	defer s.Close()
	id := api.ApplicationID{ClusterTimestamp: 1, Seq: 1}
	d := filepath.Join(dir, appsDir, id.String())
	if err := os.Mkdir(d, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, appFile), []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(context.Background()); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Load: %v, want ErrCorrupt", err)
	}
}
