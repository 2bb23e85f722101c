package shuffle

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ErrNoBlock is returned for an unknown map output or reduce partition.
var ErrNoBlock = errors.New("no such shuffle block")

var fileID = regexp.MustCompile(`^shuffle_[0-9]+_[0-9]+_[0-9]+$`)

// Store is one executor's map outputs.
type Store struct {
	dir string
}

// NewStore keeps map outputs in dir, creating it.
func NewStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("shuffle: %w", err)
	}
	return &Store{dir: dir}, nil
}

// Dir is where the store keeps its files.
func (s *Store) Dir() string { return s.dir }

// Write stores the output of map task taskID for map partition mapIndex of
// shuffle shuffleID: blocks[r] is reduce partition r's block. It returns the
// output's file id and the size of every block.
func (s *Store) Write(shuffleID, mapIndex int, taskID int64, blocks [][]byte) (string, []int64, error) {
	id := fmt.Sprintf("shuffle_%d_%d_%d", shuffleID, mapIndex, taskID)
	sizes := make([]int64, len(blocks))
	index := make([]byte, 8*(len(blocks)+1))
	var off int64
	for r, b := range blocks {
		sizes[r] = int64(len(b))
		off += int64(len(b))
		binary.BigEndian.PutUint64(index[8*(r+1):], uint64(off))
	}
	if err := s.writeFile(id+".data", func(w io.Writer) error {
		for _, b := range blocks {
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return "", nil, err
	}
	if err := s.writeFile(id+".index", func(w io.Writer) error { _, err := w.Write(index); return err }); err != nil {
		return "", nil, err
	}
	return id, sizes, nil
}

func (s *Store) writeFile(name string, fill func(io.Writer) error) error {
	f, err := os.CreateTemp(s.dir, "."+name+".tmp*")
	if err != nil {
		return fmt.Errorf("shuffle: %w", err)
	}
	err = fill(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(s.dir, name))
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("shuffle: writing %s: %w", name, err)
	}
	return nil
}

// Open returns reduce partition reduce's block of map output file, and its
// length.
func (s *Store) Open(file string, reduce int) (io.ReadCloser, int64, error) {
	if !fileID.MatchString(file) || reduce < 0 {
		return nil, 0, fmt.Errorf("%w: %s/%d", ErrNoBlock, file, reduce)
	}
	index, err := os.ReadFile(filepath.Join(s.dir, file+".index"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, fmt.Errorf("%w: %s", ErrNoBlock, file)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("shuffle: %w", err)
	}
	if len(index)%8 != 0 || 8*(reduce+2) > len(index) {
		return nil, 0, fmt.Errorf("%w: %s/%d", ErrNoBlock, file, reduce)
	}
	start := int64(binary.BigEndian.Uint64(index[8*reduce:]))
	end := int64(binary.BigEndian.Uint64(index[8*(reduce+1):]))
	f, err := os.Open(filepath.Join(s.dir, file+".data"))
	if err != nil {
		return nil, 0, fmt.Errorf("shuffle: %w", err)
	}
	return struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(f, start, end-start), f}, end - start, nil
}

// ServeHTTP answers GET <prefix><file>/<reduce> with that block; the caller
// strips the prefix (http.StripPrefix).
func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	file, red, ok := strings.Cut(strings.Trim(r.URL.Path, "/"), "/")
	reduce, err := strconv.Atoi(red)
	if !ok || err != nil {
		http.Error(w, "want <file>/<reduce>", http.StatusBadRequest)
		return
	}
	rc, n, err := s.Open(file, reduce)
	if errors.Is(err, ErrNoBlock) {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	_, _ = io.Copy(w, rc)
}
