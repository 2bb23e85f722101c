package seaweed

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

func TestBinaryLookup(t *testing.T) {
	dir := t.TempDir()
	older, newer := filepath.Join(dir, "goyarn", "weed-v1"), filepath.Join(dir, "goyarn", "weed-v2")
	if err := os.MkdirAll(filepath.Dir(older), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{older, newer} {
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(older, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "goyarn", "weed.tmp"), []byte("partial"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOYARN_WEED", "")
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("PATH", t.TempDir())
	if got, err := Binary(); err != nil || got != newer {
		t.Fatalf("Binary() = %q, %v; want the newest, %s", got, err, newer)
	}
	t.Setenv("GOYARN_WEED", older)
	if got, err := Binary(); err != nil || got != older {
		t.Fatalf("Binary() with GOYARN_WEED = %q, %v", got, err)
	}
	t.Setenv("GOYARN_WEED", filepath.Join(dir, "missing"))
	if _, err := Binary(); !errors.Is(err, ErrNoBinary) {
		t.Fatalf("Binary() with a missing GOYARN_WEED: %v", err)
	}
	t.Setenv("GOYARN_WEED", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	_, err := Binary()
	if !errors.Is(err, ErrNoBinary) || !strings.Contains(err.Error(), "scripts/install-weed.sh") {
		t.Fatalf("Binary() with nothing installed: %v", err)
	}
}

func TestServer(t *testing.T) {
	started := time.Now()
	s := Start(t, Options{Bucket: "harness"})
	t.Logf("serving S3 on %s after %s (pid %d)", s.Endpoint, time.Since(started).Round(time.Millisecond), s.PID)
	t.Logf("command: %s", strings.Join(s.Command, " "))

	fi, err := os.Stat(s.CredentialsFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v %v", fi.Mode(), err)
	}
	data, _ := os.ReadFile(s.CredentialsFile)
	if !strings.Contains(string(data), "aws_secret_access_key = "+s.SecretKey) {
		t.Fatalf("credentials file lacks the secret key")
	}

	mc, err := s.Client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if ok, err := mc.BucketExists(ctx, "harness"); err != nil || !ok {
		t.Fatalf("bucket harness: %v %v", ok, err)
	}
	body := []byte("hello seaweed")
	if _, err := mc.PutObject(ctx, "harness", "a/b", bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	obj, err := mc.GetObject(ctx, "harness", "a/b", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	obj.Close()
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("read back %q, %v", got, err)
	}
	st, err := mc.StatObject(ctx, "harness", "a/b", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for oi := range mc.ListObjects(ctx, "harness", minio.ListObjectsOptions{Prefix: "a/", Recursive: true}) {
		if oi.Err != nil {
			t.Fatal(oi.Err)
		}
		// What SeaweedFS reports, for whoever compares Stat with List.
		t.Logf("stat: mtime %s etag %s; list: mtime %s etag %s",
			st.LastModified.Format(time.RFC3339Nano), st.ETag, oi.LastModified.Format(time.RFC3339Nano), oi.ETag)
	}
	// Autocreation is off, so a missing bucket stays missing.
	_, err = mc.PutObject(ctx, "not-there", "k", bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{})
	if code := minio.ToErrorResponse(err).Code; code != "NoSuchBucket" {
		t.Fatalf("put to a missing bucket: %v (code %q)", err, code)
	}

	pid := s.PID
	s.Stop()
	if s.Running() {
		t.Fatal("running after Stop")
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("pid %d still exists after Stop: %v", pid, err)
	}
	s.Stop() // idempotent
}

func TestServerWithCommandPrefix(t *testing.T) {
	// env(1) execs its argument, like `ip netns exec NAME` does.
	s := Start(t, Options{CommandPrefix: []string{"env", "GOYARN_WRAPPED=1"}})
	if s.Command[0] != "env" {
		t.Fatalf("command = %v", s.Command)
	}
	environ, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(s.PID), "environ"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(environ, []byte("GOYARN_WRAPPED=1")) {
		t.Fatal("weed did not run through the prefix")
	}
}
