package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestPanickingTaskSucceedsOnRetry(t *testing.T) {
	failedOnce.Clear()
	err, logs := runLocalLogged(t, nil, func(ctx *Context, f *fns) error {
		got, err := Collect(Map(Parallelize(ctx, []int{1, 2, 3, 4, 5, 6, 7, 8}, 4), f.failFirst))
		if err != nil {
			return err
		}
		if !slices.Equal(got, []int{1, 2, 3, 4, 5, 6, 7, 8}) {
			t.Errorf("Collect = %v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "task failed; retrying") || !strings.Contains(logs.String(), "panic: first try fails") {
		t.Fatalf("no retry of the panicking task in the logs")
	}
}

func TestTaskFailingEveryAttemptFailsTheJob(t *testing.T) {
	err, logs := runLocalLogged(t, nil, func(ctx *Context, f *fns) error {
		_, err := Count(Map(Range(ctx, 0, 20, 4), f.alwaysFail))
		return err
	})
	if !errors.Is(err, ErrTaskFailed) || !strings.Contains(err.Error(), "panic: seven is not allowed") ||
		!strings.Contains(err.Error(), "failed 4 times") {
		t.Fatalf("err = %v", err)
	}
	if n := strings.Count(logs.String(), "seven is not allowed"); n < 4 {
		t.Errorf("the failure shows %d times in the logs, want one per attempt", n)
	}
	// spark.task.maxFailures is honoured.
	err, _ = runLocalLogged(t, map[string]string{"spark.task.maxFailures": "2"}, func(ctx *Context, f *fns) error {
		_, err := Count(Map(Range(ctx, 0, 20, 4), f.alwaysFail))
		return err
	})
	if !errors.Is(err, ErrTaskFailed) || !strings.Contains(err.Error(), "failed 2 times") {
		t.Fatalf("with maxFailures 2: %v", err)
	}
}

func TestPanicInLocalMain(t *testing.T) {
	err := runLocal(t, nil, func(*Context, *fns) error { panic("the user's bug") })
	var pe *panicError
	if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "panic: the user's bug\n") {
		t.Fatalf("err = %q", err)
	}
}

func TestRegistrationMistakesStopRun(t *testing.T) {
	app := New("bad")
	MapFunc(app, "f", func(int) int { return 0 })
	MapFunc(app, "f", func(string) string { return "" })
	FilterFunc[int](app, "nil", nil)
	MapFunc(app, "", func(int) int { return 0 })
	ran := false
	cfg := DefaultConfig()
	cfg.WorkDir = t.TempDir()
	err := app.RunConfig(context.Background(), cfg, func(*Context) error { ran = true; return nil })
	if ran || !errors.Is(err, ErrDuplicate) || !strings.Contains(err.Error(), `"nil" is nil`) || !strings.Contains(err.Error(), "without a name") {
		t.Fatalf("ran=%v err=%v", ran, err)
	}
}

func TestConfigProblemsAreAllReported(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Role = "executor"
	cfg.Conf = map[string]string{
		"spark.scheduler.minRegisteredResourcesRatio": "1.5",
		"spark.network.timeout":                       "soon",
		"spark.task.maxFailures":                      "0",
	}
	err := cfg.Validate()
	for _, want := range []string{"GOYARN_ENGINE_DRIVER_URL", "GOYARN_ENGINE_EXECUTOR_ID", "minRegisteredResourcesRatio", "spark.network.timeout", "maxFailures"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v; want it to mention %s", err, want)
		}
	}
	if !errors.Is(err, ErrConfig) {
		t.Errorf("not an ErrConfig: %v", err)
	}
}

func TestRegistrationInsideMainIsRefused(t *testing.T) {
	err := runLocal(t, nil, func(ctx *Context, f *fns) error {
		late := MapFunc(ctx.app, "late", func(n int) int { return n })
		_, err := Count(Map(Range(ctx, 0, 4, 2), late))
		if !errors.Is(err, ErrNotRegistered) {
			t.Errorf("a function registered in main: %v, want ErrNotRegistered (executors never run main)", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
