package multihost

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/testenv"
)

// writeWords writes about size bytes of words to path and returns how
// often each occurs.
func writeWords(t *testing.T, path string, size int) map[string]int {
	t.Helper()
	counts := map[string]int{}
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		w := "w" + strconv.Itoa((i*7919)%1013)
		counts[w]++
		b.WriteString(w)
		if i%17 == 16 {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('\n')
	must(t, os.WriteFile(path, b.Bytes(), 0o644))
	return counts
}

// parseCounts reads wordcount's "word<TAB>count" lines.
func parseCounts(out string) map[string]int {
	got := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		w, n, ok := strings.Cut(sc.Text(), "\t")
		if c, err := strconv.Atoi(n); ok && err == nil {
			got[w] = c
		}
	}
	return got
}

func sameCounts(t *testing.T, got, want map[string]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d distinct words counted, want %d", len(got), len(want))
	}
	for w, n := range want {
		if got[w] != n {
			t.Fatalf("%s counted %d times, want %d", w, got[w], n)
		}
	}
}

// lockedBuffer is a bytes.Buffer safe to read while a process writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// wordcount in client mode on the seed cluster, with its input shipped
// through the store (--files): the counts are exact.
func TestSeedWordcount(t *testing.T) {
	s := Start(t, Options{})
	want := writeWords(t, filepath.Join(s.Client.Root, "input.txt"), 2<<20)
	stdout, stderr, err := s.Run(3*time.Minute, "gosubmit", "--master", "yarn", "--deploy-mode", "client",
		"--num-executors", "3", "--executor-memory", "1g", "--files", "input.txt", filepath.Join(s.Bin, "wordcount"), "input.txt")
	if err != nil {
		t.Fatalf("wordcount: %v\n%s", err, stderr)
	}
	sameCounts(t, parseCounts(stdout), want)
	// Cluster mode: the driver runs on an NM host and reads the input
	// from its own container's work dir; its output is the AM's stdout.
	_, stderr, err = s.Run(3*time.Minute, "gosubmit", "--master", "yarn", "--deploy-mode", "cluster",
		"--num-executors", "3", "--executor-memory", "1g", "--driver-memory", "1g", "--files", "input.txt",
		filepath.Join(s.Bin, "wordcount"), "input.txt")
	if err != nil {
		t.Fatalf("wordcount, cluster mode: %v\n%s", err, stderr)
	}
	app := appID(t, stderr)
	logs, lerr, err := s.Run(time.Minute, "goyarn", "logs", "-applicationId", app, "-am", "1", "-log_files", "stdout")
	if err != nil {
		t.Fatalf("goyarn logs: %v\n%s", err, lerr)
	}
	sameCounts(t, parseCounts(logs), want)
}

// Every process of the host running the active RM (its ZooKeeper server,
// RM and NM) dies in the middle of a wordcount: a standby on another host
// takes over and the application still finishes SUCCEEDED with exact
// counts.
func TestSeedActiveHostDiesDuringWordcount(t *testing.T) {
	s := Start(t, Options{})
	want := writeWords(t, filepath.Join(s.Client.Root, "input.txt"), 8<<20)
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(5*time.Minute))
	defer cancel()
	cmd := s.Command(ctx, s.Client, "gosubmit", "--master", "yarn", "--deploy-mode", "client", "--max-attempts", "2",
		"--num-executors", "3", "--executor-memory", "1g", "--files", "input.txt", "--conf", "spark.default.parallelism=24",
		filepath.Join(s.Bin, "wordcount"), "input.txt")
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { // stopped by pid (its process group) also on failure
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	})

	s.WaitFor(t, "the wordcount's map stage to start", 2*time.Minute, func() (bool, string) {
		return strings.Contains(stderr.String(), "stage submitted"), stderr.String()
	})
	active := s.ActiveRM()
	if active < 0 {
		t.Fatal("no active RM")
	}
	dead := s.Hosts[active]
	t.Logf("killing every process of %s (%s), the active RM's host", dead.Name, dead.IP)
	killed := time.Now()
	dead.KillAll()
	s.WaitFor(t, "another RM to become active", time.Minute, func() (bool, string) {
		i := s.ActiveRM()
		return i >= 0 && i != active, fmt.Sprint("active: ", i)
	})
	t.Logf("a standby took over %.1fs after the kill", time.Since(killed).Seconds())

	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("gosubmit: %v\n%s", err, stderr.String())
		}
	case <-ctx.Done():
		t.Fatalf("gosubmit did not finish:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "final status: SUCCEEDED") && !strings.Contains(stderr.String(), "state: FINISHED") {
		t.Errorf("no success reported:\n%s", stderr.String())
	}
	sameCounts(t, parseCounts(stdout.String()), want)
}
