package process

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/containers"
)

// defaultPath is the PATH a container gets when its Env has none.
const defaultPath = "/usr/local/bin:/usr/bin:/bin"

// launch claims the container's state dir, writes its spec and launch script,
// starts the script and waits until the command runs. On failure it leaves
// nothing behind.
func (r *Runtime) launch(ctx context.Context, spec containers.Spec) (c *container, err error) {
	id := spec.ID.String()
	dir := filepath.Join(r.stateDir, id)
	if err := os.Mkdir(dir, 0o700); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("%w: %s (state dir %s exists)", containers.ErrExists, id, dir)
		}
		return nil, fmt.Errorf("start %s: %w", id, err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(dir)
		}
	}()
	saved := saveSpec(spec, r.now())
	launchPath := filepath.Join(dir, fileLaunch)
	if err := errors.Join(
		writeJSON(filepath.Join(dir, fileSpec), saved),
		writeFileAtomic(launchPath, []byte(launchScript(id, dir, spec.Command)), 0o700),
	); err != nil {
		return nil, fmt.Errorf("start %s: %w", id, err)
	}
	files, err := openStdio(spec.LogDir)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", id, err)
	}
	ready, readyW, err := os.Pipe()
	if err != nil {
		closeAll(files)
		return nil, fmt.Errorf("start %s: %w", id, err)
	}
	defer ready.Close()
	files = append(files, readyW) // fd 3, see launchScript
	proc, err := os.StartProcess("/bin/sh", []string{"/bin/sh", launchPath}, &os.ProcAttr{
		Dir:   spec.WorkDir,
		Env:   buildEnv(spec.Env),
		Files: files,
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	closeAll(files)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", id, err)
	}
	var ticks uint64
	if st, serr := readProcStat(r.procRoot, proc.Pid); serr == nil {
		ticks = st.startTicks
	} else {
		r.log.Warn("reading container start time failed", zap.String("container_id", id), zap.Error(serr))
	}
	if err := writePidFile(dir, proc.Pid, ticks); err != nil {
		_ = signalGroup(proc.Pid, syscall.SIGKILL)
		_, _ = proc.Wait()
		return nil, fmt.Errorf("start %s: %w", id, err)
	}
	c = newContainer(spec.ID, dir, saved, proc.Pid, ticks, true)
	go r.reap(c, proc)
	r.awaitReady(ctx, c, ready)
	return c, nil
}

// readyTimeout bounds how long Start waits for the command's shell.
const readyTimeout = 10 * time.Second

// awaitReady waits until the command's shell has started (it writes to the
// readiness pipe) or the launch shell has ended (end of file), so that Stop
// right after Start is not lost. The container runs either way.
func (r *Runtime) awaitReady(ctx context.Context, c *container, ready *os.File) {
	deadline := time.Now().Add(readyTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = ready.SetReadDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = ready.SetReadDeadline(time.Now()) })
	defer stop()
	var b [1]byte
	if _, err := ready.Read(b[:]); err != nil && !errors.Is(err, io.EOF) {
		r.log.Warn("container not seen starting its command", zap.String("container_id", c.id.String()), zap.Error(err))
	}
}

func closeAll(files []*os.File) {
	for _, f := range files {
		_ = f.Close()
	}
}

// openStdio opens /dev/null and the log files the container's stdin, stdout
// and stderr become: files, not pipes, so the container outlives the NM.
func openStdio(logDir string) ([]*os.File, error) {
	var files []*os.File
	for i, name := range []string{os.DevNull, filepath.Join(logDir, "stdout"), filepath.Join(logDir, "stderr")} {
		flag := os.O_WRONLY | os.O_CREATE | os.O_APPEND
		if i == 0 {
			flag = os.O_RDONLY
		}
		f, err := os.OpenFile(name, flag, 0o640)
		if err != nil {
			closeAll(files)
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// reap waits for a child container's shell and records its end.
func (r *Runtime) reap(c *container, proc *os.Process) {
	ps, err := proc.Wait()
	f := exitFacts{}
	if err == nil {
		f.haveWait, f.waitCode = true, waitCode(ps)
	} else {
		f.fileCode, _, f.haveFile = readExitCode(c.dir)
	}
	r.finished(c, f, r.now())
}

// waitCode is the exit code, or 128+signal for a shell killed by a signal.
func waitCode(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

func (r *Runtime) finished(c *container, f exitFacts, at time.Time) {
	if st, ok := c.finish(f, at); ok {
		r.log.Info("container exited", zap.String("container_id", c.id.String()),
			zap.Int("exit_code", st.ExitCode), zap.String("diagnostics", st.Diagnostics))
	}
}

func buildEnv(m map[string]string) []string {
	env := make([]string, 0, len(m)+1)
	for k, v := range m {
		env = append(env, k+"="+v)
	}
	if _, ok := m["PATH"]; !ok {
		env = append(env, "PATH="+defaultPath)
	}
	sort.Strings(env)
	return env
}
