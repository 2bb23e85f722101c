package fs

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/resourcemanager/store"
	"github.com/goyarn/goyarn/resourcemanager/store/mem"
	"github.com/goyarn/goyarn/resourcemanager/store/storetest"
)

// crashDirEnv, when set, turns the test binary into crashWriter.
const crashDirEnv = "GOYARN_FS_CRASH_DIR"

// op applies the i-th operation of a fixed sequence: apps are put, get
// attempts, finish, are removed a few apps later; the epoch bumps along.
func op(ctx context.Context, s store.Store, i int) error {
	seq := int32(i/5 + 1)
	app := storetest.App(seq)
	switch i % 5 {
	case 0:
		return s.PutApp(ctx, app)
	case 1:
		return s.PutAttempt(ctx, storetest.Attempt(app.ID, 1))
	case 2:
		at := storetest.Attempt(app.ID, 1)
		at.State, at.FinalStatus, at.ExitStatus = api.AttemptFinished, api.FinalSucceeded, 0
		return s.PutAttempt(ctx, at)
	case 3:
		app.State, app.FinalStatus, app.Diagnostics = api.AppFinished, api.FinalSucceeded, fmt.Sprintf("op %d", i)
		return s.PutApp(ctx, app)
	default:
		if seq%2 == 0 {
			_, err := s.BumpEpoch(ctx)
			return err
		}
		if seq > 3 {
			return s.RemoveApp(ctx, storetest.App(seq-3).ID)
		}
		return nil
	}
}

// crashWriter runs operations on the store in dir forever, printing
// "done N" after operation N returned; the parent kills it.
func crashWriter(dir string) int {
	s, err := Open(dir, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx := context.Background()
	for i := 0; ; i++ {
		if err := op(ctx, s, i); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
		fmt.Fprintf(os.Stdout, "done %d\n", i) // os.Stdout is unbuffered
	}
}

// model is the state after operations 0..n-1, applied to the mem store.
func model(t *testing.T, n int) string {
	s := mem.New()
	for i := range n {
		if err := op(context.Background(), s, i); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return canonical(t, st)
}

func canonical(t *testing.T, st store.State) string {
	for i := range st.Apps {
		if st.Apps[i].Attempts == nil {
			st.Apps[i].Attempts = []store.AttemptRecord{}
		}
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestKillMidWrite kills a writing process at varying points and checks the
// directory loads as exactly the state after the last completed operation,
// or after the one in flight — never something torn or in between.
func TestKillMidWrite(t *testing.T) {
	for round, after := range []int{7, 41, 123} {
		t.Run(strconv.Itoa(round), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			killed := false
			defer func() {
				if !killed {
					_ = cmd.Process.Kill()
					_ = cmd.Wait()
				}
			}()
			sc := bufio.NewScanner(out)
			last := -1
			for sc.Scan() {
				n, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "done "))
				if err != nil {
					t.Fatalf("writer said %q", sc.Text())
				}
				last = n
				if n == after && !killed {
					_ = cmd.Process.Signal(syscall.SIGKILL)
					killed = true
				}
			}
			if err := cmd.Wait(); !killed || err == nil {
				t.Fatalf("writer ended on its own (%v): %s", err, stderr.String())
			}
			s, err := Open(dir, nil) // the lock died with the writer
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			st, err := s.Load(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := canonical(t, st)
			completed, inFlight := model(t, last+1), model(t, last+2)
			if got != completed && got != inFlight {
				t.Fatalf("after a kill at op %d the store holds\n%s\nwant\n%s\nor\n%s", last, got, completed, inFlight)
			}
			t.Logf("killed after op %d; state matches %s", last, map[bool]string{true: "the completed ops", false: "the op in flight too"}[got == completed])
		})
	}
}
