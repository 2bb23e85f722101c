package process

import (
	"os"
	"os/exec"
	"testing"
)

func TestParseStat(t *testing.T) {
	for _, tc := range []struct {
		name string
		line string
		want procStat
		bad  bool
	}{
		{"plain", "42 (sleep) S 1 42 40 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777 8192 3 0 0\n",
			procStat{pid: 42, comm: "sleep", state: 'S', ppid: 1, pgid: 42, sid: 40, startTicks: 777, vsize: 8192, rssPages: 3}, false},
		{"name with spaces and parens", "7 (a) (b c) Z 2 3 4 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9 10 11\n",
			procStat{pid: 7, comm: "a) (b c", state: 'Z', ppid: 2, pgid: 3, sid: 4, startTicks: 9, vsize: 10, rssPages: 11}, false},
		{"truncated", "7 (a) S 1 2 3", procStat{}, true},
		{"no name", "7 S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9 10 11", procStat{}, true},
		{"bad pid", "x (a) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9 10 11", procStat{}, true},
		{"bad number", "7 (a) S 1 zz 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9 10 11", procStat{}, true},
		{"empty", "", procStat{}, true},
	} {
		got, err := parseStat([]byte(tc.line))
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v (error %v)", tc.name, got, err, tc.want, tc.bad)
		}
	}
}

func TestProcessAlive(t *testing.T) {
	self, err := readProcStat("/proc", os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		pid   int
		ticks uint64
		want  bool
	}{
		{"self, any start", self.pid, 0, true},
		{"self, same start", self.pid, self.startTicks, true},
		{"self, other start (pid reused)", self.pid, self.startTicks + 1, false},
		{"no such pid", 1 << 30, 0, false},
		{"zero", 0, 0, false},
	} {
		if got := processAlive("/proc", tc.pid, tc.ticks); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for _, s := range []string{"", "plain", "it's", `a "b" $c \d`, "'''", "new\nline"} {
		out, err := exec.Command("/bin/sh", "-c", "printf %s "+shellQuote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("shellQuote(%q) through sh: %q, %v", s, out, err)
		}
	}
}
