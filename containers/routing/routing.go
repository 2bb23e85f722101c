package routing

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/containers"
)

// Runtime type names, as YARN_CONTAINER_RUNTIME_TYPE gives them.
const (
	TypeDefault = "default" // the process runtime
	TypeDocker  = "docker"
)

// Config names the runtimes by type and the type containers get when their
// environment names none.
type Config struct {
	Runtimes map[string]containers.Runtime // by type: TypeDefault, TypeDocker
	Default  string                        // a key of Runtimes
}

// Runtime dispatches each container to one of its runtimes. It is safe for
// concurrent use.
type Runtime struct {
	byType  map[string]containers.Runtime
	types   []string // sorted
	def     string
	mu      sync.Mutex
	holders map[api.ContainerID]containers.Runtime
}

var _ containers.Runtime = (*Runtime)(nil)

// New checks cfg and returns the router.
func New(cfg Config) (*Runtime, error) {
	if len(cfg.Runtimes) == 0 {
		return nil, errors.New("routing: no runtimes")
	}
	if cfg.Runtimes[cfg.Default] == nil {
		return nil, fmt.Errorf("routing: default type %q is not one of the runtimes", cfg.Default)
	}
	r := &Runtime{byType: map[string]containers.Runtime{}, def: cfg.Default, holders: map[api.ContainerID]containers.Runtime{}}
	for t, rt := range cfg.Runtimes {
		if rt == nil {
			return nil, fmt.Errorf("routing: runtime %q is nil", t)
		}
		r.byType[t] = rt
		r.types = append(r.types, t)
	}
	sort.Strings(r.types)
	return r, nil
}

// Name is the default runtime's name, then the others': "docker+process".
func (r *Runtime) Name() string {
	names := []string{r.byType[r.def].Name()}
	for _, t := range r.types {
		if t != r.def {
			names = append(names, r.byType[t].Name())
		}
	}
	return strings.Join(names, "+")
}

// Default is the type containers get when their environment names none.
func (r *Runtime) Default() string { return r.def }

// For returns the runtime a spec goes to, or ErrInvalidSpec when its
// environment names a type this node does not run.
func (r *Runtime) For(spec containers.Spec) (containers.Runtime, error) {
	t := strings.TrimSpace(spec.Env[api.EnvRuntimeType])
	if t == "" {
		t = r.def
	}
	if rt := r.byType[strings.ToLower(t)]; rt != nil {
		return rt, nil
	}
	return nil, fmt.Errorf("%w: %s: %s=%s is not available on this node, which runs %s containers (--container-runtime)",
		containers.ErrInvalidSpec, spec.ID, api.EnvRuntimeType, t, strings.Join(r.types, " and "))
}

// Start starts spec on the runtime its environment chooses.
func (r *Runtime) Start(ctx context.Context, spec containers.Spec) error {
	rt, err := r.For(spec)
	if err != nil {
		return err
	}
	r.mu.Lock()
	if h := r.holders[spec.ID]; h != nil {
		r.mu.Unlock()
		return fmt.Errorf("%w: %s", containers.ErrExists, spec.ID)
	}
	r.holders[spec.ID] = rt
	r.mu.Unlock()
	err = rt.Start(ctx, spec)
	if err != nil {
		r.mu.Lock()
		if r.holders[spec.ID] == rt {
			delete(r.holders, spec.ID)
		}
		r.mu.Unlock()
	}
	return err
}

// holder returns the runtime that holds id.
func (r *Runtime) holder(id api.ContainerID) (containers.Runtime, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if h := r.holders[id]; h != nil {
		return h, nil
	}
	return nil, fmt.Errorf("%w: %s", containers.ErrNotFound, id)
}

// Wait waits on the runtime that holds id.
func (r *Runtime) Wait(ctx context.Context, id api.ContainerID) (containers.Status, error) {
	h, err := r.holder(id)
	if err != nil {
		return containers.Status{}, err
	}
	return h.Wait(ctx, id)
}

// Stop stops id on the runtime that holds it.
func (r *Runtime) Stop(ctx context.Context, id api.ContainerID, grace time.Duration) error {
	h, err := r.holder(id)
	if err != nil {
		return err
	}
	return h.Stop(ctx, id, grace)
}

// Inspect inspects id on the runtime that holds it.
func (r *Runtime) Inspect(ctx context.Context, id api.ContainerID) (containers.Status, error) {
	h, err := r.holder(id)
	if err != nil {
		return containers.Status{}, err
	}
	return h.Inspect(ctx, id)
}

// Remove removes id from the runtime that holds it, and forgets it.
func (r *Runtime) Remove(ctx context.Context, id api.ContainerID) error {
	h, err := r.holder(id)
	if err != nil {
		return err
	}
	if err := h.Remove(ctx, id); err != nil {
		return err
	}
	r.mu.Lock()
	if r.holders[id] == h {
		delete(r.holders, id)
	}
	r.mu.Unlock()
	return nil
}

// Recover recovers every runtime and returns all they hold, sorted by id.
// A runtime that fails fails the whole call (its containers would otherwise
// be reported lost).
func (r *Runtime) Recover(ctx context.Context) ([]containers.Status, error) {
	var out []containers.Status
	for _, t := range r.types {
		rt := r.byType[t]
		sts, err := rt.Recover(ctx)
		if err != nil {
			return nil, fmt.Errorf("routing: recovering the %s runtime: %w", t, err)
		}
		r.mu.Lock()
		for _, st := range sts {
			if h := r.holders[st.ID]; h == nil {
				r.holders[st.ID] = rt
			} else if h != rt {
				continue // another runtime holds this id
			}
			out = append(out, st)
		}
		r.mu.Unlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID.String() < out[j].ID.String() })
	return out, nil
}

// Close closes every runtime; containers keep running.
func (r *Runtime) Close() error {
	var errs []error
	for _, t := range r.types {
		errs = append(errs, r.byType[t].Close())
	}
	return errors.Join(errs...)
}
