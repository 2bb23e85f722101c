package scheduler

import (
	"errors"
	"testing"

	"github.com/goyarn/goyarn/api"
)

func TestNormalize(t *testing.T) {
	s := mustNew(t, DefaultConfig())
	cases := []struct {
		in   api.Resource
		want api.Resource
		err  error
	}{
		{api.Res(1, 1), api.Res(1024, 1), nil},
		{api.Res(1024, 1), api.Res(1024, 1), nil},
		{api.Res(1025, 2), api.Res(2048, 2), nil},
		{api.Res(1408, 0), api.Res(2048, 1), nil}, // 0 vcores means the minimum
		{api.Res(8192, 32), api.Res(8192, 32), nil},
		{api.Res(8193, 1), api.Resource{}, ErrExceedsMaximum},
		{api.Res(1024, 33), api.Resource{}, ErrExceedsMaximum},
		{api.Res(1<<62, 1), api.Resource{}, ErrExceedsMaximum},
		{api.Res(0, 1), api.Resource{}, ErrInvalidResource},
		{api.Res(-1024, 1), api.Resource{}, ErrInvalidResource},
		{api.Res(1024, -1), api.Resource{}, ErrInvalidResource},
	}
	for _, tc := range cases {
		got, err := s.Normalize(tc.in)
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("Normalize(%v) = %v, %v; want %v, %v", tc.in, got, err, tc.want, tc.err)
		}
	}

	// A maximum that is not a multiple of the step caps the rounding.
	c := DefaultConfig()
	c.MaximumAllocation = api.Res(8000, 4)
	s = mustNew(t, c)
	if got, err := s.Normalize(api.Res(7900, 1)); err != nil || got != api.Res(8000, 1) {
		t.Errorf("capped rounding: %v, %v", got, err)
	}
}

func TestResolveQueueAndAddApp(t *testing.T) {
	c := tree(
		QueueConfig{Name: "a", Capacity: 50, Queues: []QueueConfig{{Name: "a1", Capacity: 100}}},
		QueueConfig{Name: "b", Capacity: 30, State: "STOPPED", Queues: []QueueConfig{{Name: "b1", Capacity: 100}}},
		QueueConfig{Name: "default", Capacity: 10},
		QueueConfig{Name: "off", Capacity: 10, State: "stopped"},
	)
	s := mustNew(t, c)
	cases := []struct {
		name, want string
		err        error
	}{
		{"a1", "root.a.a1", nil},
		{"root.a.a1", "root.a.a1", nil},
		{"", "root.default", nil},
		{"default", "root.default", nil},
		{"a", "", ErrNotLeafQueue},
		{"root", "", ErrNotLeafQueue},
		{"nope", "", ErrUnknownQueue},
		{"root.a1", "", ErrUnknownQueue},
		{"off", "", ErrQueueStopped},
		{"b1", "", ErrQueueStopped}, // parent stopped
	}
	for i, tc := range cases {
		got, err := s.ResolveQueue(tc.name)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("ResolveQueue(%q) = %q, %v; want %q, %v", tc.name, got, err, tc.want, tc.err)
		}
		err = s.AddApp(AppSpec{ID: appID(i + 1), Queue: tc.name})
		if !errors.Is(err, tc.err) {
			t.Errorf("AddApp(queue %q) = %v, want %v", tc.name, err, tc.err)
		}
	}
	wantErr(t, s.AddApp(AppSpec{ID: appID(1), Queue: "a1"}), ErrDuplicate)
	wantErr(t, s.AddApp(AppSpec{Queue: "a1"}), ErrUnknownApp)
	wantErr(t, s.SetAsk(appID(99), 1, api.Res(1024, 1), 1), ErrUnknownApp)
	wantErr(t, s.SetAMDemand(appID(99), api.Res(1024, 1)), ErrUnknownApp)
	wantErr(t, s.SetAsk(appID(1), 1, api.Res(9000, 1), 1), ErrExceedsMaximum)
	wantErr(t, s.SetAsk(appID(1), 1, api.Res(0, 1), 1), ErrInvalidResource)
	wantErr(t, s.SetAsk(appID(1), 1, api.Res(1024, 1), -1), ErrInvalidResource)
	wantErr(t, s.SetAMDemand(appID(1), api.Res(1024, 64)), ErrExceedsMaximum)
}

func TestNodeErrors(t *testing.T) {
	s := mustNew(t, DefaultConfig())
	mustNil(t, s.AddNode(nodeID(1), api.Res(4096, 4)))
	wantErr(t, s.AddNode(nodeID(1), api.Res(4096, 4)), ErrDuplicate)
	wantErr(t, s.AddNode(api.NodeID{}, api.Res(4096, 4)), ErrUnknownNode)
	wantErr(t, s.AddNode(nodeID(2), api.Res(-1, 4)), ErrInvalidResource)
	wantErr(t, s.UpdateNode(nodeID(2), api.Res(1, 4)), ErrUnknownNode)
	wantErr(t, s.UpdateNode(nodeID(1), api.Res(1, -4)), ErrInvalidResource)
	s.RemoveNode(nodeID(7))            // unknown: no-op
	s.SetSchedulable(nodeID(7), false) // unknown: no-op
	if total, used := s.Cluster(); total != api.Res(4096, 4) || !used.IsZero() {
		t.Fatalf("cluster %v %v", total, used)
	}
}
