package textfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrNoInput is returned when a path matches no file.
var ErrNoInput = errors.New("input path does not exist")

// MaxSplitBytes bounds a split of a large file (Hadoop's local block size).
const MaxSplitBytes = 32 << 20

// slop lets the last split of a file be up to 10% larger rather than leave a
// tiny one (Hadoop's SPLIT_SLOP).
const slop = 1.1

// Split is a byte range of one file.
type Split struct {
	Path   string `json:"path"`
	Offset int64  `json:"offset"`
	Length int64  `json:"length"`
}

// Plan lists the files pattern names and cuts them into splits: at least
// minPartitions of them overall when the bytes allow, none larger than
// maxSplit (MaxSplitBytes when ≤ 0). pattern is one or more comma-separated
// paths; each may be a file, a directory (its files, not those starting with
// "." or "_") or a glob. Paths are made absolute. Empty files give no split.
func Plan(pattern string, minPartitions int, maxSplit int64) ([]Split, error) {
	files, err := List(pattern)
	if err != nil {
		return nil, err
	}
	if maxSplit <= 0 {
		maxSplit = MaxSplitBytes
	}
	sizes := make([]int64, len(files))
	var total int64
	for i, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return nil, fmt.Errorf("textfile: %w", err)
		}
		sizes[i] = st.Size()
		total += st.Size()
	}
	goal := total / int64(max(minPartitions, 1))
	size := max(1, min(goal, maxSplit))
	var out []Split
	for i, f := range files {
		off, rest := int64(0), sizes[i]
		for float64(rest)/float64(size) > slop {
			out = append(out, Split{Path: f, Offset: off, Length: size})
			off += size
			rest -= size
		}
		if rest > 0 {
			out = append(out, Split{Path: f, Offset: off, Length: rest})
		}
	}
	return out, nil
}

// List expands pattern (see Plan) into a sorted list of file paths; relative
// ones stay relative to the reader's working directory.
func List(pattern string) ([]string, error) {
	var files []string
	for p := range strings.SplitSeq(pattern, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		// A relative path stays relative: each task reads it from its own
		// working directory, where --files are localized on every host.
		clean := filepath.Clean(p)
		matches := []string{clean}
		if strings.ContainsAny(p, `*?[`) {
			var err error
			if matches, err = filepath.Glob(clean); err != nil {
				return nil, fmt.Errorf("textfile: %q: %w", p, err)
			}
			if len(matches) == 0 {
				return nil, fmt.Errorf("%w: %s matches no file", ErrNoInput, p)
			}
		}
		for _, m := range matches {
			found, err := expand(m)
			if err != nil {
				return nil, err
			}
			files = append(files, found...)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: %q names no file", ErrNoInput, pattern)
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

func expand(path string) ([]string, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoInput, path)
	}
	if err != nil {
		return nil, fmt.Errorf("textfile: %w", err)
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("textfile: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") || strings.HasPrefix(e.Name(), "_") {
			continue
		}
		out = append(out, filepath.Join(path, e.Name()))
	}
	return out, nil
}

// Lines calls yield with every line (without its "\n" or "\r\n") that starts
// inside s, until yield returns false. The last line of s may extend past
// its end. It checks ctx every few thousand lines.
func Lines(ctx context.Context, s Split, yield func(string) bool) error {
	f, err := os.Open(s.Path)
	if err != nil {
		return fmt.Errorf("textfile: %w", err)
	}
	defer f.Close()
	pos, end := s.Offset, s.Offset+s.Length
	if pos > 0 {
		// The line starting at Offset is ours only when the byte before
		// it ends a line; otherwise the previous split owns it.
		pos--
	}
	if _, err := f.Seek(pos, io.SeekStart); err != nil {
		return fmt.Errorf("textfile: %w", err)
	}
	br := bufio.NewReaderSize(f, 64<<10)
	if s.Offset > 0 {
		skipped, err := br.ReadString('\n')
		pos += int64(len(skipped))
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("textfile: %s: %w", s.Path, err)
		}
	}
	for n := 0; pos < end; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, err := br.ReadString('\n')
		pos += int64(len(line))
		if err != nil && err != io.EOF {
			return fmt.Errorf("textfile: %s: %w", s.Path, err)
		}
		if line == "" && err == io.EOF {
			return nil
		}
		line = strings.TrimSuffix(line, "\n")
		line = strings.TrimSuffix(line, "\r")
		if !yield(line) || err == io.EOF {
			return nil
		}
	}
	return nil
}
