package client_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/goyarn/goyarn/client"
)

func TestParseByteString(t *testing.T) {
	for _, tc := range []struct {
		in   string
		unit int64
		want int64
		bad  bool
	}{
		{in: "512m", unit: client.MiB, want: 512},
		{in: "2g", unit: client.MiB, want: 2048},
		{in: "2G", unit: client.MiB, want: 2048},
		{in: " 2gb ", unit: client.MiB, want: 2048},
		{in: "1024k", unit: client.MiB, want: 1},
		{in: "1536k", unit: client.MiB, want: 1}, // truncated, as Spark's ByteUnit
		{in: "1t", unit: client.MiB, want: 1 << 20},
		{in: "1tb", unit: client.MiB, want: 1 << 20},
		{in: "1p", unit: client.MiB, want: 1 << 30},
		{in: "1024", unit: client.MiB, want: 1024}, // bare number: the unit asked for
		{in: "1024", unit: client.Byte, want: 1024},
		{in: "100b", unit: client.Byte, want: 100},
		{in: "1k", unit: client.Byte, want: 1024},
		{in: "3mb", unit: client.KiB, want: 3072},
		{in: "0m", unit: client.MiB, want: 0},
		{in: "8191p", unit: client.Byte, want: 8191 << 50},
		{in: "8192p", unit: client.Byte, bad: true}, // 2^63 does not fit
		{in: "99999999999999999999", unit: client.Byte, bad: true},
		{in: "12x", unit: client.MiB, bad: true},
		{in: "1.5g", unit: client.MiB, bad: true},
		{in: "-1g", unit: client.MiB, bad: true},
		{in: "+1g", unit: client.MiB, bad: true},
		{in: "1 g", unit: client.MiB, bad: true},
		{in: "g", unit: client.MiB, bad: true},
		{in: "", unit: client.MiB, bad: true},
		{in: "1gib", unit: client.MiB, bad: true},
		{in: "1g2", unit: client.MiB, bad: true},
	} {
		got, err := client.ParseByteString(tc.in, tc.unit)
		if tc.bad {
			if !errors.Is(err, client.ErrBadSize) {
				t.Errorf("ParseByteString(%q) = %d, %v; want ErrBadSize", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseByteString(%q, %d) = %d, %v; want %d", tc.in, tc.unit, got, err, tc.want)
		}
	}
}

func TestParseMemoryMB(t *testing.T) {
	for in, want := range map[string]int64{"512m": 512, "1g": 1024, "2048": 2048, "1024k": 1} {
		if got, err := client.ParseMemoryMB(in); err != nil || got != want {
			t.Errorf("ParseMemoryMB(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "0g", "512k", "100b", "12x", "1.5g"} {
		if got, err := client.ParseMemoryMB(in); !errors.Is(err, client.ErrBadSize) {
			t.Errorf("ParseMemoryMB(%q) = %d, %v; want ErrBadSize", in, got, err)
		}
	}
}

func TestReadAuthToken(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "token")
	if err := os.WriteFile(p, []byte("# the cluster's token\n\n  s3cret trailing words\nother\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if tok, err := client.ReadAuthToken(p); err != nil || tok != "s3cret" {
		t.Errorf("ReadAuthToken = %q, %v", tok, err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("# nothing\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := client.ReadAuthToken(empty); err == nil {
		t.Error("a file without a token was accepted")
	}
	if _, err := client.ReadAuthToken(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
