package yarn

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// roundTrip decodes fixture into a new T, encodes it again, and checks that
// every member of the fixture survives with its value (the output may hold
// more members than the fixture). It returns the decoded value.
func roundTrip[T any](t *testing.T, fixture string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(fixture), &v); err != nil {
		t.Fatalf("decode fixture into %T: %v", v, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %T: %v", v, err)
	}
	var want, got any
	mustGeneric(t, []byte(fixture), &want)
	mustGeneric(t, out, &got)
	if diffs := subset(want, got, ""); len(diffs) > 0 {
		t.Errorf("%T does not round-trip:\n%v\noutput: %s", v, diffs, out)
	}
	return v
}

// exactRoundTrip is roundTrip that also forbids members the fixture lacks.
func exactRoundTrip[T any](t *testing.T, fixture string) T {
	t.Helper()
	v := roundTrip[T](t, fixture)
	out, _ := json.Marshal(v)
	var want, got any
	mustGeneric(t, []byte(fixture), &want)
	mustGeneric(t, out, &got)
	if diffs := subset(got, want, ""); len(diffs) > 0 {
		t.Errorf("%T emits members the fixture lacks:\n%v", v, diffs)
	}
	return v
}

func mustGeneric(t *testing.T, b []byte, v *any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("generic decode %s: %v", b, err)
	}
}

// subset lists where want is not contained in got.
func subset(want, got any, path string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want object, got %v", path, got)}
		}
		var diffs []string
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			diffs = append(diffs, subset(w[k], gv, path+"."+k)...)
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: want %v, got %v", path, want, got)}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, subset(w[i], g[i], fmt.Sprintf("%s[%d]", path, i))...)
		}
		return diffs
	default:
		if !reflect.DeepEqual(want, got) {
			return []string{fmt.Sprintf("%s: want %#v, got %#v", path, want, got)}
		}
		return nil
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %T: %v", v, err)
	}
	return string(b)
}
