package eventq

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/goyarn/goyarn/resourcemanager/ha"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOrderWithoutBlocking(t *testing.T) {
	q := New()
	for i := int64(1); i <= 100; i++ { // nobody reads yet: Push must not block
		q.Push(ha.Event{Kind: ha.Elected, Term: i})
	}
	for i := int64(1); i <= 100; i++ {
		if ev := <-q.C(); ev.Term != i {
			t.Fatalf("event %d arrived as %d", i, ev.Term)
		}
	}
	q.Push(ha.Event{Term: 101})
	q.Close()
	q.Push(ha.Event{Term: 102}) // dropped, no panic
	for ev := range q.C() {     // closed; at most the one undelivered event
		if ev.Term != 101 {
			t.Fatalf("after Close got term %d", ev.Term)
		}
	}
	q.Close() // idempotent
}
