package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/cluster"
)

// sparkCluster is a cluster sized for Spark-style applications: the AM
// (driver) and two 1 GB executors fit on two NMs with room to spare.
func sparkCluster(t *testing.T) *cluster.Cluster {
	return cluster.Start(t, cluster.Options{NodeManagers: 2, NodeMemoryMB: 4096, NodeVCores: 4})
}

// run runs cmd, returning stdout and stderr; it fails the test on a
// non-zero exit.
func run(t *testing.T, cmd *exec.Cmd) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(cmd.Args, " "), err, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

var appIDPattern = func(s string) string {
	i := strings.Index(s, "application_")
	if i < 0 {
		return ""
	}
	j := i + len("application_")
	for j < len(s) && (s[j] == '_' || s[j] >= '0' && s[j] <= '9') {
		j++
	}
	return s[i:j]
}

// amLog reads a file of the application's first AM container through
// goyarn logs.
func amLog(t *testing.T, c *cluster.Cluster, app, file string) string {
	t.Helper()
	out, _ := run(t, c.Command("goyarn", "logs", "-applicationId", app, "-am", "1", "-log_files", file))
	return out
}

// watchDriver polls /proc until it finds the driver process that match
// accepts, and returns what it saw of it while it ran.
type driverWatch struct {
	mu    sync.Mutex
	found *cluster.Proc
	stop  chan struct{}
	done  chan struct{}
}

func watchDriver(match func(cluster.Proc) bool) *driverWatch {
	w := &driverWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			if ps := cluster.Procs(match); len(ps) > 0 {
				w.mu.Lock()
				w.found = &ps[0]
				w.mu.Unlock()
				return
			}
			select {
			case <-w.stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return w
}

func (w *driverWatch) result() *cluster.Proc {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.found
}

func isBinary(p cluster.Proc, name string) bool { return filepath.Base(p.Exe) == name }

// SparkPi in cluster mode: the driver runs inside the AM container (a child
// of the AM, in its process group and work dir, with its CONTAINER_ID),
// executors register back to it, and the answer lands in the AM's stdout.
func TestPiClusterMode(t *testing.T) {
	c := sparkCluster(t)
	w := watchDriver(func(p cluster.Proc) bool {
		return isBinary(p, "pi") && p.Env["GOYARN_ENGINE_ROLE"] == "driver" && strings.HasPrefix(p.Cwd, c.Dir)
	})
	_, stderr := run(t, c.Command("gosubmit", "--master", "yarn", "--deploy-mode", "cluster", "--num-executors", "2",
		"--executor-memory", "1g", filepath.Join(c.Bin, "pi"), "20"))
	driver := w.result()
	app := appIDPattern(stderr)
	if app == "" || !strings.Contains(stderr, "final status: SUCCEEDED") {
		t.Fatalf("gosubmit output:\n%s", stderr)
	}
	if out := amLog(t, c, app, "stdout"); !strings.Contains(out, "Pi is roughly 3.1") {
		t.Fatalf("driver output (AM stdout):\n%s", out)
	}

	// Where the driver ran, as /proc saw it while it ran.
	if driver == nil {
		t.Fatal("never saw the driver process")
	}
	amCID := strings.Replace(app, "application", "container", 1) + "_01_000001"
	if driver.Env["CONTAINER_ID"] != amCID {
		t.Errorf("driver ran with CONTAINER_ID %q, want the AM container %s", driver.Env["CONTAINER_ID"], amCID)
	}
	// The work dir is <local-dir>/usercache/<user>/appcache/<app>/<container>
	// (removed once the application ends).
	if filepath.Base(driver.Cwd) != amCID || filepath.Base(filepath.Dir(driver.Cwd)) != app {
		t.Errorf("driver's cwd %s is not the AM container's work dir", driver.Cwd)
	}
	if am, ok := cluster.ReadProc(driver.PPID); ok && (!isBinary(am, "appmaster") || am.PGID != driver.PGID) {
		t.Errorf("driver's parent is %s (pgid %d), want the appmaster in the driver's process group %d", am.Exe, am.PGID, driver.PGID)
	}

	// The driver's log (its stderr, in the AM container's stderr) shows both
	// executors registering.
	if n := strings.Count(amLog(t, c, app, "stderr"), "registered executor"); n < 2 {
		t.Errorf("driver log shows %d executor registrations, want 2", n)
	}
}

// SparkPi in client mode: the driver is a child of gosubmit, its answer on
// gosubmit's console.
func TestPiClientMode(t *testing.T) {
	c := sparkCluster(t)
	cmd := c.Command("gosubmit", "--master", "yarn", "--deploy-mode", "client", "--num-executors", "2", filepath.Join(c.Bin, "pi"), "20")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := watchDriver(func(p cluster.Proc) bool { return isBinary(p, "pi") && p.PPID == cmd.Process.Pid })
	err := cmd.Wait()
	driver := w.result()
	if err != nil {
		t.Fatalf("gosubmit: %v\n%s\n%s", err, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "Pi is roughly 3.1") {
		t.Fatalf("console output:\n%s\n%s", out.String(), errb.String())
	}
	if driver == nil {
		t.Fatal("never saw the driver as a child of gosubmit")
	}
	if driver.Env["GOYARN_ENGINE_ROLE"] != "driver" || driver.Env["CONTAINER_ID"] != "" {
		t.Errorf("client-mode driver env: role %q, CONTAINER_ID %q", driver.Env["GOYARN_ENGINE_ROLE"], driver.Env["CONTAINER_ID"])
	}
	if n := strings.Count(errb.String(), "registered executor"); n < 2 {
		t.Errorf("driver log on the console shows %d executor registrations, want 2:\n%s", n, errb.String())
	}
	app := appIDPattern(errb.String())
	if a := c.App(app); a.FinalStatus != "SUCCEEDED" || a.ApplicationType != "SPARK" {
		t.Errorf("app %s: %s/%s", app, a.FinalStatus, a.ApplicationType)
	}
}

// writeCorpus writes n files of random words under dir and returns what
// `tr -s ' ' '\n' | sort | uniq -c` makes of them, as word -> count.
func writeCorpus(t *testing.T, dir string, files, linesPerFile int) map[string]int {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 500)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%03d%c", i, 'a'+rune(i%26))
	}
	for f := 0; f < files; f++ {
		var b strings.Builder
		for l := 0; l < linesPerFile; l++ {
			for w := 0; w < 1+r.IntN(12); w++ {
				if w > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(vocab[r.IntN(len(vocab))])
			}
			b.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part%02d.txt", f)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sh := exec.Command("sh", "-c", "cat "+dir+"/*.txt | tr -s ' ' '\\n' | sort | uniq -c")
	out, err := sh.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		n, _ := strconv.Atoi(f[0])
		want[f[1]] = n
	}
	return want
}

// parseCounts reads word<TAB>count lines.
func parseCounts(t *testing.T, text string) map[string]int {
	t.Helper()
	got := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if line == "" {
			continue
		}
		word, count, ok := strings.Cut(line, "\t")
		n, err := strconv.Atoi(count)
		if !ok || err != nil {
			t.Fatalf("not a word<TAB>count line: %q", line)
		}
		if _, dup := got[word]; dup {
			t.Fatalf("word %q counted twice", word)
		}
		got[word] = n
	}
	return got
}

func sameCounts(t *testing.T, got, want map[string]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d distinct words, want %d", len(got), len(want))
	}
	var wrong []string
	for w, n := range want {
		if got[w] != n {
			wrong = append(wrong, fmt.Sprintf("%s: %d, want %d", w, got[w], n))
		}
	}
	slices.Sort(wrong)
	if len(wrong) > 0 {
		t.Errorf("%d wrong counts, e.g. %v", len(wrong), wrong[:min(5, len(wrong))])
	}
}

// wordcount in cluster mode writes part files into the output dir; in
// client mode it prints on the console. Both match tr|sort|uniq -c.
func TestWordcountBothModes(t *testing.T) {
	c := sparkCluster(t)
	input := filepath.Join(c.Dir, "input")
	want := writeCorpus(t, input, 6, 400)

	out := filepath.Join(c.Dir, "counts")
	_, stderr := run(t, c.Command("gosubmit", "--master", "yarn", "--deploy-mode", "cluster", filepath.Join(c.Bin, "wordcount"), input+"/*.txt", out))
	if !strings.Contains(stderr, "final status: SUCCEEDED") {
		t.Fatalf("cluster mode:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "_SUCCESS")); err != nil {
		t.Fatalf("no _SUCCESS in %s: %v", out, err)
	}
	parts, _ := filepath.Glob(filepath.Join(out, "part-*"))
	var all strings.Builder
	for _, p := range parts {
		data, _ := os.ReadFile(p)
		all.Write(data)
	}
	sameCounts(t, parseCounts(t, all.String()), want)

	stdout, _ := run(t, c.Command("gosubmit", "--master", "yarn", "--deploy-mode", "client", filepath.Join(c.Bin, "wordcount"), input+"/*.txt"))
	sameCounts(t, parseCounts(t, stdout), want)
}

// Bad input is refused before anything is submitted.
func TestGosubmitBadInput(t *testing.T) {
	c := sparkCluster(t)
	for _, args := range [][]string{
		{"--executor-memory", "12x", "pi"},
		{"--num-executors", "0", "pi"},
		{"--queue", "nosuchqueue", "pi"},
		{"--executor-memory", "64g", "pi"},
		{"--bogus-flag", "pi"},
		{"/no/such/binary"},
	} {
		if args[len(args)-1] == "pi" {
			args[len(args)-1] = filepath.Join(c.Bin, "pi")
		}
		cmd := c.Command("gosubmit", append([]string{"--master", "yarn"}, args...)...)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Run(); err == nil {
			t.Errorf("gosubmit %v succeeded", args)
		}
		// One error line; checks that ask the RM are preceded by
		// spark-submit's INFO lines.
		var errLines []string
		for _, l := range strings.Split(strings.TrimSpace(errb.String()), "\n") {
			if !strings.Contains(l, " INFO ") {
				errLines = append(errLines, l)
			}
		}
		if len(errLines) != 1 {
			t.Errorf("gosubmit %v: want a one-line error, got:\n%s", args, errb.String())
		}
	}
	var apps struct {
		Apps struct {
			App []json.RawMessage `json:"app"`
		} `json:"apps"`
	}
	c.Do("GET", "/ws/v1/cluster/apps", nil, &apps)
	if len(apps.Apps.App) != 0 {
		t.Fatalf("bad input submitted %d applications", len(apps.Apps.App))
	}
}
