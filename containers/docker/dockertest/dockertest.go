package dockertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	dimage "github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"

	"github.com/goyarn/goyarn/containers/docker/image"
)

// ShellPackage is goyarn-sh's import path.
const ShellPackage = "github.com/goyarn/goyarn/cmd/goyarn-sh"

// Env is a Docker daemon and the executor image built for the tests.
type Env struct {
	Client *client.Client
	Image  string // goyarn/executor:test-<12 hex digits>
	// Unreachable says why no daemon answers (tests skip); SetupErr why the
	// image could not be made although it does (tests fail).
	Unreachable error
	SetupErr    error
	// BuildTime is how long making the image took (0 when it was reused).
	BuildTime time.Duration
}

// Prepare connects to the daemon and makes the executor image. Call it
// once per test binary (from TestMain), then Close the Env.
func Prepare(ctx context.Context) Env {
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return Env{Unreachable: err}
	}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := cli.Ping(pctx); err != nil {
		cli.Close()
		return Env{Unreachable: err}
	}
	e := Env{Client: cli}
	dir, err := os.MkdirTemp("", "goyarn-dockertest-")
	if err != nil {
		e.SetupErr = err
		return e
	}
	defer os.RemoveAll(dir)
	t0 := time.Now()
	sh := filepath.Join(dir, "goyarn-sh")
	if err := BuildStatic(ctx, ShellPackage, sh); err != nil {
		e.SetupErr = err
		return e
	}
	data, err := os.ReadFile(sh)
	if err != nil {
		e.SetupErr = err
		return e
	}
	hash, err := image.ContentHash(data)
	if err != nil {
		e.SetupErr = err
		return e
	}
	e.Image = image.Repository + ":test-" + hash[:12]
	built, err := image.Ensure(ctx, cli, data, e.Image)
	if err != nil {
		e.SetupErr = err
		return e
	}
	if built {
		e.BuildTime = time.Since(t0)
	}
	pruneOldTestImages(ctx, cli, e.Image)
	return e
}

// Close closes the client.
func (e Env) Close() {
	if e.Client != nil {
		e.Client.Close()
	}
}

// Skip skips t in one line when no daemon answers, and fails it when one
// answers but the image could not be made.
func (e Env) Skip(t testing.TB) {
	t.Helper()
	switch {
	case e.Unreachable != nil:
		t.Skipf("docker: daemon not reachable (%v): skipping", e.Unreachable)
	case e.SetupErr != nil:
		t.Fatalf("docker: the daemon answers but the test image could not be made: %v", e.SetupErr)
	}
}

// BuildStatic builds the Go package pkg (an import path of this module)
// into out with CGO_ENABLED=0, so it runs in a FROM-scratch image.
func BuildStatic(ctx context.Context, pkg, out string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("dockertest: no go command to build %s: %w", pkg, err)
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if outText, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("dockertest: go build %s: %w\n%s", pkg, err, outText)
	}
	return nil
}

// Leftovers lists the names of the containers (running or not) labelled
// key=value.
func Leftovers(ctx context.Context, cli *client.Client, key, value string) ([]string, error) {
	list, err := cli.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", key+"="+value))})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range list {
		names = append(names, strings.TrimPrefix(strings.Join(c.Names, ","), "/")+" ("+c.State+")")
	}
	return names, nil
}

// pruneOldTestImages removes the other goyarn/executor:test-* tags and the
// untagged images such builds left (two test binaries building the same tag
// at once leave one), best effort: an image in use stays.
func pruneOldTestImages(ctx context.Context, cli *client.Client, keep string) {
	dangling, err := cli.ImageList(ctx, dimage.ListOptions{Filters: filters.NewArgs(
		filters.Arg("dangling", "true"), filters.Arg("label", image.LabelContentHash))})
	if err == nil {
		for _, img := range dangling {
			_, _ = cli.ImageRemove(ctx, img.ID, dimage.RemoveOptions{})
		}
	}
	list, err := cli.ImageList(ctx, dimage.ListOptions{Filters: filters.NewArgs(filters.Arg("reference", image.Repository+":test-*"))})
	if err != nil {
		return
	}
	for _, img := range list {
		for _, tag := range img.RepoTags {
			if tag != keep && strings.HasPrefix(tag, image.Repository+":test-") {
				_, _ = cli.ImageRemove(ctx, tag, dimage.RemoveOptions{})
			}
		}
	}
}
