package engine

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"iter"
	"reflect"
)

// KV is a key-value record: the element of the datasets ReduceByKey and
// GroupByKey work on. SaveAsTextFile writes it as "key<TAB>value".
type KV[K comparable, V any] struct {
	Key   K
	Value V
}

// Pair returns KV{Key: k, Value: v}.
func Pair[K comparable, V any](k K, v V) KV[K, V] { return KV[K, V]{Key: k, Value: v} }

func (kv KV[K, V]) textLine() string { return fmt.Sprintf("%v\t%v", kv.Key, kv.Value) }

// engineKV gives the registry the shuffle code for this key and value type.
func (KV[K, V]) engineKV() kvOps { return kvImpl[K, V]{} }

// Group is a key with all its values: the element of GroupByKey's result.
// SaveAsTextFile writes it as "key<TAB>[v1 v2 …]".
type Group[K comparable, V any] struct {
	Key    K
	Values []V
}

func (g Group[K, V]) textLine() string { return fmt.Sprintf("%v\t%v", g.Key, g.Values) }

type textLiner interface{ textLine() string }

type kvCarrier interface{ engineKV() kvOps }

// batchSize is how many records travel in one gob value.
const batchSize = 1024

// typeName is the name a record type is registered and sent under.
func typeName[T any]() string { return reflect.TypeFor[T]().String() }

// recordType is what the engine can do with records of one registered
// type without knowing it statically: the typed code behind it is
// instantiated when the type is registered, identically in every process.
// Record streams ("seq") are iter.Seq[T] values held in an any.
type recordType interface {
	name() string
	goType() reflect.Type
	kv() kvOps // nil unless the type is a KV
	// decode yields the records of an encoded stream; errors go to env.
	decode(env *taskEnv, data []byte) any
	// encode writes every record of seq and counts them.
	encode(env *taskEnv, seq any) ([]byte, int64, error)
	count(env *taskEnv, seq any) int64
	// reduce folds seq with fn (a func(T, T) T) and encodes the result:
	// zero records when seq is empty, else one.
	reduce(env *taskEnv, seq any, fn any) ([]byte, int64, error)
	// writeText writes one line per record.
	writeText(env *taskEnv, seq any, w io.Writer) (int64, error)
}

type recType[T any] struct{ n string }

func (r recType[T]) name() string         { return r.n }
func (r recType[T]) goType() reflect.Type { return reflect.TypeFor[T]() }

func (r recType[T]) kv() kvOps {
	if c, ok := any(*new(T)).(kvCarrier); ok {
		return c.engineKV()
	}
	return nil
}

func (r recType[T]) decode(env *taskEnv, data []byte) any {
	return decodeSeq[T](env, r.n, bytes.NewReader(data))
}

func (r recType[T]) encode(env *taskEnv, seq any) ([]byte, int64, error) {
	var buf bytes.Buffer
	n, err := encodeSeq(&buf, guard(env, seq.(iter.Seq[T])))
	return buf.Bytes(), n, err
}

func (r recType[T]) count(env *taskEnv, seq any) int64 {
	var n int64
	for range guard(env, seq.(iter.Seq[T])) {
		n++
	}
	return n
}

func (r recType[T]) reduce(env *taskEnv, seq any, fn any) ([]byte, int64, error) {
	f, ok := fn.(func(T, T) T)
	if !ok {
		return nil, 0, fmt.Errorf("%w: reducer %T does not take %s", ErrNotRegistered, fn, r.n)
	}
	var acc T
	var n int64
	for v := range guard(env, seq.(iter.Seq[T])) {
		if n == 0 {
			acc = v
		} else {
			acc = f(acc, v)
		}
		n++
	}
	if n == 0 {
		return nil, 0, nil
	}
	data, err := encodeSlice([]T{acc})
	return data, n, err
}

func (r recType[T]) writeText(env *taskEnv, seq any, w io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	var n int64
	for v := range guard(env, seq.(iter.Seq[T])) {
		var err error
		if l, ok := any(v).(textLiner); ok {
			_, err = fmt.Fprintln(bw, l.textLine())
		} else {
			_, err = fmt.Fprintln(bw, v)
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, bw.Flush()
}

// encodeSeq writes seq as a gob stream of record batches.
func encodeSeq[T any](w io.Writer, seq iter.Seq[T]) (int64, error) {
	enc := gob.NewEncoder(w)
	batch := make([]T, 0, batchSize)
	var n int64
	for v := range seq {
		batch = append(batch, v)
		n++
		if len(batch) == batchSize {
			if err := enc.Encode(batch); err != nil {
				return n, fmt.Errorf("encoding %s records: %w", typeName[T](), err)
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if err := enc.Encode(batch); err != nil {
			return n, fmt.Errorf("encoding %s records: %w", typeName[T](), err)
		}
	}
	return n, nil
}

func encodeSlice[T any](s []T) ([]byte, error) {
	var buf bytes.Buffer
	_, err := encodeSeq(&buf, func(yield func(T) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	})
	return buf.Bytes(), err
}

// decodeSeq yields the records of a gob stream of batches; a decoding error
// goes to env and ends the sequence.
func decodeSeq[T any](env *taskEnv, name string, r io.Reader) iter.Seq[T] {
	return func(yield func(T) bool) {
		dec := gob.NewDecoder(r)
		for {
			if err := env.ctx.Err(); err != nil {
				env.fail(err)
				return
			}
			var batch []T
			if err := dec.Decode(&batch); err != nil {
				if !errors.Is(err, io.EOF) {
					env.fail(fmt.Errorf("decoding %s records: %w", name, err))
				}
				return
			}
			for _, v := range batch {
				if !yield(v) {
					return
				}
			}
		}
	}
}

// decodeAll decodes a whole stream on the driver.
func decodeAll[T any](data []byte) ([]T, error) {
	env := newTaskEnv(nil)
	var out []T
	for v := range decodeSeq[T](env, typeName[T](), bytes.NewReader(data)) {
		out = append(out, v)
	}
	return out, env.failure()
}
