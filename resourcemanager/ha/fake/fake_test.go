package fake

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goyarn/goyarn/resourcemanager/ha"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func next(t *testing.T, f *Elector) ha.Event {
	t.Helper()
	select {
	case ev := <-f.Events():
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event")
		return ha.Event{}
	}
}

func TestDrivenByHand(t *testing.T) {
	self := ha.Candidate{HAID: "rm1", WebAddress: "127.0.0.1:8088"}
	other := ha.Candidate{HAID: "rm2", WebAddress: "127.0.0.1:8089"}
	f := New(self, nil)
	defer f.Close()
	if f.IsLeader() || f.ConnState() != ha.Connected {
		t.Fatal("a new fake leads or is not connected")
	}
	if _, ok := f.Leader(); ok {
		t.Fatal("a new fake knows a leader")
	}

	f.Elect()
	f.Elect() // no second Elected
	ev := next(t, f)
	if ev.Kind != ha.Elected || ev.Term != 1 || !f.IsLeader() {
		t.Fatalf("got %+v", ev)
	}
	if l, ok := f.Leader(); !ok || l != self {
		t.Fatalf("leader %+v %v", l, ok)
	}

	f.SetLeader(other, true) // another RM took over
	select {
	case <-ev.Done:
	default:
		t.Fatal("Done still open after deposition")
	}
	if d := next(t, f); d.Kind != ha.Deposed || d.Term != 1 {
		t.Fatalf("got %+v", d)
	}
	if l, _ := f.Leader(); l != other {
		t.Fatalf("leader %+v", l)
	}

	f.Elect()
	ev = next(t, f)
	if err := f.Resign(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d := next(t, f); d.Kind != ha.Deposed || d.Reason != "resigned" || d.Term != ev.Term || f.Resigns() != 1 {
		t.Fatalf("got %+v, %d resigns", d, f.Resigns())
	}

	f.SetConnState(ha.Disconnected)
	if f.ConnState() != ha.Disconnected {
		t.Fatal("conn state not set")
	}
	f.Elect()
	ev = next(t, f)
	f.Close()
	<-ev.Done
	if !f.Closed() || f.IsLeader() || f.ConnState() != ha.Closed {
		t.Fatal("Close left the fake leading or open")
	}
	if _, ok := <-f.Events(); ok {
		t.Fatal("events channel open after Close")
	}
}
