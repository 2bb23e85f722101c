package lifecycle

import (
	"errors"
	"testing"

	"github.com/goyarn/goyarn/api"
)

func TestAppLifecycle(t *testing.T) {
	cases := []struct {
		name   string
		events []AppEvent
		want   api.AppState
		bad    bool // last event must be refused
	}{
		{"happy path", []AppEvent{AppStart, AppSaved, AppAccepted, AppAttemptRegistered, AppAttemptUnregister}, api.AppFinished, false},
		{"retry then fail", []AppEvent{AppStart, AppSaved, AppAccepted, AppAttemptRegistered, AppAttemptFailed, AppFailed}, api.AppFailed, false},
		{"kill while accepted", []AppEvent{AppStart, AppSaved, AppAccepted, AppKill}, api.AppKilled, false},
		{"kill after finish refused", []AppEvent{AppStart, AppSaved, AppAccepted, AppAttemptRegistered, AppAttemptUnregister, AppKill}, api.AppFinished, true},
		{"register before accept refused", []AppEvent{AppStart, AppSaved, AppAttemptRegistered}, api.AppSubmitted, true},
		{"rejected", []AppEvent{AppStart, AppSaved, AppRejected}, api.AppFailed, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := api.AppNew
			var err error
			for _, e := range c.events {
				var next api.AppState
				next, err = App.Next(s, e)
				if err == nil {
					s = next
				}
			}
			if s != c.want {
				t.Fatalf("state = %s, want %s", s, c.want)
			}
			if c.bad != (err != nil) {
				t.Fatalf("last err = %v, want refused=%v", err, c.bad)
			}
			if c.bad && !errors.Is(err, ErrInvalidTransition) {
				t.Fatalf("err %v does not wrap ErrInvalidTransition", err)
			}
		})
	}
}

func TestTerminalStatesHaveNoExits(t *testing.T) {
	for _, s := range api.AppStates {
		if s.Terminal() && len(App.Events(s)) > 0 {
			t.Errorf("app state %s is terminal but allows %v", s, App.Events(s))
		}
	}
	for _, s := range []api.AttemptState{api.AttemptFinished, api.AttemptFailed, api.AttemptKilled} {
		if len(Attempt.Events(s)) > 0 {
			t.Errorf("attempt state %s is terminal but allows %v", s, Attempt.Events(s))
		}
	}
	for _, s := range []api.ContainerState{api.ContainerCompleted, api.ContainerReleased, api.ContainerExpired, api.ContainerKilled} {
		if len(Container.Events(s)) > 0 {
			t.Errorf("container state %s is terminal but allows %v", s, Container.Events(s))
		}
	}
}

func TestNodeLifecycle(t *testing.T) {
	steps := []struct {
		ev   NodeEvent
		want api.NodeState
	}{{NodeStarted, api.NodeRunning}, {NodeBecameSick, api.NodeUnhealthy}, {NodeBecameHealthy, api.NodeRunning}, {NodeExpire, api.NodeLost}}
	s := api.NodeNew
	for _, st := range steps {
		next, err := Node.Next(s, st.ev)
		if err != nil || next != st.want {
			t.Fatalf("%s --%s--> %s, %v; want %s", s, st.ev, next, err, st.want)
		}
		s = next
	}
	if _, err := Node.Next(api.NodeLost, NodeStarted); !errors.Is(err, ErrInvalidTransition) {
		t.Fatalf("LOST --STARTED--> allowed: %v", err)
	}
	for _, ns := range api.NodeStates {
		if !ns.Active() && len(Node.Events(ns)) > 0 {
			t.Errorf("inactive node state %s allows %v", ns, Node.Events(ns))
		}
	}
}

func TestAttemptFinishingNeedsContainerExit(t *testing.T) {
	s := api.AttemptNew
	for _, e := range []AttemptEvent{AttemptStart, AttemptScheduled, AttemptAllocated, AttemptLaunched, AttemptRegistered, AttemptUnregistered, AttemptContainerExited} {
		next, err := Attempt.Next(s, e)
		if err != nil {
			t.Fatalf("%s on %s: %v", e, s, err)
		}
		s = next
	}
	if s != api.AttemptFinished {
		t.Fatalf("state = %s", s)
	}
	// An AM container that exits without unregistering fails the attempt.
	if next, _ := Attempt.Next(api.AttemptRunning, AttemptContainerExited); next != api.AttemptFailed {
		t.Fatalf("RUNNING --AM exit--> %s, want FAILED", next)
	}
}
