package zk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/resourcemanager/store"
	"github.com/goyarn/goyarn/resourcemanager/store/storetest"
	"github.com/goyarn/goyarn/test/zookeeper"
)

// Every operation of a closed store fails with ErrClosed at once — also
// those the contract suite does not try.
func TestClosedRefusesEverything(t *testing.T) {
	e := zookeeper.Start(t, zookeeper.Options{})
	s := open(t, config(e), secret)
	ctx := context.Background()
	must(t, s.PutApp(ctx, storetest.App(1)))
	must(t, s.Close())
	must(t, s.Close()) // idempotent
	for name, op := range map[string]func() error{
		"PutAttempt": func() error { return s.PutAttempt(ctx, storetest.Attempt(storetest.App(1).ID, 1)) },
		"RemoveApp":  func() error { return s.RemoveApp(ctx, storetest.App(1).ID) },
		"RemoveNone": func() error { return s.RemoveApp(ctx, storetest.App(2).ID) },
		"Load":       func() error { _, err := s.Load(ctx); return err },
	} {
		if err := op(); !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatalf("default: %v", err)
	}
	c.MaxRecordBytes, c.LoadParallelism, c.ClusterID = 2<<20, 0, "a/b"
	err := c.Validate()
	for _, want := range []string{"max record size", "load parallelism", "cluster id"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate misses %q: %v", want, err)
		}
	}
}

// BenchmarkLoad measures recovery's read: Load of 1000 applications with
// two attempts each, from one standalone server.
//
//	go test -run '^$' -bench Load ./resourcemanager/store/zk
func BenchmarkLoad(b *testing.B) {
	e := zookeeper.Start(b, zookeeper.Options{})
	cfg := config(e)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := Open(ctx, cfg, secret, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const apps = 1000
	for i := int32(1); i <= apps; i++ {
		a := storetest.App(i)
		if err := s.PutApp(ctx, a); err != nil {
			b.Fatal(err)
		}
		for n := int32(1); n <= 2; n++ {
			if err := s.PutAttempt(ctx, storetest.Attempt(a.ID, n)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for range b.N {
		st, err := s.Load(ctx)
		if err != nil || len(st.Apps) != apps {
			b.Fatal(fmt.Sprint(len(st.Apps), err))
		}
	}
}
