package lifecycle

import (
	"errors"
	"fmt"
	"sort"
)

// ErrInvalidTransition is wrapped by every refused transition.
var ErrInvalidTransition = errors.New("invalid state transition")

// Row is one line of a transition table: from any of From, Event leads to To.
type Row[S ~string, E ~string] struct {
	From  []S
	Event E
	To    S
}

// Table is a state machine's transition table.
type Table[S ~string, E ~string] struct {
	name string
	next map[S]map[E]S
	rows []Row[S, E]
}

// NewTable builds a table; a (state, event) pair listed twice is a
// programming error and panics at package initialisation.
func NewTable[S ~string, E ~string](name string, rows ...Row[S, E]) *Table[S, E] {
	t := &Table[S, E]{name: name, next: map[S]map[E]S{}, rows: rows}
	for _, r := range rows {
		for _, f := range r.From {
			if t.next[f] == nil {
				t.next[f] = map[E]S{}
			}
			if _, dup := t.next[f][r.Event]; dup {
				panic(fmt.Sprintf("lifecycle: %s: %s on %s listed twice", name, r.Event, f))
			}
			t.next[f][r.Event] = r.To
		}
	}
	return t
}

// Next returns the state event leads to from state from.
func (t *Table[S, E]) Next(from S, event E) (S, error) {
	if to, ok := t.next[from][event]; ok {
		return to, nil
	}
	return from, &TransitionError{Machine: t.name, From: string(from), Event: string(event)}
}

// Can reports whether event is allowed from state from.
func (t *Table[S, E]) Can(from S, event E) bool {
	_, ok := t.next[from][event]
	return ok
}

// Events lists the events allowed from state from, sorted.
func (t *Table[S, E]) Events(from S) []E {
	var out []E
	for e := range t.next[from] {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// TransitionError describes a refused transition; it wraps ErrInvalidTransition.
type TransitionError struct {
	Machine, From, Event string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("%s: event %s is not valid in state %s", e.Machine, e.Event, e.From)
}

// Unwrap makes errors.Is(err, ErrInvalidTransition) true.
func (e *TransitionError) Unwrap() error { return ErrInvalidTransition }
