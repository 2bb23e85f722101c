package yarn

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// decodeList decodes the inner object of a double-wrapped collection, e.g.
// the {"app":[…]} of {"apps":{"app":[…]}}, into dst. It accepts every form a
// YARN daemon has emitted for it: null (Hadoop 2.x, empty), {} (Hadoop 3.x,
// empty), {"key":null}, {"key":[]}, {"key":[…]} and {"key":{…}} (a single
// element not wrapped in an array). Keys other than key are ignored.
func decodeList[T any](data []byte, key string, dst *[]T) error {
	*dst = nil
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return nil
	}
	if data[0] != '{' {
		return fmt.Errorf("yarn: want an object {%q: […]}, got %s", key, firstBytes(data))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return err
	}
	raw, ok := obj[key]
	if !ok {
		return nil
	}
	return decodeOneOrMany(raw, dst)
}

// decodeOneOrMany decodes a JSON array, a single element, or null into dst.
func decodeOneOrMany[T any](raw json.RawMessage, dst *[]T) error {
	*dst = nil
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if raw[0] == '[' {
		return json.Unmarshal(raw, dst)
	}
	var one T
	if err := json.Unmarshal(raw, &one); err != nil {
		return err
	}
	*dst = []T{one}
	return nil
}

func firstBytes(b []byte) string {
	if len(b) > 20 {
		return string(b[:20]) + "…"
	}
	return string(b)
}

// relaxNumbers rewrites the members named in keys of the JSON object data
// from quoted numbers ("1536") to numbers (1536), so a struct with integer
// fields decodes bodies where a YARN daemon (or its documentation) quoted
// them. Values that are not quoted numbers are left alone.
func relaxNumbers(data []byte, keys ...string) ([]byte, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil || obj == nil {
		return data, err
	}
	changed := false
	for _, k := range keys {
		v, ok := obj[k]
		if !ok || len(v) < 2 || v[0] != '"' {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			continue
		}
		var n json.Number
		if json.Unmarshal([]byte(s), &n) != nil {
			continue
		}
		obj[k] = json.RawMessage(n.String())
		changed = true
	}
	if !changed {
		return data, nil
	}
	return json.Marshal(obj)
}
