package containers

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/goyarn/goyarn/api"
)

type rec struct{ name string }

func cid(seq int64) api.ContainerID {
	app := api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 1}
	return api.ContainerID{Attempt: api.AttemptID{App: app, Attempt: 1}, Epoch: 1, Seq: seq}
}

func TestTableStartReservesTheID(t *testing.T) {
	tb := NewTable[*rec]("test")
	a := &rec{"a"}
	if err := tb.Reserve(cid(1)); err != nil {
		t.Fatal(err)
	}
	if err := tb.Reserve(cid(1)); !errors.Is(err, ErrExists) {
		t.Errorf("second Reserve while starting: %v", err)
	}
	if held, busy := tb.Busy(cid(1)); !busy || held != nil {
		t.Errorf("Busy while starting: %v %v", held, busy)
	}
	if _, ok := tb.Recovered(cid(1), &rec{"recovered"}, nil); ok {
		t.Error("Recover took an id whose Start is under way")
	}
	if _, err := tb.Get(cid(1)); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get while starting: %v", err)
	}
	tb.Started(cid(1), a, true, nil)
	if got, err := tb.Get(cid(1)); err != nil || got != a {
		t.Errorf("Get after Start: %v %v", got, err)
	}
	if err := tb.Reserve(cid(1)); !errors.Is(err, ErrExists) {
		t.Errorf("Reserve of a held id: %v", err)
	}

	// A failed launch frees the id and holds nothing.
	if err := tb.Reserve(cid(2)); err != nil {
		t.Fatal(err)
	}
	tb.Started(cid(2), nil, false, func(bool) bool { t.Error("add called for a failed launch"); return true })
	if _, busy := tb.Busy(cid(2)); busy {
		t.Error("a failed Start left its id busy")
	}
	if err := tb.Reserve(cid(2)); err != nil {
		t.Errorf("Reserve after a failed Start: %v", err)
	}
}

func TestTableRecovered(t *testing.T) {
	tb := NewTable[*rec]("test")
	a, b := &rec{"a"}, &rec{"b"}
	if held, ok := tb.Recovered(cid(1), a, nil); !ok || held != a {
		t.Fatalf("Recovered: %v %v", held, ok)
	}
	if held, ok := tb.Recovered(cid(1), b, nil); ok || held != a {
		t.Errorf("a second Recovered of the id: %v %v, want the first one held", held, ok)
	}
	if held, ok := tb.Recovered(cid(2), b, func(closed bool) bool { return false }); ok || held != nil {
		t.Errorf("Recovered refused by add: %v %v", held, ok)
	}
	if _, busy := tb.Busy(cid(2)); busy {
		t.Error("a refused container is held")
	}
	all := tb.All()
	if len(all) != 1 || all[0] != a {
		t.Errorf("All = %v", all)
	}
}

func TestTableRemoveAndForget(t *testing.T) {
	tb := NewTable[*rec]("test")
	a, b := &rec{"a"}, &rec{"b"}
	tb.Recovered(cid(1), a, nil)
	tb.Recovered(cid(2), b, nil)
	running := errors.New("still running")
	if _, err := tb.Remove(cid(1), func(*rec) error { return running }); !errors.Is(err, running) {
		t.Errorf("Remove refused by check: %v", err)
	}
	if got, err := tb.Remove(cid(1), func(*rec) error { return nil }); err != nil || got != a {
		t.Errorf("Remove: %v %v", got, err)
	}
	if _, err := tb.Remove(cid(1), func(*rec) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("Remove of an unknown id: %v", err)
	}
	tb.Forget(cid(2), a) // not the one held: nothing happens
	if got, _ := tb.Get(cid(2)); got != b {
		t.Error("Forget dropped another container")
	}
	tb.Forget(cid(2), b)
	if _, err := tb.Get(cid(2)); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Forget: %v", err)
	}
}

func TestTableClose(t *testing.T) {
	tb := NewTable[*rec]("test")
	if err := tb.CheckOpen(); err != nil {
		t.Fatal(err)
	}
	if err := tb.Reserve(cid(1)); err != nil {
		t.Fatal(err)
	}
	tb.Close()
	for name, err := range map[string]error{"CheckOpen": tb.CheckOpen(), "Reserve": tb.Reserve(cid(2))} {
		if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "test runtime is closed") {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	var told []bool
	tb.Started(cid(1), &rec{"a"}, true, func(closed bool) bool { told = append(told, closed); return true })
	tb.Recovered(cid(3), &rec{"c"}, func(closed bool) bool { told = append(told, closed); return true })
	if !slices.Equal(told, []bool{true, true}) {
		t.Errorf("add funcs after Close were told %v", told)
	}
}

// Concurrent Starts and Recovers of one id: exactly one of them holds it.
func TestTableOneWinner(t *testing.T) {
	tb := NewTable[*rec]("test")
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &rec{}
			won := false
			if i%2 == 0 {
				if tb.Reserve(cid(1)) == nil {
					tb.Started(cid(1), r, true, nil)
					won = true
				}
			} else {
				_, won = tb.Recovered(cid(1), r, nil)
			}
			if won {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 || len(tb.All()) != 1 {
		t.Errorf("%d winners, %d held", wins, len(tb.All()))
	}
}
