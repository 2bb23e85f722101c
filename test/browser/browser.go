package browser

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	chromiumOnce sync.Once
	chromiumBin  string
	chromiumErr  error
)

// chromium returns the path of a Chromium (or Chrome) binary, installing
// Debian's chromium package when none is found; it skips the test, saying
// why in one line, when there is none and installing fails.
func chromium(t *testing.T) string {
	t.Helper()
	chromiumOnce.Do(func() {
		if chromiumBin = findChromium(); chromiumBin != "" {
			return
		}
		if chromiumErr = installChromium(); chromiumErr == nil {
			if chromiumBin = findChromium(); chromiumBin == "" {
				chromiumErr = fmt.Errorf("apt-get installed chromium but no chromium binary is on PATH")
			}
		}
	})
	if chromiumBin == "" {
		t.Skipf("no Chromium for the browser test: %v", chromiumErr)
	}
	return chromiumBin
}

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// installChromium runs apt-get install -y chromium (through sudo -n when
// not root), refreshing the package lists once if the first try fails.
func installChromium() error {
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("chromium is not installed and there is no apt-get to install it")
	}
	prefix := []string{}
	if os.Geteuid() != 0 {
		if _, err := exec.LookPath("sudo"); err != nil {
			return fmt.Errorf("chromium is not installed and installing it needs root (no sudo)")
		}
		prefix = []string{"sudo", "-n"}
	}
	run := func(args ...string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		args = append(append([]string(nil), prefix...), args...)
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, lastLine(string(out)))
		}
		return nil
	}
	if err := run("apt-get", "install", "-y", "chromium"); err == nil {
		return nil
	}
	if err := run("apt-get", "update"); err != nil {
		return err
	}
	return run("apt-get", "install", "-y", "chromium")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// newBrowser starts headless Chromium for the test and returns a tab's
// context; the browser is stopped when the test ends.
func newBrowser(t *testing.T, bin string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 1000),
		chromedp.DisableGPU,
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to sandbox as root
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// Start the browser now, so a broken install fails here, clearly. The
	// first action must run on the tab's own context (the browser lives as
	// long as that context), so the deadline cancels the tab instead.
	stop := time.AfterFunc(60*time.Second, cancelTab)
	err := chromedp.Do(ctx, chromedp.Navigate("about:blank"))
	if !stop.Stop() || err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	return ctx
}

// do runs actions with a deadline.
func do(ctx context.Context, timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for _, a := range actions {
		if err := chromedp.Do(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// run runs one action that yields a value, with a deadline.
func run[T any](ctx context.Context, timeout time.Duration, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// page drives one tab for a test: every step has a deadline and fails the
// test with what it was doing.
type page struct {
	t   *testing.T
	ctx context.Context
	out string // screenshot directory
}

const stepTimeout = 30 * time.Second

func (p *page) open(url string) {
	p.t.Helper()
	if err := do(p.ctx, stepTimeout, chromedp.Navigate(url)); err != nil {
		p.t.Fatalf("opening %s: %v", url, err)
	}
}

// click follows a link and waits for the next page to load.
func (p *page) click(sel chromedp.CSS) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(sel, chromedp.NodeVisible)); err != nil {
		p.t.Fatalf("clicking %s on %s: %v", sel, p.location(), err)
	}
}

// text waits for the element to be visible and returns its text.
func (p *page) text(sel chromedp.CSS) string {
	p.t.Helper()
	s, err := run(p.ctx, stepTimeout, chromedp.Text(sel, chromedp.NodeVisible))
	if err != nil {
		p.t.Fatalf("reading %s on %s: %v", sel, p.location(), err)
	}
	return strings.TrimSpace(s)
}

func (p *page) attr(sel chromedp.CSS, name string) string {
	p.t.Helper()
	r, err := run(p.ctx, stepTimeout, chromedp.AttributeValue(sel, name, chromedp.NodeReady))
	if err != nil || !r.Exists {
		p.t.Fatalf("reading %s's %s on %s: %v (exists %v)", sel, name, p.location(), err, r.Exists)
	}
	return r.Value
}

func (p *page) location() string {
	loc, err := run(p.ctx, 5*time.Second, chromedp.Location())
	if err != nil {
		return "(unknown page: " + err.Error() + ")"
	}
	return loc
}

// screenshot saves a full-page PNG as <out>/<name>.png.
func (p *page) screenshot(name string) string {
	p.t.Helper()
	buf, err := run(p.ctx, stepTimeout, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s of %s: %v", name, p.location(), err)
	}
	path := filepath.Join(p.out, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot %s: %s", path, p.location())
	return path
}

// outputDir is where the test's screenshots go:
// $GOYARN_TEST_OUTPUT_DIR/<test name>, else a directory in the test's temp
// dir. The test logs it.
func outputDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "screenshots")
	if base := os.Getenv("GOYARN_TEST_OUTPUT_DIR"); base != "" {
		dir = filepath.Join(base, strings.ReplaceAll(t.Name(), "/", "_"))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots go to %s", dir)
	return dir
}
