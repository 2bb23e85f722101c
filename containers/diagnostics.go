package containers

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// StderrTailBytes is how much of its stderr a failed container's
// diagnostics carry, as YARN's.
const StderrTailBytes = 4096

// StderrTail is what a failed container's diagnostics end with, as YARN's:
// " Last 4096 bytes of stderr :\n" and the end of logDir/stderr; "" when
// logDir is empty or that file is missing, unreadable or blank.
func StderrTail(logDir string) string {
	if logDir == "" {
		return ""
	}
	tail := tailFile(filepath.Join(logDir, "stderr"), StderrTailBytes)
	if strings.TrimSpace(tail) == "" {
		return ""
	}
	return fmt.Sprintf(" Last %d bytes of stderr :\n%s", StderrTailBytes, tail)
}

// tailFile returns the last n bytes of a file, "" when it cannot be read.
func tailFile(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return ""
	}
	off := max(fi.Size()-n, 0)
	buf := make([]byte, fi.Size()-off)
	if _, err := f.ReadAt(buf, off); err != nil {
		return ""
	}
	return string(buf)
}
