package scheduler

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/goyarn/goyarn/api"
)

func TestDefaultConfigIsValid(t *testing.T) {
	mustNil(t, DefaultConfig().Validate())
	s := mustNew(t, DefaultConfig())
	p, err := s.ResolveQueue("default")
	mustNil(t, err)
	if p != "root.default" {
		t.Fatalf("default resolves to %q", p)
	}
}

func TestValidate(t *testing.T) {
	q := func(name string, c float64, kids ...QueueConfig) QueueConfig {
		return QueueConfig{Name: name, Capacity: c, Queues: kids}
	}
	cases := []struct {
		name string
		cfg  func() Config
		want []string // substrings, each must appear
	}{
		{"children sum", func() Config { return tree(q("a", 100, q("x", 40), q("y", 50))) },
			[]string{"root.a: capacities of children sum to 90, want 100"}},
		{"root sum", func() Config { return tree(q("a", 30), q("b", 30)) },
			[]string{"root: capacities of children sum to 60, want 100"}},
		{"max below capacity", func() Config { return tree(QueueConfig{Name: "a", Capacity: 100, MaxCapacity: 50}) },
			[]string{"root.a: maximum-capacity 50 is below capacity 100"}},
		{"capacity range", func() Config { return tree(q("a", 120), q("b", -20)) },
			[]string{"root.a: capacity must be in [0, 100], got 120", "root.b: capacity must be in [0, 100], got -20"}},
		{"duplicate names", func() Config { return tree(q("a", 50, q("x", 100)), q("b", 50, q("x", 100))) },
			[]string{`root.b.x: queue name "x" is already used by root.a.x`}},
		{"dotted and empty names", func() Config { return tree(q("a.b", 50), q("", 50)) },
			[]string{`root.a.b: queue name "a.b" must not contain dots`, "root.<unnamed>: queue name must not be empty"}},
		{"bad state and am percent", func() Config {
			return tree(QueueConfig{Name: "a", Capacity: 100, State: "PAUSED", MaxAMResourcePercent: 2})
		}, []string{`root.a: state must be RUNNING or STOPPED, got "PAUSED"`, "root.a: maximum-am-resource-percent must be in [0, 1]"}},
		{"no children", func() Config { return tree() }, []string{"root: must have at least one child queue"}},
		{"root name", func() Config { c := DefaultConfig(); c.Root.Name = "top"; return c }, []string{`root queue must be named "root"`}},
		{"allocations", func() Config {
			c := DefaultConfig()
			c.MinimumAllocation = api.Res(0, 1)
			c.MaximumAllocation = api.Res(512, 0)
			c.MaxAMResourcePercent = 0
			return c
		}, []string{"minimum-allocation: must be positive", "maximum-allocation: must be positive", "maximum-am-resource-percent: must be in (0, 1]"}},
		{"max below min", func() Config { c := DefaultConfig(); c.MaximumAllocation = api.Res(512, 4); return c },
			[]string{"maximum-allocation: <memory:512, vCores:4> is below minimum-allocation"}},
		{"every problem at once", func() Config {
			c := tree(q("a", 50, q("x", 10)), QueueConfig{Name: "b", Capacity: 20, MaxCapacity: 10})
			c.MaxAMResourcePercent = 3
			return c
		}, []string{"maximum-am-resource-percent: must be in (0, 1]", "root.a: capacities of children sum to 10",
			"root.b: maximum-capacity 10 is below capacity 20", "root: capacities of children sum to 70"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg().Validate()
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
			if _, err := New(tc.cfg()); !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("New accepted an invalid config: %v", err)
			}
		})
	}
}

const twoLevel = `
minimum-allocation: {memory: 512}
maximum-allocation: {memory: 16384, vCores: 16}
maximum-am-resource-percent: 0.2
root:
  queues:
    - name: prod
      capacity: 70
      maximum-capacity: 100
      queues:
        - {name: etl, capacity: 60}
        - {name: adhoc, capacity: 40, maximum-am-resource-percent: 0.5, state: STOPPED}
    - name: dev
      capacity: 30
      maximum-capacity: 50
`

func TestYAMLTwoLevel(t *testing.T) {
	c := DefaultConfig()
	mustNil(t, yaml.Unmarshal([]byte(twoLevel), &c))
	mustNil(t, c.Validate())
	if c.MinimumAllocation != api.Res(512, 1) {
		t.Errorf("minimum-allocation %v: an absent vCores must keep the default", c.MinimumAllocation)
	}
	if c.MaximumAllocation != api.Res(16384, 16) || c.MaxAMResourcePercent != 0.2 {
		t.Errorf("got %v, %g", c.MaximumAllocation, c.MaxAMResourcePercent)
	}
	want := QueueConfig{Queues: []QueueConfig{
		{Name: "prod", Capacity: 70, MaxCapacity: 100, Queues: []QueueConfig{
			{Name: "etl", Capacity: 60},
			{Name: "adhoc", Capacity: 40, MaxAMResourcePercent: 0.5, State: "STOPPED"},
		}},
		{Name: "dev", Capacity: 30, MaxCapacity: 50},
	}}
	if got, _ := yaml.Marshal(c.Root); string(got) != string(must(yaml.Marshal(want))) {
		t.Errorf("root decoded as\n%s\nwant\n%s", got, must(yaml.Marshal(want)))
	}

	s := mustNew(t, c)
	mustNil(t, s.AddNode(nodeID(0), api.Res(10000, 10)))
	for _, tc := range []struct {
		path       string
		abs, absMx float64
		am         float64
		state      string
	}{
		{"root.prod.etl", 42, 100, 0.2, StateRunning},
		{"root.prod.adhoc", 28, 100, 0.5, StateStopped},
		{"root.dev", 30, 50, 0.2, StateRunning},
	} {
		qi := queueInfo(t, s, tc.path)
		if !near(qi.AbsoluteCapacity, tc.abs) || !near(qi.AbsoluteMaxCapacity, tc.absMx) || qi.MaxAMResourcePercent != tc.am || qi.State != tc.state {
			t.Errorf("%s: %+v", tc.path, qi)
		}
	}
	if _, err := s.ResolveQueue("adhoc"); !errors.Is(err, ErrQueueStopped) {
		t.Errorf("adhoc: %v", err)
	}

	// Round trip.
	out, err := yaml.Marshal(c)
	mustNil(t, err)
	var back Config
	mustNil(t, yaml.Unmarshal(out, &back))
	if string(must(yaml.Marshal(back))) != string(out) {
		t.Errorf("round trip changed the config:\n%s", out)
	}
}

func TestYAMLUnknownKey(t *testing.T) {
	for _, doc := range []string{
		"maximum-am-resource-percnt: 0.2\n",
		"minimum-allocation: {mem: 512}\n",
		"root: {queues: [{name: a, capacty: 100}]}\n",
	} {
		c := DefaultConfig()
		if err := yaml.Unmarshal([]byte(doc), &c); !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), "unknown key") {
			t.Errorf("%q: err = %v", doc, err)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
