package zk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/go-zookeeper/zk"

	"github.com/goyarn/goyarn/resourcemanager/store"
)

// ErrCorrupt: a node under the store holds something that is not a record.
var ErrCorrupt = errors.New("corrupt state in ZooKeeper")

// Load implements store.Store. Applications are read by
// Config.LoadParallelism goroutines at once (requests pipeline on the one
// connection), so recovery time grows slowly with the number of apps.
func (s *Store) Load(ctx context.Context) (store.State, error) {
	if _, err := s.check(); err != nil {
		return store.State{}, err
	}
	var st store.State
	data, err := s.get(ctx, s.epoch)
	if err != nil {
		return st, fmt.Errorf("zk store: reading the epoch: %w", err)
	}
	if st.Epoch, err = strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64); err != nil {
		return st, fmt.Errorf("%w: %s holds %q", ErrCorrupt, s.epoch, data)
	}
	names, err := s.children(ctx, s.apps)
	if err != nil {
		return st, fmt.Errorf("zk store: listing applications: %w", err)
	}
	apps := make([]*store.App, len(names))
	errs := make([]error, len(names))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(s.cfg.LoadParallelism, len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				apps[i], errs[i] = s.loadApp(ctx, names[i])
			}
		}()
	}
	for i := range names {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return store.State{}, err
	}
	for _, a := range apps {
		if a != nil {
			st.Apps = append(st.Apps, *a)
		}
	}
	store.SortApps(st.Apps)
	return st, nil
}

// loadApp reads one application and its attempts; nil when it was removed
// while loading.
func (s *Store) loadApp(ctx context.Context, name string) (*store.App, error) {
	path := s.apps + "/" + name
	data, err := s.get(ctx, path)
	if errors.Is(err, zk.ErrNoNode) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("zk store: reading %s: %w", name, err)
	}
	app := &store.App{}
	if err := json.Unmarshal(data, &app.AppRecord); err != nil || app.ID.String() != name {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	children, err := s.children(ctx, path)
	if errors.Is(err, zk.ErrNoNode) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("zk store: listing attempts of %s: %w", name, err)
	}
	for _, c := range children {
		data, err := s.get(ctx, path+"/"+c)
		if errors.Is(err, zk.ErrNoNode) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("zk store: reading %s: %w", c, err)
		}
		var at store.AttemptRecord
		if err := json.Unmarshal(data, &at); err != nil || at.ID.String() != c || at.ID.App != app.ID {
			return nil, fmt.Errorf("%w: %s/%s: %v", ErrCorrupt, path, c, err)
		}
		app.Attempts = append(app.Attempts, at)
	}
	sort.Slice(app.Attempts, func(i, j int) bool { return app.Attempts[i].ID.Attempt < app.Attempts[j].ID.Attempt })
	return app, nil
}

func (s *Store) get(ctx context.Context, path string) ([]byte, error) {
	var data []byte
	err := s.retry(ctx, func() error {
		var err error
		data, _, err = s.conn.Get(path)
		return s.closedErr(err)
	})
	return data, err
}

func (s *Store) children(ctx context.Context, path string) ([]string, error) {
	var names []string
	err := s.retry(ctx, func() error {
		var err error
		names, _, err = s.conn.Children(path)
		return s.closedErr(err)
	})
	return names, err
}
