package engine

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goyarn/goyarn/appmaster/engine/internal/textfile"
)

func TestWordCountFromTextFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"a.txt": corpus(300, 1), "b.txt": corpus(50, 2), "c.log": "not matched by the glob\n"}
	writeFiles(t, dir, files)
	want := wordCounts(files["a.txt"], files["b.txt"])
	err := runLocal(t, nil, func(ctx *Context, f *fns) error {
		lines := TextFile(ctx, filepath.Join(dir, "*.txt"), 0)
		counts := ReduceByKey(Map(FlatMap(lines, f.words), f.pair), f.sum, 3)
		if counts.Partitions() != 3 {
			t.Errorf("partitions = %d, want 3", counts.Partitions())
		}
		got, err := Collect(counts)
		if err != nil {
			return err
		}
		m := map[string]int{}
		for _, kv := range got {
			if _, dup := m[kv.Key]; dup {
				t.Errorf("key %q twice", kv.Key)
			}
			m[kv.Key] = kv.Value
		}
		if !maps.Equal(m, want) {
			t.Errorf("counts = %v, want %v", m, want)
		}
		// The same shuffle again, through Count: its map stage is reused.
		n, err := Count(counts)
		if err != nil || n != int64(len(want)) {
			t.Errorf("Count = %d, %v; want %d", n, err, len(want))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSaveAsTextFile(t *testing.T) {
	in := t.TempDir()
	text := corpus(120, 3)
	writeFiles(t, in, map[string]string{"in.txt": text})
	out := filepath.Join(t.TempDir(), "out")
	err := runLocal(t, nil, func(ctx *Context, f *fns) error {
		counts := ReduceByKey(Map(FlatMap(TextFile(ctx, in, 0), f.words), f.pair), f.sum, 3)
		if err := SaveAsTextFile(counts, out); err != nil {
			return err
		}
		if err := SaveAsTextFile(counts, out); !errors.Is(err, ErrOutputExists) {
			t.Errorf("saving twice: %v, want ErrOutputExists", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"_SUCCESS", "part-00000", "part-00001", "part-00002"}; !slices.Equal(names, want) {
		t.Fatalf("output files %v, want %v", names, want)
	}
	got := map[string]int{}
	for _, n := range names[1:] {
		data, err := os.ReadFile(filepath.Join(out, n))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			k, v, ok := strings.Cut(line, "\t")
			c, err := strconv.Atoi(v)
			if !ok || err != nil {
				t.Fatalf("line %q is not word<TAB>count", line)
			}
			got[k] += c
		}
	}
	if want := wordCounts(text); !maps.Equal(got, want) {
		t.Fatalf("saved counts %v, want %v", got, want)
	}
}

func TestNarrowTransformations(t *testing.T) {
	var data []int
	for i := range 1000 {
		data = append(data, i)
	}
	var want []int
	for _, n := range data {
		if sq := n * n; sq%2 == 0 {
			want = append(want, sq)
		}
	}
	err := runLocal(t, nil, func(ctx *Context, f *fns) error {
		ds := Filter(Map(Parallelize(ctx, data, 7), f.square), f.even)
		if ds.Partitions() != 7 {
			t.Errorf("partitions = %d", ds.Partitions())
		}
		got, err := Collect(ds)
		if err != nil {
			return err
		}
		if !slices.Equal(got, want) {
			t.Errorf("Collect = %v…, want %v…", got[:min(5, len(got))], want[:5])
		}
		n, err := Count(ds)
		if err != nil || n != int64(len(want)) {
			t.Errorf("Count = %d, %v; want %d", n, err, len(want))
		}
		up, err := Collect(Map(Parallelize(ctx, []string{"a", "b"}, 0), f.upper))
		if err != nil || !slices.Equal(up, []string{"A", "B"}) {
			t.Errorf("upper = %v, %v", up, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRangeReduceAndMapPartitions(t *testing.T) {
	const n = 100_000
	err := runLocal(t, nil, func(ctx *Context, f *fns) error {
		r := Range(ctx, 0, n, 5)
		total, err := Reduce(r, f.sum)
		if err != nil || total != n*(n-1)/2 {
			t.Errorf("Reduce = %d, %v; want %d", total, err, n*(n-1)/2)
		}
		partials, err := Collect(MapPartitions(r, f.sumPartition))
		if err != nil {
			return err
		}
		if len(partials) != 5 {
			t.Errorf("MapPartitions gave %d records, want one per partition (5)", len(partials))
		}
		s := 0
		for i, p := range partials {
			lo, hi := i*n/5, (i+1)*n/5
			if want := (hi*(hi-1) - lo*(lo-1)) / 2; p != want {
				t.Errorf("partition %d sums to %d, want %d", i, p, want)
			}
			s += p
		}
		if s != total {
			t.Errorf("partials add to %d, want %d", s, total)
		}
		if c, err := Count(Range(ctx, 10, 5, 3)); err != nil || c != 0 {
			t.Errorf("empty range counts %d, %v", c, err)
		}
		if _, err := Reduce(Filter(Range(ctx, 1, 2, 1), f.even), f.sum); !errors.Is(err, ErrEmpty) {
			t.Errorf("Reduce of nothing: %v, want ErrEmpty", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGroupByKey(t *testing.T) {
	var data []int
	for i := range 1000 {
		data = append(data, i)
	}
	out := filepath.Join(t.TempDir(), "groups")
	err := runLocal(t, nil, func(ctx *Context, f *fns) error {
		pairs := Map(Parallelize(ctx, data, 6), f.mod10)
		groups := GroupByKey(pairs, 4)
		got, err := Collect(groups)
		if err != nil {
			return err
		}
		if len(got) != 10 {
			t.Errorf("%d groups, want 10", len(got))
		}
		for _, g := range got {
			vals := slices.Sorted(slices.Values(g.Values))
			var want []int
			for i := g.Key; i < 1000; i += 10 {
				want = append(want, i)
			}
			if !slices.Equal(vals, want) {
				t.Errorf("group %d = %v…", g.Key, vals[:min(3, len(vals))])
			}
		}
		sizes, err := Collect(Map(groups, f.groupSize))
		if err != nil {
			return err
		}
		for _, kv := range sizes {
			if kv.Value != 100 {
				t.Errorf("group %d has %d values", kv.Key, kv.Value)
			}
		}
		return SaveAsTextFile(GroupByKey(pairs, 1), out)
	})
	if err != nil {
		t.Fatal(err)
	}
	data0, err := os.ReadFile(filepath.Join(out, "part-00000"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data0)), "\n")
	if len(lines) != 10 || !strings.Contains(string(data0), "\t[") {
		t.Fatalf("saved groups:\n%s", data0)
	}
}

func TestCustomRecordTypes(t *testing.T) {
	type unregistered struct{ A int }
	err := runLocal(t, nil, func(ctx *Context, f *fns) error {
		norms, err := Collect(Map(Parallelize(ctx, []Point{{3, 4}, {1, 1}, {0, 2}}, 2), f.norm))
		if err != nil || !slices.Equal(norms, []int{25, 2, 4}) {
			t.Errorf("norms = %v, %v", norms, err)
		}
		pts, err := Collect(Parallelize(ctx, []Point{{1, 2}}, 1))
		if err != nil || len(pts) != 1 || pts[0] != (Point{1, 2}) {
			t.Errorf("points = %v, %v", pts, err)
		}
		if _, err := Count(Parallelize(ctx, []unregistered{{1}}, 1)); !errors.Is(err, ErrNotRegistered) {
			t.Errorf("unregistered type: %v, want ErrNotRegistered", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTextFilePartitionsAndGlobs(t *testing.T) {
	dir := t.TempDir()
	big := corpus(2000, 4)
	writeFiles(t, dir, map[string]string{"big.txt": big, "small-1.txt": "x y\nz\n", "small-2.txt": "w\n", "_SUCCESS": "", ".crc": "junk\n"})
	wantLines := strings.Split(strings.TrimSuffix(big, "\n"), "\n")
	err := runLocal(t, nil, func(ctx *Context, f *fns) error {
		lines := TextFile(ctx, filepath.Join(dir, "big.txt"), 8)
		if lines.Partitions() < 8 {
			t.Errorf("big file in %d partitions, want at least 8", lines.Partitions())
		}
		got, err := Collect(lines)
		if err != nil {
			return err
		}
		if !slices.Equal(got, wantLines) {
			t.Errorf("lines differ: %d lines, want %d", len(got), len(wantLines))
		}
		all := TextFile(ctx, dir, 1) // a directory: hidden and _ files skipped
		n, err := Count(all)
		if err != nil || n != int64(len(wantLines)+3) {
			t.Errorf("directory has %d lines, %v; want %d", n, err, len(wantLines)+3)
		}
		small, err := Collect(TextFile(ctx, filepath.Join(dir, "small-*.txt"), 0))
		if err != nil || !slices.Equal(small, []string{"x y", "z", "w"}) {
			t.Errorf("glob lines = %q, %v", small, err)
		}
		if _, err := Count(TextFile(ctx, filepath.Join(dir, "nothing-*.txt"), 0)); !errors.Is(err, textfile.ErrNoInput) {
			t.Errorf("missing input: %v, want ErrNoInput", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
