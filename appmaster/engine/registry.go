package engine

import (
	"errors"
	"fmt"
	"iter"
	"reflect"
	"sync"
)

// Registration errors.
var (
	// ErrNotRegistered: a dataset's record type or a task's function is not
	// registered (in this process).
	ErrNotRegistered = errors.New("not registered")
	// ErrDuplicate: a function name registered twice, or two types with the
	// same name.
	ErrDuplicate = errors.New("registered twice")
)

// Function kinds.
const (
	kindMap           = "map"
	kindFlatMap       = "flatMap"
	kindFilter        = "filter"
	kindMapPartitions = "mapPartitions"
	kindReduce        = "reduce"
)

// function is a registered user function, type-erased: apply turns an
// iter.Seq[In] into an iter.Seq[Out]; reduce holds a func(T, T) T.
type function struct {
	name    string
	kind    string
	in, out string
	apply   func(seq any) any
	reduce  any
}

// registry holds an App's record types and functions. Every process of an
// application builds the same registry before Run, so names are all a task
// needs to carry.
type registry struct {
	mu     sync.RWMutex
	types  map[string]recordType
	fns    map[string]*function
	errs   []error
	frozen bool // Run has started: executors would not see later registrations
}

// freeze ends registration: what is registered later is refused, in local
// mode as on a cluster, where executors never run main.
func (r *registry) freeze() {
	r.mu.Lock()
	r.frozen = true
	r.mu.Unlock()
}

func (r *registry) lateLocked(what string) bool {
	if r.frozen {
		r.errs = append(r.errs, fmt.Errorf("%s registered after Run started: register in main, before Run", what))
	}
	return r.frozen
}

func newRegistry() *registry {
	r := &registry{types: map[string]recordType{}, fns: map[string]*function{}}
	registerType[string](r)
	registerType[int](r)
	registerType[int64](r)
	registerType[float64](r)
	registerType[bool](r)
	return r
}

// registerType registers T, and for a KV[K, V] also Group[K, V].
func registerType[T any](r *registry) {
	rt := recType[T]{n: typeName[T]()}
	r.addType(rt)
	if kv := rt.kv(); kv != nil {
		r.addType(kv.groupType())
	}
}

func (r *registry) addType(rt recordType) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old, ok := r.types[rt.name()]
	if !ok {
		if r.lateLocked("type " + rt.name()) {
			return
		}
		r.types[rt.name()] = rt
		return
	}
	if old.goType() != rt.goType() {
		r.errs = append(r.errs, fmt.Errorf("%w: two types named %s (%s and %s)", ErrDuplicate, rt.name(),
			qualified(old.goType()), qualified(rt.goType())))
	}
}

func qualified(t reflect.Type) string {
	if t.PkgPath() == "" {
		return t.String()
	}
	return t.PkgPath() + "." + t.Name()
}

func (r *registry) addFunc(f *function) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case f.name == "":
		r.errs = append(r.errs, fmt.Errorf("a %s function without a name", f.kind))
	case r.fns[f.name] != nil:
		r.errs = append(r.errs, fmt.Errorf("%w: function %q", ErrDuplicate, f.name))
	case f.apply == nil && f.reduce == nil:
		r.errs = append(r.errs, fmt.Errorf("function %q is nil", f.name))
	case r.lateLocked(fmt.Sprintf("function %q", f.name)):
	default:
		r.fns[f.name] = f
	}
}

func (r *registry) typ(name string) (recordType, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if rt, ok := r.types[name]; ok {
		return rt, nil
	}
	return nil, fmt.Errorf("%w: record type %s; call engine.RegisterType[%s](app) before Run", ErrNotRegistered, name, name)
}

func (r *registry) fn(name string) (*function, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if f, ok := r.fns[name]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("%w: function %q; register functions identically in every process, before Run", ErrNotRegistered, name)
}

func (r *registry) err() error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return errors.Join(r.errs...)
}

// RegisterType makes records of type T usable in datasets in every process.
// Registering a function registers its input and output types already; call
// RegisterType for the others — typically the element type of Parallelize.
// T must be encodable with encoding/gob (exported fields; types stored in
// interface fields registered with gob.Register). Call it in main, before
// Run, identically in every process.
func RegisterType[T any](app *App) { registerType[T](app.reg) }

// MapFn is a registered func(T) U (see MapFunc), used with Map.
type MapFn[T, U any] struct{ named }

// FlatMapFn is a registered func(T) []U (see FlatMapFunc), used with FlatMap.
type FlatMapFn[T, U any] struct{ named }

// FilterFn is a registered func(T) bool (see FilterFunc), used with Filter.
type FilterFn[T any] struct{ named }

// MapPartitionsFn is a registered func(iter.Seq[T]) iter.Seq[U] (see
// MapPartitionsFunc), used with MapPartitions.
type MapPartitionsFn[T, U any] struct{ named }

// ReduceFn is a registered func(T, T) T (see ReduceFunc), used with Reduce
// and ReduceByKey. It must be associative and commutative.
type ReduceFn[T any] struct {
	named
	f func(T, T) T
}

type named struct {
	app  *App
	name string
}

// Name is the name the function was registered under.
func (n named) Name() string { return n.name }

func (n named) usableIn(app *App) error {
	switch {
	case n.app == nil:
		return fmt.Errorf("%w: a function handle must come from MapFunc, FlatMapFunc, FilterFunc, MapPartitionsFunc or ReduceFunc", ErrNotRegistered)
	case n.app != app:
		return fmt.Errorf("%w: function %q belongs to another App", ErrNotRegistered, n.name)
	}
	_, err := app.reg.fn(n.name) // refused when registered too late
	return err
}

// MapFunc registers f under name: Map(ds, fn) applies it to every record.
// Register every function in main before Run, identically in every process:
// executors find functions by name.
func MapFunc[T, U any](app *App, name string, f func(T) U) MapFn[T, U] {
	registerType[T](app.reg)
	registerType[U](app.reg)
	fn := &function{name: name, kind: kindMap, in: typeName[T](), out: typeName[U]()}
	if f != nil {
		fn.apply = func(seq any) any {
			in := seq.(iter.Seq[T])
			return iter.Seq[U](func(yield func(U) bool) {
				for v := range in {
					if !yield(f(v)) {
						return
					}
				}
			})
		}
	}
	app.reg.addFunc(fn)
	return MapFn[T, U]{named{app, name}}
}

// FlatMapFunc registers f under name: FlatMap(ds, fn) replaces every record
// by the records f returns for it.
func FlatMapFunc[T, U any](app *App, name string, f func(T) []U) FlatMapFn[T, U] {
	registerType[T](app.reg)
	registerType[U](app.reg)
	fn := &function{name: name, kind: kindFlatMap, in: typeName[T](), out: typeName[U]()}
	if f != nil {
		fn.apply = func(seq any) any {
			in := seq.(iter.Seq[T])
			return iter.Seq[U](func(yield func(U) bool) {
				for v := range in {
					for _, u := range f(v) {
						if !yield(u) {
							return
						}
					}
				}
			})
		}
	}
	app.reg.addFunc(fn)
	return FlatMapFn[T, U]{named{app, name}}
}

// FilterFunc registers f under name: Filter(ds, fn) keeps the records for
// which f is true.
func FilterFunc[T any](app *App, name string, f func(T) bool) FilterFn[T] {
	registerType[T](app.reg)
	fn := &function{name: name, kind: kindFilter, in: typeName[T](), out: typeName[T]()}
	if f != nil {
		fn.apply = func(seq any) any {
			in := seq.(iter.Seq[T])
			return iter.Seq[T](func(yield func(T) bool) {
				for v := range in {
					if f(v) && !yield(v) {
						return
					}
				}
			})
		}
	}
	app.reg.addFunc(fn)
	return FilterFn[T]{named{app, name}}
}

// MapPartitionsFunc registers f under name: MapPartitions(ds, fn) calls f
// once per partition with the partition's records, read as f ranges over
// them, and takes the records f yields.
func MapPartitionsFunc[T, U any](app *App, name string, f func(iter.Seq[T]) iter.Seq[U]) MapPartitionsFn[T, U] {
	registerType[T](app.reg)
	registerType[U](app.reg)
	fn := &function{name: name, kind: kindMapPartitions, in: typeName[T](), out: typeName[U]()}
	if f != nil {
		fn.apply = func(seq any) any { return f(seq.(iter.Seq[T])) }
	}
	app.reg.addFunc(fn)
	return MapPartitionsFn[T, U]{named{app, name}}
}

// ReduceFunc registers f under name, for Reduce and ReduceByKey. f must be
// associative and commutative: partial results are merged in any order.
func ReduceFunc[T any](app *App, name string, f func(T, T) T) ReduceFn[T] {
	registerType[T](app.reg)
	fn := &function{name: name, kind: kindReduce, in: typeName[T](), out: typeName[T]()}
	if f != nil {
		fn.reduce = f
	}
	app.reg.addFunc(fn)
	return ReduceFn[T]{named{app, name}, f}
}
