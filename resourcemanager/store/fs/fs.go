package fs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/resourcemanager/store"
)

// ErrCorrupt: a file in the state directory cannot be read as a record. The
// store's own writes never produce one (they are atomic); someone else wrote
// there.
var ErrCorrupt = errors.New("corrupt state file")

const (
	lockFile  = "LOCK"
	epochFile = "epoch"
	appsDir   = "apps"
	appFile   = "app.json"
)

// Store keeps records as files under one directory.
type Store struct {
	dir  string
	log  *zap.Logger
	mu   sync.Mutex // serializes every operation
	lock *os.File   // nil once closed
}

// Open opens (creating it when missing) the state directory dir and locks
// it; it fails with ErrLocked while another store has dir open.
func Open(dir string, log *zap.Logger) (*Store, error) {
	if log == nil {
		log = zap.NewNop()
	}
	if dir == "" {
		return nil, errors.New("fs store: empty state directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("fs store: %w", err)
	}
	lock, err := lockDir(filepath.Join(dir, lockFile))
	if err != nil {
		return nil, err
	}
	if err := mkdirDurable(filepath.Join(dir, appsDir)); err != nil {
		unlockDir(lock)
		return nil, fmt.Errorf("fs store: %w", err)
	}
	return &Store{dir: dir, log: log.Named("store.fs"), lock: lock}, nil
}

// Dir is the state directory.
func (s *Store) Dir() string { return s.dir }

// Name implements store.Store.
func (s *Store) Name() string { return "goyarn.store.FileSystemStore" }

func (s *Store) appDir(id api.ApplicationID) string {
	return filepath.Join(s.dir, appsDir, id.String())
}

// begin locks the store and checks it is open; callers defer s.mu.Unlock.
func (s *Store) begin() error {
	s.mu.Lock()
	if s.lock == nil {
		s.mu.Unlock()
		return store.ErrClosed
	}
	return nil
}

// PutApp implements store.Store.
func (s *Store) PutApp(_ context.Context, app store.AppRecord) error {
	if err := s.begin(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	data, err := json.Marshal(app)
	if err != nil {
		return fmt.Errorf("fs store: encoding %s: %w", app.ID, err)
	}
	dir := s.appDir(app.ID)
	if err := mkdirDurable(dir); err != nil {
		return fmt.Errorf("fs store: %w", err)
	}
	if err := writeAtomic(filepath.Join(dir, appFile), data); err != nil {
		return fmt.Errorf("fs store: writing %s: %w", app.ID, err)
	}
	return nil
}

// PutAttempt implements store.Store.
func (s *Store) PutAttempt(_ context.Context, at store.AttemptRecord) error {
	if err := s.begin(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	dir := s.appDir(at.ID.App)
	if _, err := os.Stat(filepath.Join(dir, appFile)); err != nil {
		return fmt.Errorf("%w: %s", store.ErrUnknownApp, at.ID.App)
	}
	data, err := json.Marshal(at)
	if err != nil {
		return fmt.Errorf("fs store: encoding %s: %w", at.ID, err)
	}
	if err := writeAtomic(filepath.Join(dir, at.ID.String()+".json"), data); err != nil {
		return fmt.Errorf("fs store: writing %s: %w", at.ID, err)
	}
	return nil
}

// RemoveApp implements store.Store. The application's directory is first
// renamed to a temp name (one atomic step), then deleted; Load finishes a
// removal a crash interrupted.
func (s *Store) RemoveApp(_ context.Context, id api.ApplicationID) error {
	if err := s.begin(); err != nil {
		return err
	}
	defer s.mu.Unlock()
	dir := s.appDir(id)
	gone := tempName(filepath.Dir(dir), "removed-"+id.String())
	if err := os.Rename(dir, gone); err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("fs store: removing %s: %w", id, err)
	}
	if err := syncDir(filepath.Dir(dir)); err != nil {
		return fmt.Errorf("fs store: removing %s: %w", id, err)
	}
	if err := os.RemoveAll(gone); err != nil {
		s.log.Warn("leftover of a removed application", zap.String("app_id", id.String()), zap.Error(err))
	}
	return nil
}

// BumpEpoch implements store.Store.
func (s *Store) BumpEpoch(context.Context) (int64, error) {
	if err := s.begin(); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	e, err := s.readEpoch()
	if err != nil {
		return 0, err
	}
	e++
	if err := writeAtomic(filepath.Join(s.dir, epochFile), []byte(strconv.FormatInt(e, 10)+"\n")); err != nil {
		return 0, fmt.Errorf("fs store: writing epoch: %w", err)
	}
	return e, nil
}

func (s *Store) readEpoch() (int64, error) {
	path := filepath.Join(s.dir, epochFile)
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("fs store: %w", err)
	}
	e, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || e < 0 {
		return 0, fmt.Errorf("%w: %s holds %q", ErrCorrupt, path, b)
	}
	return e, nil
}

// Load implements store.Store. It also removes what interrupted writes left
// behind: temp files, half-removed applications and application
// directories whose app.json was never completed.
func (s *Store) Load(context.Context) (store.State, error) {
	if err := s.begin(); err != nil {
		return store.State{}, err
	}
	defer s.mu.Unlock()
	var st store.State
	var err error
	if st.Epoch, err = s.readEpoch(); err != nil {
		return store.State{}, err
	}
	s.sweep(s.dir)
	root := filepath.Join(s.dir, appsDir)
	entries, err := os.ReadDir(root)
	if err != nil {
		return store.State{}, fmt.Errorf("fs store: %w", err)
	}
	for _, e := range entries {
		path := filepath.Join(root, e.Name())
		if isTemp(e.Name()) {
			s.discard(path, "interrupted write or removal")
			continue
		}
		if !e.IsDir() {
			continue
		}
		app, ok, err := s.loadApp(path)
		if err != nil {
			return store.State{}, err
		}
		if ok {
			st.Apps = append(st.Apps, app)
		}
	}
	store.SortApps(st.Apps)
	return st, nil
}

func (s *Store) loadApp(dir string) (store.App, bool, error) {
	var app store.App
	data, err := os.ReadFile(filepath.Join(dir, appFile))
	if os.IsNotExist(err) {
		s.discard(dir, "application directory without a complete record")
		return app, false, nil
	}
	if err != nil {
		return app, false, fmt.Errorf("fs store: %w", err)
	}
	if err := json.Unmarshal(data, &app.AppRecord); err != nil {
		return app, false, fmt.Errorf("%w: %s: %v", ErrCorrupt, filepath.Join(dir, appFile), err)
	}
	if app.ID.String() != filepath.Base(dir) {
		return app, false, fmt.Errorf("%w: %s holds %s", ErrCorrupt, dir, app.ID)
	}
	s.sweep(dir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return app, false, fmt.Errorf("fs store: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if name == appFile || isTemp(name) || !strings.HasSuffix(name, ".json") {
			continue
		}
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return app, false, fmt.Errorf("fs store: %w", err)
		}
		var at store.AttemptRecord
		if err := json.Unmarshal(data, &at); err != nil {
			return app, false, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
		}
		if at.ID.App != app.ID || at.ID.String()+".json" != name {
			return app, false, fmt.Errorf("%w: %s holds %s", ErrCorrupt, path, at.ID)
		}
		app.Attempts = append(app.Attempts, at)
	}
	sort.Slice(app.Attempts, func(i, j int) bool { return app.Attempts[i].ID.Attempt < app.Attempts[j].ID.Attempt })
	return app, true, nil
}

// sweep removes temp files directly in dir.
func (s *Store) sweep(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if isTemp(e.Name()) && !e.IsDir() {
			s.discard(filepath.Join(dir, e.Name()), "interrupted write")
		}
	}
}

func (s *Store) discard(path, why string) {
	s.log.Info("discarding leftover state", zap.String("path", path), zap.String("reason", why))
	if err := os.RemoveAll(path); err != nil {
		s.log.Warn("cannot discard leftover state", zap.String("path", path), zap.Error(err))
	}
}

// Close implements store.Store: it releases the directory lock.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return nil
	}
	err := unlockDir(s.lock)
	s.lock = nil
	return err
}
