package nmstate

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/goyarn/goyarn/api"
)

func cid(t *testing.T, s string) api.ContainerID {
	t.Helper()
	id, err := api.ParseContainerID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestStoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c1 := Container{ID: cid(t, "container_e01_1700000000000_0001_01_000001"), User: "alice", Resource: api.Res(512, 1),
		WorkDir: "/w", LogDir: "/l", State: api.NMContainerRunning, ExitStatus: api.ExitInvalid, StartedAt: 5}
	c2 := c1
	c2.ID = cid(t, "container_e01_1700000000000_0001_01_000002")
	c2.Complete, c2.ExitStatus, c2.Diagnostics = true, 3, "boom"
	for _, c := range []Container{c1, c2} {
		if err := s.PutContainer(c); err != nil {
			t.Fatal(err)
		}
	}
	c1.State = api.NMContainerKilling // overwrite
	if err := s.PutContainer(c1); err != nil {
		t.Fatal(err)
	}
	app := App{ID: c1.ID.App(), User: "alice", FinishedAt: 9}
	if err := s.PutApp(app); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cs, as, err := s2.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cs, []Container{c1, c2}) || !reflect.DeepEqual(as, []App{app}) {
		t.Fatalf("loaded %+v %+v", cs, as)
	}

	if err := s2.DeleteContainer(c1.ID); err != nil {
		t.Fatal(err)
	}
	if err := s2.DeleteContainer(c1.ID); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	if err := s2.DeleteApp(app.ID); err != nil {
		t.Fatal(err)
	}
	cs, as, _ = s2.Load()
	if len(cs) != 1 || len(as) != 0 {
		t.Fatalf("after delete: %v %v", cs, as)
	}
}

func TestStoreLoadSkipsCorruptAndTempFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	good := Container{ID: cid(t, "container_1700000000000_0001_01_000001"), User: "bob"}
	if err := s.PutContainer(good); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "containers", "bad.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "containers", ".x.json.tmp-1"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	cs, _, err := s.Load()
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	if len(cs) != 1 || cs[0].ID != good.ID {
		t.Fatalf("loaded %v", cs)
	}
}

func TestWriteFileAtomicLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ready.json")
	if err := WriteFileAtomic(p, []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(p, []byte("b"), 0o644); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("dir holds %d entries", len(entries))
	}
	if b, _ := os.ReadFile(p); string(b) != "b" {
		t.Fatalf("content %q", b)
	}
}
