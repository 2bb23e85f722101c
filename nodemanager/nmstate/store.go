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

// LogAggregation is the persisted record of one application's log
// aggregation on this node: what to upload, and how far it came. A record
// whose Status is not final after a restart is aggregated again.
type LogAggregation struct {
	ID          api.ApplicationID        `json:"id"`
	User        string                   `json:"user"`
	Containers  []LogDir                 `json:"containers"`
	Status      api.LogAggregationStatus `json:"status"`
	Diagnostics string                   `json:"diagnostics,omitempty"`
	FinishedAt  int64                    `json:"finishedAt"`          // app cleanup, ms since the epoch
	UpdatedAt   int64                    `json:"updatedAt,omitempty"` // last status change, ms since the epoch
}

// LogDir is a container's log dir.
type LogDir struct {
	ID  api.ContainerID `json:"id"`
	Dir string          `json:"dir"`
}

// Store keeps records as files under a directory.
type Store struct{ dir string }

// Open returns a store rooted at dir, creating its directories.
func Open(dir string) (*Store, error) {
	s := &Store{dir: dir}
	for _, d := range []string{s.containersDir(), s.appsDir(), s.logAggDir()} {
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
func (s *Store) logAggDir() string     { return filepath.Join(s.dir, "logaggregation") }

// PutLogAggregation writes r, replacing any earlier record of its app.
func (s *Store) PutLogAggregation(r LogAggregation) error {
	return writeJSON(filepath.Join(s.logAggDir(), r.ID.String()+".json"), r)
}

// DeleteLogAggregation removes the record of id; a missing one is not an
// error.
func (s *Store) DeleteLogAggregation(id api.ApplicationID) error {
	return remove(filepath.Join(s.logAggDir(), id.String()+".json"))
}

// LoadLogAggregations reads every log aggregation record, sorted by id;
// unreadable ones are skipped and reported as for Load.
func (s *Store) LoadLogAggregations() ([]LogAggregation, error) {
	var errs []error
	var out []LogAggregation
	err := readAll(s.logAggDir(), func(path string, data []byte) {
		var r LogAggregation
		if err := json.Unmarshal(data, &r); err != nil || r.ID.IsZero() {
			errs = append(errs, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err))
			return
		}
		out = append(out, r)
	})
	errs = append(errs, err)
	sort.Slice(out, func(i, j int) bool { return out[i].ID.String() < out[j].ID.String() })
	return out, errors.Join(errs...)
}

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
