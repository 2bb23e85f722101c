// Package shuffle keeps map outputs on an executor's local disk and moves
// them to reducers. A map output is two files in the executor's shuffle
// directory: "<id>.data", the blocks for every reduce partition one after
// the other, and "<id>.index", the block offsets (numReduce+1 big-endian
// int64s). Both are written to temporary names and renamed, so a reader
// never sees half an output.
//
// Blocks are opaque bytes here: the engine encodes records. This package
// imports only appmaster/engine/internal/wire and the standard library.
package shuffle
