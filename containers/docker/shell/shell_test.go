package shell

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// run runs a goyarn-sh invocation in this process, in dir, with stdin.
func run(t *testing.T, dir, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(args, Config{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Dir: dir,
		Env:      []string{"PATH=/usr/bin:/bin", "HOME=/home/x", "KEEP=kept"},
		Now:      func() time.Time { return time.Date(2026, 11, 21, 6, 7, 8, 9, time.UTC) },
		Hostname: func() (string, error) { return "node-7", nil },
	})
	return code, out.String(), errOut.String()
}

func TestScripts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script string
		code   int
		out    string
		errHas string
	}{
		{name: "exit code", script: "exit 3", code: 3},
		{name: "false", script: "false", code: 1},
		{name: "not found", script: "no-such-command-here", code: 127, errHas: "no-such-command-here: not found"},
		{name: "syntax error", script: "if then", code: 2, errHas: "goyarn-sh:"},
		{name: "redirections", script: "echo a > f; echo b >> f; cat f; echo e >&2; cat < f 1>&2", out: "a\nb\n", errHas: "e\na\nb\n"},
		{name: "exec redirection", script: "(exec >log 2>&1; echo out; echo err >&2); cat log", out: "out\nerr\n"},
		{name: "eval and exit", script: "eval 'echo in-eval; exit 4'; echo not-here", code: 4, out: "in-eval\n"},
		{name: "pipes and status", script: "echo a b c | wc -w; false | true; echo $?", out: "3\n0\n"},
		{name: "command substitution", script: `x=$(echo hi); echo "[$x]"`, out: "[hi]\n"},
		{name: "exit trap", script: "trap 'echo bye' EXIT; echo hi", out: "hi\nbye\n"},
		{name: "trap listing", script: "trap 'echo t' TERM; trap '' SIGUSR1; trap", out: "trap -- '' USR1\ntrap -- 'echo t' TERM\n"},
		{name: "trap reset", script: "trap 'x' TERM; trap - TERM; trap 'y' 15; trap TERM; trap", out: ""},
		{name: "trap refuses KILL", script: "trap 'x' KILL", code: 1, errHas: "KILL: cannot be trapped"},
		{name: "trap unknown signal", script: "trap 'x' NOPE", code: 1, errHas: "NOPE"},
		{name: "set -e via flag", script: "false; echo not-here", code: 1},
		{name: "sleep", script: "sleep 0.01 0.01s; echo $?", out: "0\n"},
		{name: "sleep bad", script: "sleep forever", code: 2, errHas: "invalid time interval"},
		{name: "hostname", script: "hostname", out: "node-7\n"},
		{name: "date", script: "date -u +%Y-%m-%dT%H:%M:%S.%N%%%j; date -u; date -d @0 -u +%s:%F", out: "2026-11-21T06:07:08.000000009%325\n" +
			"Sat Nov 21 06:07:08 UTC 2026\n0:1970-01-01\n"},
		{name: "env prints", script: "env", out: "HOME=/home/x\nKEEP=kept\nPATH=/usr/bin:/bin\n"},
		{name: "env changes", script: "env -u KEEP A=1 env; env -i B=2 env; X=1 env | wc -l", out: "HOME=/home/x\nPATH=/usr/bin:/bin\nA=1\nB=2\n4\n"},
		{name: "env runs builtins", script: "env -i sh-less=1 hostname; env nosuch-cmd", code: 127, out: "node-7\n"},
		{name: "mkdir ls rm", script: "mkdir -p a/b/c && mkdir -m 700 d && ls; ls -d a; ls a/b; touch=1; rm -d d && rm -r a && ls; echo [$(ls)]",
			out: "a\nd\na\nc\n[]\n"},
		{name: "ls hidden and long", script: "echo x > .h; echo yy > f; ls; ls -A; ls -a | head -n 2; ls -l f | wc -w", out: "f\n.h\nf\n.\n..\n9\n"},
		{name: "rm errors", script: "rm nosuch; echo $?; rm -f nosuch; echo $?; mkdir d; rm d; echo $?", out: "1\n0\n1\n",
			errHas: "Is a directory"},
		{name: "head", script: "printf '1\\n2\\n3\\n4\\n' > f; head -n 2 f; head -1 f; head -c 3 f; echo; head -n 9 f | wc -l", out: "1\n2\n1\n1\n2\n4\n"},
		{name: "tail", script: "printf '1\\n2\\n3\\n4\\n' > f; tail -n 2 f; tail -1 f; tail -n +3 f; tail -c 2 f; printf 'a\\nb' | tail -n 1",
			out: "3\n4\n4\n3\n4\n4\nb"},
		{name: "head and tail of several", script: "echo a > x; echo b > y; head x y", out: "==> x <==\na\n\n==> y <==\nb\n"},
		{name: "wc", script: "printf 'a b\\nc\\n' > f; wc f; wc -l < f; wc -c f; cat f f | wc -lw", out: "2 3 6 f\n2\n6 f\n4 6\n"},
		{name: "cat missing", script: "cat nosuch; echo $?", out: "1\n", errHas: "nosuch: no such file or directory"},
		{name: "builtins win over PATH", script: "command -v ls >/dev/null; ls -Z", code: 2, errHas: "ls: invalid option -- 'Z'"},
		{name: "stdin", script: "cat; cat -", out: "from stdin\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-c", tc.script}
			if tc.name == "set -e via flag" {
				args = []string{"-e", "-c", tc.script}
			}
			code, out, errOut := run(t, t.TempDir(), "from stdin\n", args...)
			if code != tc.code || out != tc.out || !strings.Contains(errOut, tc.errHas) {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr holding %q",
					tc.script, code, out, errOut, tc.code, tc.out, tc.errHas)
			}
		})
	}
}

func TestInvocations(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "s.sh")
	if err := os.WriteFile(script, []byte("echo \"$0:$#:$1:$2\"\nexit 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args  []string
		stdin string
		code  int
		out   string
	}{
		{args: []string{"-c", `echo "$0:$#:$1"`}, out: "goyarn-sh:0:\n"},
		{args: []string{"-c", `echo "$0:$#:$1"`, "name", "one"}, out: "name:1:one\n"},
		{args: []string{"-ec", "false; echo no"}, code: 1},
		{args: []string{"-o", "pipefail", "-c", "false | true"}, code: 1},
		{args: []string{script, "a", "b"}, code: 5, out: script + ":2:a:b\n"},
		{args: []string{"-s", "x"}, stdin: `echo "$#:$1"`, out: "1:x\n"},
		{args: nil, stdin: "echo from-stdin", out: "from-stdin\n"},
		{args: []string{filepath.Join(dir, "missing.sh")}, code: 127},
		{args: []string{"-c"}, code: 2},
		{args: []string{"-Q"}, code: 2},
	} {
		code, out, errOut := run(t, dir, tc.stdin, tc.args...)
		if code != tc.code || out != tc.out {
			t.Errorf("goyarn-sh %q: exit %d, stdout %q (stderr %q); want %d, %q", tc.args, code, out, errOut, tc.code, tc.out)
		}
	}
}

func TestProgramsAndScriptsWithoutShebang(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "noshebang"), []byte("echo \"no shebang $1\"\nexit 6\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	self := buildShell(t)
	var out, errOut bytes.Buffer
	code := Main([]string{"-c", "./noshebang arg; echo $?; /bin/sh -c 'exit 9'; echo $?"}, Config{
		Stdout: &out, Stderr: &errOut, Dir: dir, Env: []string{"PATH=/usr/bin:/bin"}, Self: self})
	if code != 0 || out.String() != "no shebang arg\n6\n9\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}

func TestStrftimeAndSleepParsing(t *testing.T) {
	at := time.Date(2026, 1, 4, 15, 4, 5, 0, time.UTC)
	if got := strftime("%a %A %b %B %d %e %H %I %k %m %M %p %S %u %y %D %T %Q %", at); got !=
		"Sun Sunday Jan January 04  4 15 03 15 01 04 PM 05 7 26 01/04/26 15:04:05 %Q %" {
		t.Errorf("strftime: %q", got)
	}
	for in, want := range map[string]time.Duration{"1": time.Second, "1.5s": 1500 * time.Millisecond, "2m": 2 * time.Minute,
		"1h": time.Hour, "0.5d": 12 * time.Hour} {
		if got, err := parseSleep(in); err != nil || got != want {
			t.Errorf("parseSleep(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "-1", "1y", "1e300"} {
		if _, err := parseSleep(in); err == nil {
			t.Errorf("parseSleep(%q) accepted", in)
		}
	}
	if _, err := parseArgs([]string{"-o"}); err == nil || !errors.Is(err, err) {
		t.Errorf("-o without a name accepted")
	}
}
