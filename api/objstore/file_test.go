package objstore

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func newFileClient(t *testing.T, roots ...string) *Client {
	t.Helper()
	c, err := New(Config{FileRoots: roots})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFilePutIsAtomicAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	c := newFileClient(t)
	ctx := context.Background()
	u := fileURL(filepath.Join(dir, "a", "b", "log"))
	if _, err := c.Put(ctx, u, strings.NewReader("one"), 3, 0o600); err != nil {
		t.Fatal(err)
	}
	// A reader that fails halfway: the old file stays, no temp remains.
	r := io.MultiReader(strings.NewReader("tw"), failingReader{})
	if _, err := c.Put(ctx, u, r, 3, 0o600); err == nil {
		t.Fatal("failing put succeeded")
	}
	data, err := os.ReadFile(filepath.Join(dir, "a", "b", "log"))
	if err != nil || string(data) != "one" {
		t.Fatalf("after a failed put: %q, %v", data, err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "a", "b"))
	if len(entries) != 1 {
		t.Fatalf("dir holds %v, want only the file", entries)
	}
	for _, d := range []string{filepath.Join(dir, "a"), filepath.Join(dir, "a", "b")} {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o700 != 0o700 {
			t.Errorf("%s: %v %v", d, fi.Mode(), err)
		}
	}
	// A directory in the way is an error, not a clobber.
	if _, err := c.Put(ctx, fileURL(filepath.Join(dir, "a")), strings.NewReader("x"), 1, 0); err == nil {
		t.Fatal("put over a directory succeeded")
	}
}

func TestFileInProgressTempIsNotListed(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, tmpPrefix+"123"), []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "done"), []byte("d"), 0o600); err != nil {
		t.Fatal(err)
	}
	infos, err := newFileClient(t).List(context.Background(), fileURL(dir))
	if err != nil || len(infos) != 1 || infos[0].URL != fileURL(filepath.Join(dir, "done")) {
		t.Fatalf("list = %+v, %v", infos, err)
	}
}

func TestFileRoots(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	ctx := context.Background()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("s"), 0o600); err != nil {
		t.Fatal(err)
	}
	// root/escape -> outside (a directory), root/link -> outside/secret.
	if err := os.Symlink(outside, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	// A symlinked root is resolved itself: paths through it are inside.
	alias := filepath.Join(t.TempDir(), "alias")
	if err := os.Symlink(root, alias); err != nil {
		t.Fatal(err)
	}
	c := newFileClient(t, alias)

	if _, err := c.Put(ctx, fileURL(filepath.Join(root, "in", "f")), strings.NewReader("ok"), 2, 0); err != nil {
		t.Fatalf("put under the root: %v", err)
	}
	if _, err := c.Stat(ctx, fileURL(filepath.Join(alias, "in", "f"))); err != nil {
		t.Fatalf("stat through the aliased root: %v", err)
	}
	for name, op := range map[string]func() error{
		"put outside": func() error {
			_, err := c.Put(ctx, fileURL(filepath.Join(outside, "x")), strings.NewReader("x"), 1, 0)
			return err
		},
		"put through dir symlink": func() error {
			_, err := c.Put(ctx, fileURL(filepath.Join(root, "escape", "x")), strings.NewReader("x"), 1, 0)
			return err
		},
		"put creating dirs through symlink": func() error {
			_, err := c.Put(ctx, fileURL(filepath.Join(root, "escape", "new", "x")), strings.NewReader("x"), 1, 0)
			return err
		},
		"stat through file symlink": func() error {
			_, err := c.Stat(ctx, fileURL(filepath.Join(root, "link")))
			return err
		},
		"get through dir symlink": func() error {
			_, _, err := c.Get(ctx, fileURL(filepath.Join(root, "escape", "secret")))
			return err
		},
		"list through dir symlink": func() error {
			_, err := c.List(ctx, fileURL(filepath.Join(root, "escape")))
			return err
		},
		"delete through dir symlink": func() error {
			return c.DeleteAll(ctx, fileURL(filepath.Join(root, "escape", "sub")))
		},
		"delete outside": func() error { return c.DeleteAll(ctx, fileURL(outside)) },
	} {
		if err := op(); !errors.Is(err, ErrOutsideRoots) {
			t.Errorf("%s: %v, want ErrOutsideRoots", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(outside, "x")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a write escaped the root: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "secret")); err != nil {
		t.Fatalf("outside file touched: %v", err)
	}
	// Putting at the file symlink's own name replaces the link, never
	// writes through it.
	if _, err := c.Put(ctx, fileURL(filepath.Join(root, "link")), strings.NewReader("new"), 3, 0); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(outside, "secret")); string(data) != "s" {
		t.Fatalf("put wrote through a symlink: outside file holds %q", data)
	}
	// Listing the root skips the symlinks below it.
	infos, err := c.List(ctx, fileURL(root))
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range infos {
		if strings.Contains(i.URL, "escape") {
			t.Errorf("list followed a symlink: %s", i.URL)
		}
	}
}

func TestFileModesAndModTime(t *testing.T) {
	dir := t.TempDir()
	c := newFileClient(t)
	u := fileURL(filepath.Join(dir, "bin", "tool"))
	info, err := c.Put(context.Background(), u, strings.NewReader("#!/bin/sh\n"), 10, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "bin", "tool"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o755 || info.Mode != 0o755 {
		t.Fatalf("file mode %v, info mode %v", fi.Mode(), info.Mode)
	}
	if !fi.ModTime().Equal(info.ModTime) {
		t.Fatalf("info ModTime %v, file %v", info.ModTime, fi.ModTime())
	}
}

func TestFileBadURLs(t *testing.T) {
	c := newFileClient(t)
	ctx := context.Background()
	for _, u := range []string{"file://host/x", "file:x", "file:///a/../b", "file:///a/"} {
		if _, err := c.Stat(ctx, u); !errors.Is(err, ErrBadURL) {
			t.Errorf("stat %s: %v", u, err)
		}
	}
	if err := c.DeleteAll(ctx, "file:///"); !errors.Is(err, ErrBadURL) {
		t.Errorf("DeleteAll(file:///): %v", err)
	}
	// A file at the prefix itself is not under it.
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteAll(ctx, fileURL(f)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f); err != nil {
		t.Fatalf("DeleteAll removed the file at the prefix: %v", err)
	}
	if infos, err := c.List(ctx, fileURL(f)); err != nil || len(infos) != 0 {
		t.Fatalf("List of a file: %v, %v", infos, err)
	}
	if _, err := c.Stat(ctx, fileURL(filepath.Join(f, "below"))); !errors.Is(err, ErrNotFound) {
		t.Fatalf("stat below a file: %v", err)
	}
	if _, err := c.Stat(ctx, fileURL(dir)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("stat of a directory: %v", err)
	}
}
