package docker

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/goyarn/goyarn/api"
)

// fakeAPI is an in-memory daemon: containers are records whose state the
// test sets; errors are injected per method.
type fakeAPI struct {
	mu       sync.Mutex
	images   map[string]bool
	ctrs     map[string]*fakeCtr
	seq      int
	calls    []string
	errs     map[string][]error       // method → errors returned by the next calls, in order
	waitErrs []error                  // errors the next ContainerWait calls deliver
	exits    map[string]chan struct{} // docker id → closed when the container exits
}

type fakeCtr struct {
	id    string
	name  string
	cfg   *container.Config
	host  *container.HostConfig
	state container.State
}

func newFakeAPI(images ...string) *fakeAPI {
	f := &fakeAPI{images: map[string]bool{}, ctrs: map[string]*fakeCtr{}, errs: map[string][]error{}, exits: map[string]chan struct{}{}}
	for _, i := range images {
		f.images[i] = true
	}
	return f
}

// fail makes the next call of method return err.
func (f *fakeAPI) fail(method string, err error) {
	f.mu.Lock()
	f.errs[method] = append(f.errs[method], err)
	f.mu.Unlock()
}

// enter logs a call and returns the error injected for it, if any.
func (f *fakeAPI) enter(method string) error {
	f.calls = append(f.calls, method)
	if errs := f.errs[method]; len(errs) > 0 {
		f.errs[method] = errs[1:]
		return errs[0]
	}
	return nil
}

func (f *fakeAPI) called(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == method {
			n++
		}
	}
	return n
}

// exit ends a running container with code (and the OOM flag).
func (f *fakeAPI) exit(dockerID string, code int, oom bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.ctrs[dockerID]
	if c == nil || !c.state.Running {
		return
	}
	c.state.Running, c.state.Status, c.state.ExitCode, c.state.OOMKilled = false, container.StateExited, code, oom
	c.state.FinishedAt = "2026-11-21T06:00:01Z"
	close(f.exits[dockerID])
}

// only returns the one container's docker id.
func (f *fakeAPI) only() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id := range f.ctrs {
		return id
	}
	return ""
}

// idOf returns the docker id of the container labelled with id.
func (f *fakeAPI) idOf(id api.ContainerID) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for dockerID, c := range f.ctrs {
		if c.cfg.Labels[LabelContainer] == id.String() {
			return dockerID
		}
	}
	return ""
}

func (f *fakeAPI) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.ctrs)
}

func (f *fakeAPI) Ping(context.Context) (types.Ping, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return types.Ping{APIVersion: "1.41"}, f.enter("Ping")
}

func (f *fakeAPI) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (image.InspectResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ImageInspect"); err != nil {
		return image.InspectResponse{}, err
	}
	if !f.images[ref] {
		return image.InspectResponse{}, fmt.Errorf("No such image: %s: %w", ref, cerrdefs.ErrNotFound)
	}
	return image.InspectResponse{ID: "sha256:" + ref}, nil
}

func (f *fakeAPI) ContainerCreate(_ context.Context, cfg *container.Config, host *container.HostConfig,
	_ *network.NetworkingConfig, _ *ocispec.Platform, name string) (container.CreateResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ContainerCreate"); err != nil {
		return container.CreateResponse{}, err
	}
	for _, c := range f.ctrs {
		if c.name == name {
			return container.CreateResponse{}, fmt.Errorf("name %s in use: %w", name, cerrdefs.ErrConflict)
		}
	}
	f.seq++
	id := fmt.Sprintf("%064d", f.seq)
	f.ctrs[id] = &fakeCtr{id: id, name: name, cfg: cfg, host: host, state: container.State{Status: container.StateCreated}}
	f.exits[id] = make(chan struct{})
	return container.CreateResponse{ID: id}, nil
}

func (f *fakeAPI) ContainerStart(_ context.Context, id string, _ container.StartOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ContainerStart"); err != nil {
		return err
	}
	c := f.ctrs[id]
	c.state.Running, c.state.Status, c.state.Pid, c.state.StartedAt = true, container.StateRunning, 4242, "2026-11-21T06:00:00Z"
	return nil
}

func (f *fakeAPI) ContainerLogs(context.Context, string, container.LogsOptions) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ContainerLogs"); err != nil {
		return nil, err
	}
	return io.NopCloser(strings.NewReader("\x01\x00\x00\x00\x00\x00\x00\x0d" + readyMarker + "\n")), nil
}

func (f *fakeAPI) ContainerWait(ctx context.Context, id string, _ container.WaitCondition) (<-chan container.WaitResponse, <-chan error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "ContainerWait")
	waitC, errC := make(chan container.WaitResponse, 1), make(chan error, 1)
	if len(f.waitErrs) > 0 {
		errC <- f.waitErrs[0]
		f.waitErrs = f.waitErrs[1:]
		return waitC, errC
	}
	exited := f.exits[id]
	if exited == nil {
		errC <- fmt.Errorf("No such container: %s: %w", id, cerrdefs.ErrNotFound)
		return waitC, errC
	}
	go func() {
		select {
		case <-exited:
			waitC <- container.WaitResponse{}
		case <-ctx.Done():
			errC <- ctx.Err()
		}
	}()
	return waitC, errC
}

func (f *fakeAPI) ContainerKill(_ context.Context, id, signal string) error {
	f.mu.Lock()
	if err := f.enter("ContainerKill " + signal); err != nil {
		f.mu.Unlock()
		return err
	}
	c := f.ctrs[id]
	running := c != nil && c.state.Running
	f.mu.Unlock()
	if !running {
		return fmt.Errorf("container %s is not running: %w", id, cerrdefs.ErrConflict)
	}
	if signal == "KILL" {
		f.exit(id, 137, false)
	}
	return nil
}

func (f *fakeAPI) ContainerInspect(_ context.Context, id string) (container.InspectResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ContainerInspect"); err != nil {
		return container.InspectResponse{}, err
	}
	c := f.ctrs[id]
	if c == nil {
		return container.InspectResponse{}, fmt.Errorf("No such container: %s: %w", id, cerrdefs.ErrNotFound)
	}
	st := c.state
	return container.InspectResponse{
		ContainerJSONBase: &container.ContainerJSONBase{ID: id, Name: "/" + c.name, State: &st, HostConfig: c.host},
		Config:            c.cfg,
	}, nil
}

func (f *fakeAPI) ContainerList(_ context.Context, opts container.ListOptions) ([]container.Summary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ContainerList"); err != nil {
		return nil, err
	}
	var out []container.Summary
	for _, c := range f.ctrs {
		match := true
		for _, kv := range opts.Filters.Get("label") {
			k, v, _ := strings.Cut(kv, "=")
			match = match && c.cfg.Labels[k] == v
		}
		if match {
			out = append(out, container.Summary{ID: c.id, Names: []string{"/" + c.name}, Labels: c.cfg.Labels, State: c.state.Status})
		}
	}
	return out, nil
}

func (f *fakeAPI) ContainerRemove(_ context.Context, id string, opts container.RemoveOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ContainerRemove"); err != nil {
		return err
	}
	c := f.ctrs[id]
	switch {
	case c == nil:
		return fmt.Errorf("No such container: %s: %w", id, cerrdefs.ErrNotFound)
	case c.state.Running && !opts.Force:
		return fmt.Errorf("container %s is running: %w", id, cerrdefs.ErrConflict)
	}
	delete(f.ctrs, id)
	return nil
}
