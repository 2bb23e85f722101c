package cliconf

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"
)

// ConfigFlag is the name of the flag that names a YAML config file.
const ConfigFlag = "config"

var durationType = reflect.TypeOf(time.Duration(0))

type field struct {
	key   string
	usage string
	index []int
	typ   reflect.Type
}

// fields lists the flag-able fields of the struct type t, those of its
// `yaml:",inline"` struct fields included (as YAML inlines them).
func fields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || f.Tag.Get("flag") == "-" {
			continue
		}
		if key == "" && opts == "inline" && f.Type.Kind() == reflect.Struct {
			for _, in := range fields(f.Type) {
				in.index = append(append([]int{}, f.Index...), in.index...)
				out = append(out, in)
			}
			continue
		}
		if key == "" || key == "-" {
			continue
		}
		out = append(out, field{key: key, usage: f.Tag.Get("usage"), index: f.Index, typ: f.Type})
	}
	return out
}

// EnvName is the environment variable for key: PREFIX_KEY_WITH_UNDERSCORES.
func EnvName(prefix, key string) string {
	return prefix + "_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(key))
}

// Flags returns a flag for every field of defaults (a struct value), plus
// --config. Flag defaults come from defaults; env vars from prefix.
func Flags(defaults any, prefix string) []cli.Flag {
	v := reflect.ValueOf(defaults)
	flags := []cli.Flag{&cli.StringFlag{Name: ConfigFlag, Usage: "YAML config file (file < environment < flags)", EnvVars: []string{prefix + "_CONFIG"}}}
	for _, f := range fields(v.Type()) {
		env := []string{EnvName(prefix, f.key)}
		dv := v.FieldByIndex(f.index)
		switch {
		case f.typ == durationType:
			flags = append(flags, &cli.DurationFlag{Name: f.key, Usage: f.usage, EnvVars: env, Value: time.Duration(dv.Int())})
		case f.typ.Kind() == reflect.String:
			flags = append(flags, &cli.StringFlag{Name: f.key, Usage: f.usage, EnvVars: env, Value: dv.String()})
		case f.typ.Kind() == reflect.Bool:
			flags = append(flags, &cli.BoolFlag{Name: f.key, Usage: f.usage, EnvVars: env, Value: dv.Bool()})
		case f.typ.Kind() == reflect.Int, f.typ.Kind() == reflect.Int64:
			flags = append(flags, &cli.Int64Flag{Name: f.key, Usage: f.usage, EnvVars: env, Value: dv.Int()})
		case f.typ.Kind() == reflect.Float64:
			flags = append(flags, &cli.Float64Flag{Name: f.key, Usage: f.usage, EnvVars: env, Value: dv.Float()})
		case f.typ.Kind() == reflect.Slice && f.typ.Elem().Kind() == reflect.String:
			flags = append(flags, &cli.StringFlag{Name: f.key, Usage: f.usage + " (comma-separated)", EnvVars: env, Value: strings.Join(dv.Interface().([]string), ",")})
		default:
			panic(fmt.Sprintf("cliconf: field %s has unsupported type %s", f.key, f.typ)) // a programming error, caught by tests
		}
	}
	return flags
}

// Load fills cfg (a pointer to a struct already holding the defaults): first
// from the YAML file named by --config (unknown keys are an error), then from
// every flag set on the command line or through its environment variable.
func Load(c *cli.Context, cfg any) error {
	v := reflect.ValueOf(cfg).Elem()
	if path := c.String(ConfigFlag); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("config file: %w", err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(cfg); err != nil && err.Error() != "EOF" {
			return fmt.Errorf("config file %s: %w", path, err)
		}
	}
	for _, f := range fields(v.Type()) {
		if !c.IsSet(f.key) {
			continue
		}
		fv := v.FieldByIndex(f.index)
		switch {
		case f.typ == durationType:
			fv.SetInt(int64(c.Duration(f.key)))
		case f.typ.Kind() == reflect.String:
			fv.SetString(c.String(f.key))
		case f.typ.Kind() == reflect.Bool:
			fv.SetBool(c.Bool(f.key))
		case f.typ.Kind() == reflect.Int, f.typ.Kind() == reflect.Int64:
			fv.SetInt(c.Int64(f.key))
		case f.typ.Kind() == reflect.Float64:
			fv.SetFloat(c.Float64(f.key))
		case f.typ.Kind() == reflect.Slice:
			fv.Set(reflect.ValueOf(SplitList(c.String(f.key))))
		}
	}
	return nil
}

// SplitList splits a comma-separated list, dropping blanks.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Reference renders the fields of defaults as a Markdown table: key (also
// the flag and YAML key), environment variable, default, meaning.
func Reference(defaults any, prefix string) string {
	v := reflect.ValueOf(defaults)
	var b strings.Builder
	b.WriteString("| flag / YAML key | environment | default | meaning |\n|---|---|---|---|\n")
	for _, f := range fields(v.Type()) {
		dv := v.FieldByIndex(f.index)
		def := fmt.Sprint(dv.Interface())
		if f.typ.Kind() == reflect.Slice {
			def = strings.Join(dv.Interface().([]string), ",")
		}
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(&b, "| `--%s` | `%s` | `%s` | %s |\n", f.key, EnvName(prefix, f.key), def, f.usage)
	}
	return b.String()
}
