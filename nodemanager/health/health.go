package health

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/goyarn/goyarn/api/rpc"
)

// Checker checks directories for writability and free space.
type Checker struct {
	Dirs      []string
	MinFreeMB int64
	// FreeMB reports the free space of the file system holding dir; nil
	// means statfs. Tests replace it.
	FreeMB func(dir string) (int64, error)
}

// Check probes every directory and returns the node's health at now.
func (c *Checker) Check(now time.Time) rpc.NodeHealth {
	var problems []string
	for _, d := range c.Dirs {
		if err := c.checkDir(d); err != nil {
			problems = append(problems, err.Error())
		}
	}
	h := rpc.NodeHealth{Healthy: len(problems) == 0, LastReport: now.UnixMilli()}
	if !h.Healthy {
		h.Report = strings.Join(problems, "; ")
	}
	return h
}

func (c *Checker) checkDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s is not usable: %v", dir, err)
	}
	f, err := os.CreateTemp(dir, ".health-*")
	if err != nil {
		return fmt.Errorf("%s is not writable: %v", dir, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	free := c.FreeMB
	if free == nil {
		free = statfsFreeMB
	}
	mb, err := free(dir)
	if err != nil {
		return fmt.Errorf("%s: cannot read free space: %v", dir, err)
	}
	if mb < c.MinFreeMB {
		return fmt.Errorf("%s has %d MB free, below the minimum %d MB", dir, mb, c.MinFreeMB)
	}
	return nil
}

func statfsFreeMB(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(uint64(st.Bavail) * uint64(st.Bsize) >> 20), nil
}
