package nmstate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goyarn/goyarn/api"
)

// ErrCorrupt is wrapped by errors about a record that cannot be read back.
var ErrCorrupt = errors.New("corrupt NodeManager state record")

// Container is the persisted record of one container.
type Container struct {
	ID       api.ContainerID `json:"id"`
	User     string          `json:"user"`
	Resource api.Resource    `json:"resource"`
	Priority int32           `json:"priority,omitempty"`
	WorkDir  string          `json:"workDir"`
	LogDir   string          `json:"logDir"`
	// State is the NM's detailed state when the record was written.
	State api.NMContainerState `json:"state"`
	// Complete is set once the container has exited (or never ran).
	Complete    bool   `json:"complete,omitempty"`
	ExitStatus  int    `json:"exitStatus"`
	Diagnostics string `json:"diagnostics,omitempty"`
	// Acked is set once the RM acknowledged the completed status.
	Acked bool `json:"acked,omitempty"`
	// StopStatus is the exit status to report if the container was asked to
	// stop (api.ExitKilledBy…); 0 when nobody asked.
	StopStatus int   `json:"stopStatus,omitempty"`
	StartedAt  int64 `json:"startedAt"`            // ms since the epoch
	FinishedAt int64 `json:"finishedAt,omitempty"` // ms since the epoch
}

// App is the persisted record of an application the RM told this NM to clean
// up: its logs are kept until FinishedAt + the retention period.
type App struct {
	ID         api.ApplicationID `json:"id"`
	User       string            `json:"user"`
	FinishedAt int64             `json:"finishedAt"` // ms since the epoch
}

// Store keeps records as files under a directory.
type Store struct{ dir string }

// Open returns a store rooted at dir, creating its directories.
func Open(dir string) (*Store, error) {
	s := &Store{dir: dir}
	for _, d := range []string{s.containersDir(), s.appsDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("nmstate: %w", err)
		}
	}
	return s, nil
}

// Dir is the directory the store lives in.
func (s *Store) Dir() string { return s.dir }

func (s *Store) containersDir() string { return filepath.Join(s.dir, "containers") }
func (s *Store) appsDir() string       { return filepath.Join(s.dir, "apps") }

// PutContainer writes c's record, replacing any earlier one.
func (s *Store) PutContainer(c Container) error {
	return writeJSON(filepath.Join(s.containersDir(), c.ID.String()+".json"), c)
}

// DeleteContainer removes the record of id; a missing record is not an error.
func (s *Store) DeleteContainer(id api.ContainerID) error {
	return remove(filepath.Join(s.containersDir(), id.String()+".json"))
}

// PutApp writes a's record.
func (s *Store) PutApp(a App) error {
	return writeJSON(filepath.Join(s.appsDir(), a.ID.String()+".json"), a)
}

// DeleteApp removes the record of id; a missing record is not an error.
func (s *Store) DeleteApp(id api.ApplicationID) error {
	return remove(filepath.Join(s.appsDir(), id.String()+".json"))
}

// Load reads every record, sorted by id. Records that cannot be read are
// skipped and reported in the error (wrapping ErrCorrupt); the others are
// returned all the same.
func (s *Store) Load() ([]Container, []App, error) {
	var errs []error
	var cs []Container
	err := readAll(s.containersDir(), func(path string, data []byte) {
		var c Container
		if err := json.Unmarshal(data, &c); err != nil || c.ID.IsZero() {
			errs = append(errs, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err))
			return
		}
		cs = append(cs, c)
	})
	errs = append(errs, err)
	var as []App
	err = readAll(s.appsDir(), func(path string, data []byte) {
		var a App
		if err := json.Unmarshal(data, &a); err != nil || a.ID.IsZero() {
			errs = append(errs, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err))
			return
		}
		as = append(as, a)
	})
	errs = append(errs, err)
	sort.Slice(cs, func(i, j int) bool { return cs[i].ID.String() < cs[j].ID.String() })
	sort.Slice(as, func(i, j int) bool { return as[i].ID.String() < as[j].ID.String() })
	return cs, as, errors.Join(errs...)
}

func readAll(dir string, each func(path string, data []byte)) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("nmstate: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue // temp files of an interrupted write
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("nmstate: %w", err))
			continue
		}
		each(path, data)
	}
	return errors.Join(errs...)
}

func writeJSON(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("nmstate: encoding %s: %w", path, err)
	}
	if err := WriteFileAtomic(path, data, 0o600); err != nil {
		return fmt.Errorf("nmstate: %w", err)
	}
	return nil
}

func remove(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("nmstate: %w", err)
	}
	return nil
}

// WriteFileAtomic writes data to path through a temp file in the same
// directory, synced and renamed into place: readers see the old content or
// the new, never a part.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		_ = os.Remove(name)
	}
	return err
}
