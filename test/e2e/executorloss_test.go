package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/cluster"
)

// writeBigCorpus writes files of random words (single spaces, one line of a
// few words at a time) and returns the exact counts.
func writeBigCorpus(t *testing.T, dir string, files, bytesPerFile int) map[string]int {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 11))
	want := map[string]int{}
	for f := 0; f < files; f++ {
		var b bytes.Buffer
		w := bufio.NewWriter(&b)
		for b.Len()+w.Buffered() < bytesPerFile {
			n := 1 + r.IntN(10)
			for i := 0; i < n; i++ {
				word := fmt.Sprintf("w%d", r.IntN(2000))
				want[word]++
				if i > 0 {
					w.WriteByte(' ')
				}
				w.WriteString(word)
			}
			w.WriteByte('\n')
		}
		w.Flush()
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("in%02d.txt", f)), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return want
}

// shuffleOutputs counts the map outputs an executor holds on disk.
func shuffleOutputs(p cluster.Proc) int {
	n := 0
	for _, root := range append(strings.Split(p.Env["LOCAL_DIRS"], ","), p.Cwd) {
		if root == "" {
			continue
		}
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".index") {
				n++
			}
			return nil
		})
	}
	return n
}

// Killing one executor process in the middle of wordcount — once it holds
// map output — still gives exactly the right counts: the driver notices the
// loss and recomputes what was lost.
func TestWordcountSurvivesExecutorKill(t *testing.T) {
	c := sparkCluster(t)
	input := filepath.Join(c.Dir, "big")
	want := writeBigCorpus(t, input, 32, 2<<20)
	out := filepath.Join(c.Dir, "big-counts")

	cmd := c.Command("gosubmit", "--master", "yarn", "--deploy-mode", "cluster", "--num-executors", "2", "--executor-cores", "1",
		filepath.Join(c.Bin, "wordcount"), input+"/*.txt", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	finished := make(chan error, 1)
	go func() { finished <- cmd.Wait() }()

	var victim *cluster.Proc
	deadline := time.Now().Add(90 * time.Second)
	for victim == nil {
		for _, p := range cluster.Procs(func(p cluster.Proc) bool {
			return isBinary(p, "wordcount") && p.Env["GOYARN_ENGINE_ROLE"] == "executor" && strings.HasPrefix(p.Cwd, c.Dir)
		}) {
			if shuffleOutputs(p) > 0 {
				victim = &p
				break
			}
		}
		select {
		case err := <-finished:
			t.Fatalf("the job ended (%v) before any executor held map output to kill:\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no executor ever held map output")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := syscall.Kill(victim.PID, syscall.SIGKILL); err != nil {
		t.Fatalf("killing executor %s (pid %d): %v", victim.Env["GOYARN_ENGINE_EXECUTOR_ID"], victim.PID, err)
	}
	t.Logf("killed executor %s (pid %d) holding %d map outputs", victim.Env["GOYARN_ENGINE_EXECUTOR_ID"], victim.PID, shuffleOutputs(*victim))

	select {
	case err := <-finished:
		if err != nil {
			t.Fatalf("gosubmit: %v\n%s", err, stderr.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatal("the job did not finish")
	}
	app := appIDPattern(stderr.String())
	if !strings.Contains(stderr.String(), "final status: SUCCEEDED") {
		t.Fatalf("gosubmit:\n%s", stderr.String())
	}
	parts, _ := filepath.Glob(filepath.Join(out, "part-*"))
	var all strings.Builder
	for _, p := range parts {
		data, _ := os.ReadFile(p)
		all.Write(data)
	}
	sameCounts(t, parseCounts(t, all.String()), want)
	log := amLog(t, c, app, "stderr")
	if !strings.Contains(log, "executor lost") {
		t.Errorf("the driver's log does not show the executor loss:\n%s", log)
	}
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "executor lost") || strings.Contains(line, `"missing"`) || strings.Contains(line, "fetch failed") {
			t.Log(line)
		}
	}
}
