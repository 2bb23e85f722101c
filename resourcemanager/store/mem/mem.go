// Package mem is the in-memory store: nothing survives the process, so an RM
// using it recovers nothing. It is the reference implementation of the
// contract in store/storetest.
package mem

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/resourcemanager/store"
)

// Store keeps records in maps.
type Store struct {
	mu     sync.Mutex
	closed bool
	epoch  int64
	apps   map[api.ApplicationID]*store.App
}

// New returns an empty store.
func New() *Store { return &Store{apps: map[api.ApplicationID]*store.App{}} }

// Name implements store.Store.
func (s *Store) Name() string { return "goyarn.store.MemoryStore" }

// Load implements store.Store.
func (s *Store) Load(context.Context) (store.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return store.State{}, store.ErrClosed
	}
	st := store.State{Epoch: s.epoch}
	for _, a := range s.apps {
		cp := *a
		cp.Attempts = append([]store.AttemptRecord(nil), a.Attempts...)
		st.Apps = append(st.Apps, cp)
	}
	store.SortApps(st.Apps)
	return st, nil
}

// PutApp implements store.Store.
func (s *Store) PutApp(_ context.Context, app store.AppRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return store.ErrClosed
	}
	if a, ok := s.apps[app.ID]; ok {
		a.AppRecord = app
		return nil
	}
	s.apps[app.ID] = &store.App{AppRecord: app}
	return nil
}

// PutAttempt implements store.Store.
func (s *Store) PutAttempt(_ context.Context, at store.AttemptRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return store.ErrClosed
	}
	a, ok := s.apps[at.ID.App]
	if !ok {
		return fmt.Errorf("%w: %s", store.ErrUnknownApp, at.ID.App)
	}
	for i := range a.Attempts {
		if a.Attempts[i].ID == at.ID {
			a.Attempts[i] = at
			return nil
		}
	}
	a.Attempts = append(a.Attempts, at)
	sort.Slice(a.Attempts, func(i, j int) bool { return a.Attempts[i].ID.Attempt < a.Attempts[j].ID.Attempt })
	return nil
}

// RemoveApp implements store.Store.
func (s *Store) RemoveApp(_ context.Context, id api.ApplicationID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return store.ErrClosed
	}
	delete(s.apps, id)
	return nil
}

// BumpEpoch implements store.Store.
func (s *Store) BumpEpoch(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, store.ErrClosed
	}
	s.epoch++
	return s.epoch, nil
}

// Close implements store.Store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}
