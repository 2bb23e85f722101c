package process

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
)

// monitor checks memory every interval until Close.
func (r *Runtime) monitor(interval time.Duration) {
	defer r.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-r.closing:
			return
		case <-t.C:
			r.checkMemory()
		}
	}
}

// checkMemory scans /proc once, sums RSS by process group, and kills every
// running container whose group uses more than its allocation.
func (r *Runtime) checkMemory() {
	var limited []*container
	for _, c := range r.ctrs.All() {
		if c.spec.Resource.MemoryMB > 0 && !c.isExited() {
			limited = append(limited, c)
		}
	}
	if len(limited) == 0 {
		return
	}
	procs, err := scanProcs(r.procRoot)
	if err != nil {
		r.log.Warn("scanning processes failed", zap.Error(err))
		return
	}
	usage := rssByGroup(procs, int64(os.Getpagesize()))
	for _, c := range limited {
		limit := c.spec.Resource.MemoryMB << 20
		used := usage[c.pid]
		if used <= limit || c.isExited() {
			continue
		}
		if !c.child && !processAlive(r.procRoot, c.pid, c.startTicks) {
			continue // the pid is no longer this container's
		}
		diag := overLimitDiagnostics(c.pid, c.id, used, limit) + "\n" + processTreeDump(r.procRoot, c.id, c.pid, procs)
		r.log.Warn("container over its memory limit, killing it", zap.String("container_id", c.id.String()),
			zap.Int64("rss_bytes", used), zap.Int64("limit_bytes", limit))
		r.force(c, &outcome{Kind: kindPMem, ExitCode: api.ExitKilledExceededPMem, Diagnostics: diag})
		if err := signalGroup(c.pid, syscall.SIGKILL); err != nil {
			r.log.Warn("killing container failed", zap.String("container_id", c.id.String()), zap.Error(err))
		}
	}
}

// rssByGroup sums the resident memory of procs, in bytes, by process group.
func rssByGroup(procs []procStat, pageSize int64) map[int]int64 {
	usage := make(map[int]int64)
	for _, p := range procs {
		usage[p.pgid] += p.rssPages * pageSize
	}
	return usage
}

// overLimitDiagnostics is YARN's message for a container killed over its
// physical memory limit.
func overLimitDiagnostics(pid int, id api.ContainerID, used, limit int64) string {
	return fmt.Sprintf("Container [pid=%d,containerID=%s] is running %dB beyond the 'PHYSICAL' memory limit. "+
		"Current usage: %s of %s physical memory used. Killing container.",
		pid, id, used-limit, formatBytes(used), formatBytes(limit))
}

// processTreeDump lists the processes of group pgid as YARN's
// ProcfsBasedProcessTree dump does.
func processTreeDump(root string, id api.ContainerID, pgid int, procs []procStat) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Dump of the process-tree for %s :\n", id)
	b.WriteString("\t|- PID PPID PGRPID SESSID CMD_NAME VMEM_USAGE(BYTES) RSSMEM_USAGE(PAGES) FULL_CMD_LINE\n")
	for _, p := range procs {
		if p.pgid != pgid {
			continue
		}
		fmt.Fprintf(&b, "\t|- %d %d %d %d (%s) %d %d %s\n",
			p.pid, p.ppid, p.pgid, p.sid, p.comm, p.vsize, p.rssPages, readCmdline(root, p.pid))
	}
	return strings.TrimRight(b.String(), "\n")
}

// formatBytes renders n with a binary prefix and at most one decimal, as
// YARN's TraditionalBinaryPrefix does: "256 MB", "300.5 MB", "1.2 GB".
func formatBytes(n int64) string {
	units := []string{"B", "KB", "MB", "GB", "TB", "PB"}
	v, u := float64(n), 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + units[u]
}
