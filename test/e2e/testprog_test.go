package e2e

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// testProgram builds the engine program in testdata/<name> statically into
// the test's temp dir (the Go build cache makes repeats cheap) and returns
// its path.
func testProgram(t *testing.T, name string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	build := exec.Command("go", "build", "-o", out, "./testdata/"+name)
	build.Env = append(build.Environ(), "CGO_ENABLED=0")
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building testdata/%s: %v\n%s", name, err, msg)
	}
	return out
}
