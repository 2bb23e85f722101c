package stagingclean

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/objstore"
)

var app1 = api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 1}

type fakeStore struct {
	mu      sync.Mutex
	fails   int
	deleted []string
	calls   chan string
}

func (f *fakeStore) DeleteAll(_ context.Context, url string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case f.calls <- url:
	default: // the test reads only the first few
	}
	if f.fails > 0 {
		f.fails--
		return errors.New("store down")
	}
	f.deleted = append(f.deleted, url)
	return nil
}

func waitCall(t *testing.T, f *fakeStore) string {
	t.Helper()
	select {
	case u := <-f.calls:
		return u
	case <-time.After(30 * time.Second):
		t.Fatal("no delete within 30 s")
		return ""
	}
}

// A finished app's directory, derived from the cluster's staging URL, is
// deleted; a failed delete is retried.
func TestDeletesTheAppsStagingDirWithRetries(t *testing.T) {
	f := &fakeStore{fails: 1, calls: make(chan string, 8)}
	c := New(Config{Staging: "s3://bucket/staging/", Backoff: time.Millisecond}, f, zap.NewNop())
	defer c.Close()
	c.Finished(app1, api.SubmissionContext{ApplicationID: app1})
	want := "s3://bucket/staging/" + app1.String()
	for i := 0; i < 2; i++ {
		if got := waitCall(t, f); got != want {
			t.Fatalf("delete %d of %s, want %s", i, got, want)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.deleted) != 1 {
		t.Fatalf("deleted %v", f.deleted)
	}
}

// An app that asked to keep its files keeps them; a disabled cleaner and a
// full queue never block the caller.
func TestPreserveAndNeverBlock(t *testing.T) {
	f := &fakeStore{calls: make(chan string, 8)}
	c := New(Config{Staging: "file:///staging", Queue: 1}, f, zap.NewNop())
	c.Finished(app1, api.SubmissionContext{AMContainer: api.LaunchContext{Environment: map[string]string{api.EnvPreserveStaging: "TRUE"}}})
	for i := 0; i < 100; i++ {
		c.Finished(app1, api.SubmissionContext{}) // the queue holds 1: the rest are dropped, not blocked on
	}
	if got := waitCall(t, f); got != "file:///staging/"+app1.String() {
		t.Fatalf("deleted %s", got)
	}
	c.Close()
	var nilCleaner *Cleaner
	nilCleaner.Finished(app1, api.SubmissionContext{})
	off := New(Config{}, f, zap.NewNop())
	off.Finished(app1, api.SubmissionContext{})
	off.Close()
}

// With the real file:// store the directory and only it goes away.
func TestDeletesOnAFileStore(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{app1.String(), "application_1700000000000_0002"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, d, "bin"), []byte("x"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	store, err := objstore.New(objstore.Config{})
	if err != nil {
		t.Fatal(err)
	}
	c := New(Config{Staging: root}, store, zap.NewNop())
	defer c.Close()
	c.Finished(app1, api.SubmissionContext{})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(root, app1.String())); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the app's staging dir is still there")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(root, "application_1700000000000_0002", "bin")); err != nil {
		t.Fatalf("another app's staging was touched: %v", err)
	}
}
