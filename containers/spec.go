package containers

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Validate reports every reason s cannot run, wrapped in ErrInvalidSpec:
// every runtime refuses the same specs. The work and log dirs must exist.
func (s Spec) Validate() error {
	var errs []error
	if s.ID.IsZero() {
		errs = append(errs, errors.New("container id is missing"))
	}
	if strings.TrimSpace(s.Command) == "" {
		errs = append(errs, errors.New("command is empty"))
	}
	if strings.ContainsRune(s.Command, 0) {
		errs = append(errs, errors.New("command holds a NUL byte"))
	}
	for _, d := range []struct{ what, path string }{{"work dir", s.WorkDir}, {"log dir", s.LogDir}} {
		if d.path == "" {
			errs = append(errs, fmt.Errorf("%s is missing", d.what))
		} else if fi, err := os.Stat(d.path); err != nil || !fi.IsDir() {
			errs = append(errs, fmt.Errorf("%s %q is not a directory", d.what, d.path))
		}
	}
	for k, v := range s.Env {
		if k == "" || strings.ContainsAny(k, "=\x00") || strings.ContainsRune(v, 0) {
			errs = append(errs, fmt.Errorf("environment variable %q is malformed", k))
		}
	}
	if s.Resource.MemoryMB < 0 {
		errs = append(errs, fmt.Errorf("memory %d MB is negative", s.Resource.MemoryMB))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s: %w", ErrInvalidSpec, s.ID, errors.Join(errs...))
}
