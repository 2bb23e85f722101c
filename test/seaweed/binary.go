package seaweed

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// ErrNoBinary is wrapped by Binary's error when no weed binary is found.
var ErrNoBinary = errors.New("SeaweedFS weed binary not found")

// Binary finds the weed binary: $GOYARN_WEED, else the newest
// ${XDG_CACHE_HOME:-$HOME/.cache}/goyarn/weed-*, else weed on PATH.
func Binary() (string, error) {
	if p := os.Getenv("GOYARN_WEED"); p != "" {
		if err := executable(p); err != nil {
			return "", fmt.Errorf("%w: GOYARN_WEED=%s: %v", ErrNoBinary, p, err)
		}
		return p, nil
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		if home, err := os.UserHomeDir(); err == nil {
			cache = filepath.Join(home, ".cache")
		}
	}
	var newest string
	var newestTime time.Time
	if cache != "" {
		matches, _ := filepath.Glob(filepath.Join(cache, "goyarn", "weed-*"))
		for _, m := range matches {
			fi, err := os.Stat(m)
			if err != nil || !fi.Mode().IsRegular() || executable(m) != nil {
				continue
			}
			if newest == "" || fi.ModTime().After(newestTime) {
				newest, newestTime = m, fi.ModTime()
			}
		}
	}
	if newest != "" {
		return newest, nil
	}
	if p, err := exec.LookPath("weed"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%w (no $GOYARN_WEED, no %s, no weed on PATH); run scripts/install-weed.sh",
		ErrNoBinary, filepath.Join(cache, "goyarn", "weed-*"))
}

func executable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", p)
	}
	return nil
}

// requireWeed reports whether GOYARN_REQUIRE_WEED asks for a failure instead
// of a skip when the binary is missing.
func requireWeed() bool {
	v, _ := strconv.ParseBool(os.Getenv("GOYARN_REQUIRE_WEED"))
	return v
}
