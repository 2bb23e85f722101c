package engine

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"hash/fnv"
	"iter"
	"math"
	"reflect"

	"github.com/goyarn/goyarn/appmaster/engine/internal/shuffle"
	"github.com/goyarn/goyarn/appmaster/engine/internal/wire"
)

// kvOps is the shuffle code of one KV[K, V] type.
type kvOps interface {
	// write partitions seq's records by key hash into numReduce encoded
	// blocks, merging the values of a key with combine (a func(V, V) V)
	// first when it is not nil.
	write(env *taskEnv, seq any, numReduce int, combine any) ([][]byte, int64, error)
	// read returns, lazily, the records of one reduce partition: fetched
	// from every map output when first iterated, merged with fn (a
	// func(V, V) V) for ShuffleReduceByKey or grouped for ShuffleGroupByKey.
	// It also returns the registered name of the records it yields.
	read(env *taskEnv, sr *wire.ShuffleRead, fn any) (seq any, typ string, err error)
	// groupType is the record type of GroupByKey's output.
	groupType() recordType
}

type kvImpl[K comparable, V any] struct{}

func (kvImpl[K, V]) groupType() recordType {
	return recType[Group[K, V]]{n: typeName[Group[K, V]]()}
}

func (kvImpl[K, V]) write(env *taskEnv, seq any, numReduce int, combine any) ([][]byte, int64, error) {
	in := guard(env, seq.(iter.Seq[KV[K, V]]))
	bufs := make([]bytes.Buffer, numReduce)
	encs := make([]*batchWriter[KV[K, V]], numReduce)
	for i := range encs {
		encs[i] = newBatchWriter[KV[K, V]](&bufs[i])
	}
	var n int64
	if combine != nil {
		f, ok := combine.(func(V, V) V)
		if !ok {
			return nil, 0, fmt.Errorf("%w: combiner %T does not take %s", ErrNotRegistered, combine, typeName[V]())
		}
		m := map[K]V{}
		for kv := range in {
			n++
			if old, ok := m[kv.Key]; ok {
				m[kv.Key] = f(old, kv.Value)
			} else {
				m[kv.Key] = kv.Value
			}
		}
		in = func(yield func(KV[K, V]) bool) {
			for k, v := range m {
				if !yield(KV[K, V]{k, v}) {
					return
				}
			}
		}
	}
	for kv := range in {
		if combine == nil {
			n++
		}
		if err := encs[partitionOf(kv.Key, numReduce)].add(kv); err != nil {
			return nil, n, err
		}
	}
	blocks := make([][]byte, numReduce)
	for i, e := range encs {
		if err := e.flush(); err != nil {
			return nil, n, err
		}
		blocks[i] = bufs[i].Bytes()
	}
	return blocks, n, nil
}

func (kvImpl[K, V]) read(env *taskEnv, sr *wire.ShuffleRead, fn any) (any, string, error) {
	name := typeName[KV[K, V]]()
	// each decodes one fetched block and hands its records to add.
	each := func(add func(KV[K, V])) error {
		return env.fetcher.All(env.ctx, sr.Blocks, sr.Reduce, func(loc wire.BlockLoc, data []byte) error {
			sub := newTaskEnv(env.ctx)
			for kv := range decodeSeq[KV[K, V]](sub, name, bytes.NewReader(data)) {
				add(kv)
			}
			if err := sub.failure(); err != nil {
				return &shuffle.FetchError{Block: loc, Err: err} // a corrupt block is recomputed too
			}
			return nil
		})
	}
	switch sr.Kind {
	case wire.ShuffleReduceByKey:
		f, ok := fn.(func(V, V) V)
		if !ok {
			return nil, "", fmt.Errorf("%w: reducer %T does not take %s", ErrNotRegistered, fn, typeName[V]())
		}
		return iter.Seq[KV[K, V]](func(yield func(KV[K, V]) bool) {
			m := map[K]V{}
			err := each(func(kv KV[K, V]) {
				if old, ok := m[kv.Key]; ok {
					m[kv.Key] = f(old, kv.Value)
				} else {
					m[kv.Key] = kv.Value
				}
			})
			if err != nil {
				env.fail(err)
				return
			}
			for k, v := range m {
				if !yield(KV[K, V]{k, v}) {
					return
				}
			}
		}), name, nil
	case wire.ShuffleGroupByKey:
		return iter.Seq[Group[K, V]](func(yield func(Group[K, V]) bool) {
			m := map[K][]V{}
			err := each(func(kv KV[K, V]) { m[kv.Key] = append(m[kv.Key], kv.Value) })
			if err != nil {
				env.fail(err)
				return
			}
			for k, vs := range m {
				if !yield(Group[K, V]{k, vs}) {
					return
				}
			}
		}), typeName[Group[K, V]](), nil
	}
	return nil, "", fmt.Errorf("unknown shuffle kind %q", sr.Kind)
}

// batchWriter gob-encodes records in batches.
type batchWriter[T any] struct {
	enc   *gob.Encoder
	batch []T
}

func newBatchWriter[T any](buf *bytes.Buffer) *batchWriter[T] {
	return &batchWriter[T]{enc: gob.NewEncoder(buf)}
}

func (b *batchWriter[T]) add(v T) error {
	b.batch = append(b.batch, v)
	if len(b.batch) == batchSize {
		return b.flush()
	}
	return nil
}

func (b *batchWriter[T]) flush() error {
	if len(b.batch) == 0 {
		return nil
	}
	err := b.enc.Encode(b.batch)
	b.batch = b.batch[:0]
	if err != nil {
		return fmt.Errorf("encoding %s records: %w", typeName[T](), err)
	}
	return nil
}

// partitionOf is the reduce partition of key k among n. The hash depends on
// the key's value only, never on the process, so every map task of every
// executor sends a key to the same reducer.
func partitionOf[K comparable](k K, n int) int {
	return int(hashKey(k) % uint64(n))
}

func hashKey(k any) uint64 {
	switch x := k.(type) {
	case string:
		h := fnv.New64a()
		h.Write([]byte(x))
		return h.Sum64()
	case int:
		return mix(uint64(x))
	case int64:
		return mix(uint64(x))
	case int32:
		return mix(uint64(x))
	case uint64:
		return mix(x)
	case uint32:
		return mix(uint64(x))
	case uint:
		return mix(uint64(x))
	case bool:
		if x {
			return mix(1)
		}
		return mix(0)
	}
	h := fnv.New64a()
	hashValue(h, reflect.ValueOf(k))
	return h.Sum64()
}

// mix is splitmix64's finalizer: nearby integers land far apart.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

type byteWriter interface{ Write([]byte) (int, error) }

func hashValue(h byteWriter, v reflect.Value) {
	var b [8]byte
	put := func(u uint64) {
		binary.LittleEndian.PutUint64(b[:], u)
		h.Write(b[:])
	}
	switch v.Kind() {
	case reflect.String:
		put(uint64(v.Len()))
		h.Write([]byte(v.String()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		put(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		put(v.Uint())
	case reflect.Bool:
		if v.Bool() {
			put(1)
		} else {
			put(0)
		}
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if f == 0 {
			f = 0 // -0 and +0 are the same key
		}
		put(math.Float64bits(f))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		hashValue(h, reflect.ValueOf(real(c)))
		hashValue(h, reflect.ValueOf(imag(c)))
	case reflect.Array:
		for i := range v.Len() {
			hashValue(h, v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			hashValue(h, v.Field(i))
		}
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			put(0)
			return
		}
		h.Write([]byte(v.Elem().Type().String()))
		hashValue(h, v.Elem())
	default: // channels and the like: equal only to themselves anyway
		put(0)
	}
}
