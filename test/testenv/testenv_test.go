package testenv

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestScaled(t *testing.T) {
	t.Setenv(ScaleEnv, "2.5")
	if got := Scaled(2 * time.Second); got != 5*time.Second {
		t.Errorf("scale 2.5: %v", got)
	}
	for _, v := range []string{"", "0", "-1", "x"} {
		t.Setenv(ScaleEnv, v)
		if got := Scaled(time.Second); got != time.Second {
			t.Errorf("scale %q: %v", v, got)
		}
	}
}

func TestTail(t *testing.T) {
	p := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(p, []byte("a\nb\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Tail(p, 2); got != "b\nc" {
		t.Errorf("Tail 2 = %q", got)
	}
	if got := Tail(p, 10); got != "a\nb\nc" {
		t.Errorf("Tail 10 = %q", got)
	}
	if got := Tail(filepath.Join(t.TempDir(), "none"), 1); got == "" {
		t.Error("a missing file gave nothing")
	}
}
