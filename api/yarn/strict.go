package yarn

import (
	"reflect"
	"strconv"
	"strings"
)

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// unknownFields walks v (a body decoded into any) along the Go type t and
// reports every object member t has no field for, by its path
// ("am-container-spec.local-resources.entry[0].value.resourse"). Names match
// exactly (encoding/json would match them case-insensitively). Where t wants
// a list and v holds a single value, the value is checked as one element, as
// the list types' decoders accept it. Type mismatches are left to
// encoding/json.
func unknownFields(v any, t reflect.Type, path string) []error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		fields := jsonFields(t)
		var errs []error
		for _, k := range sortedKeys(obj) {
			ft, ok := fields[k]
			if !ok {
				errs = append(errs, invalid("unknown field %q (valid here: %s)", join(path, k), strings.Join(sortedKeys(fields), ", ")))
				continue
			}
			errs = append(errs, unknownFields(obj[k], ft, join(path, k))...)
		}
		return errs
	case reflect.Slice:
		if arr, ok := v.([]any); ok {
			var errs []error
			for i, e := range arr {
				errs = append(errs, unknownFields(e, t.Elem(), path+"["+strconv.Itoa(i)+"]")...)
			}
			return errs
		}
		return unknownFields(v, t.Elem(), path)
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		var errs []error
		for _, k := range sortedKeys(obj) {
			errs = append(errs, unknownFields(obj[k], t.Elem(), join(path, k))...)
		}
		return errs
	}
	return nil
}

// jsonFields maps the JSON member names of struct type t to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}
