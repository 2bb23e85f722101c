package engine

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// TestMain doubles as an executor: the multi-process tests run this test
// binary with the executor environment, as app.Run would be.
func TestMain(m *testing.M) {
	if os.Getenv(protocol.EnvRole) == protocol.RoleExecutor {
		app, _ := testApp()
		app.Run(nil)
	}
	goleak.VerifyTestMain(m)
}

// Point is a user-defined record type.
type Point struct {
	X, Y int
}

// fns are the test program's registered functions.
type fns struct {
	words        FlatMapFn[string, string]
	pair         MapFn[string, KV[string, int]]
	sum          ReduceFn[int]
	square       MapFn[int, int]
	even         FilterFn[int]
	mod10        MapFn[int, KV[int, int]]
	sumPartition MapPartitionsFn[int, int]
	upper        MapFn[string, string]
	norm         MapFn[Point, int]
	groupSize    MapFn[Group[int, int], KV[int, int]]
	failFirst    MapFn[int, int]
	alwaysFail   MapFn[int, int]
	gate         MapPartitionsFn[KV[string, int], KV[string, int]]
}

// testApp registers every function any test uses, identically in the test
// process and in executor processes.
func testApp() (*App, *fns) {
	app := New("engine-test")
	f := &fns{
		words:  FlatMapFunc(app, "words", strings.Fields),
		pair:   MapFunc(app, "pair", func(w string) KV[string, int] { return KV[string, int]{Key: w, Value: 1} }),
		sum:    ReduceFunc(app, "sum", func(a, b int) int { return a + b }),
		square: MapFunc(app, "square", func(n int) int { return n * n }),
		even:   FilterFunc(app, "even", func(n int) bool { return n%2 == 0 }),
		mod10:  MapFunc(app, "mod10", func(n int) KV[int, int] { return KV[int, int]{Key: n % 10, Value: n} }),
		sumPartition: MapPartitionsFunc(app, "sumPartition", func(in iter.Seq[int]) iter.Seq[int] {
			return func(yield func(int) bool) {
				s := 0
				for n := range in {
					s += n
				}
				yield(s)
			}
		}),
		upper:     MapFunc(app, "upper", strings.ToUpper),
		norm:      MapFunc(app, "norm", func(p Point) int { return p.X*p.X + p.Y*p.Y }),
		groupSize: MapFunc(app, "groupSize", func(g Group[int, int]) KV[int, int] { return KV[int, int]{Key: g.Key, Value: len(g.Values)} }),
		failFirst: MapFunc(app, "failFirstTry", failFirstTry),
		alwaysFail: MapFunc(app, "alwaysFail", func(n int) int {
			if n == 7 {
				panic("seven is not allowed")
			}
			return n
		}),
		gate: MapPartitionsFunc(app, "gate", gate),
	}
	RegisterType[Point](app)
	return app, f
}

// failFirstTry panics for record 5 the first time this process sees it.
var failedOnce sync.Map

func failFirstTry(n int) int {
	if n == 5 {
		if _, loaded := failedOnce.LoadOrStore(n, true); !loaded {
			panic("first try fails")
		}
	}
	return n
}

// logBuffer collects a test's logs; they are printed when the test fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) Sync() error { return nil }

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func testLogger(t *testing.T) (*zap.Logger, *logBuffer) {
	t.Helper()
	lb := &logBuffer{}
	logger := testLoggerTo(lb)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", lb.String())
		}
	})
	return logger, lb
}

func testLoggerTo(lb *logBuffer) *zap.Logger {
	enc := zap.NewDevelopmentEncoderConfig()
	return zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(enc), lb, zapcore.DebugLevel))
}

// waitFor polls cond until it holds, failing the test after 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// runLocal runs main in local mode with two executors of two cores.
func runLocal(t *testing.T, conf map[string]string, main func(*Context, *fns) error) error {
	t.Helper()
	err, _ := runLocalLogged(t, conf, main)
	return err
}

// runLocalLogged is runLocal that also returns the logs.
func runLocalLogged(t *testing.T, conf map[string]string, main func(*Context, *fns) error) (error, *logBuffer) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.ExecutorCores = 2
	cfg.WorkDir = t.TempDir()
	var logs *logBuffer
	cfg.Logger, logs = testLogger(t)
	for k, v := range conf {
		cfg.Conf[k] = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	app, f := testApp()
	return app.RunConfig(ctx, cfg, func(c *Context) error { return main(c, f) }), logs
}

// wordCounts is the reference: the words of texts counted in a map.
func wordCounts(texts ...string) map[string]int {
	want := map[string]int{}
	for _, t := range texts {
		for _, w := range strings.FieldsFunc(t, unicode.IsSpace) {
			want[w]++
		}
	}
	return want
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if err := os.WriteFile(dir+"/"+name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// corpus makes n lines of words drawn from a small vocabulary.
func corpus(lines, seed int) string {
	vocab := []string{"spark", "yarn", "go", "driver", "executor", "shuffle", "map", "reduce", "the", "a"}
	var b strings.Builder
	x := seed
	for i := range lines {
		for j := range 1 + i%7 {
			x = (x*1103515245 + 12345 + j) & 0x7fffffff
			fmt.Fprintf(&b, "%s ", vocab[x%len(vocab)])
		}
		b.WriteString("\n")
	}
	return b.String()
}

// gateEnv names a file the "gate" function waits for before it reads its
// partition: the executor-loss test opens it once it has killed an executor.
const gateEnv = "ENGINE_TEST_GATE"

func gate(in iter.Seq[KV[string, int]]) iter.Seq[KV[string, int]] {
	return func(yield func(KV[string, int]) bool) {
		if path := os.Getenv(gateEnv); path != "" {
			deadline := time.Now().Add(60 * time.Second)
			for {
				if _, err := os.Stat(path); err == nil {
					break
				}
				if time.Now().After(deadline) {
					panic("the gate never opened")
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		for kv := range in {
			if !yield(kv) {
				return
			}
		}
	}
}
