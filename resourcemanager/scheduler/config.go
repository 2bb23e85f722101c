package scheduler

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/goyarn/goyarn/api"
)

// Queue states.
const (
	StateRunning = "RUNNING"
	StateStopped = "STOPPED"
)

// QueueConfig configures one queue and, recursively, its children.
type QueueConfig struct {
	Name string `yaml:"name"`
	// Capacity is the guaranteed share, percent of the parent (0..100).
	// Siblings must sum to 100. Ignored for root.
	Capacity float64 `yaml:"capacity"`
	// MaxCapacity is the elastic ceiling, percent of the parent
	// (capacity..100); 0 means 100.
	MaxCapacity float64 `yaml:"maximum-capacity,omitempty"`
	// MaxAMResourcePercent is the fraction (0..1) of the queue's guaranteed
	// memory its AM containers may hold; 0 inherits from the parent (root
	// inherits Config.MaxAMResourcePercent).
	MaxAMResourcePercent float64 `yaml:"maximum-am-resource-percent,omitempty"`
	// State is RUNNING (also when empty) or STOPPED.
	State  string        `yaml:"state,omitempty"`
	Queues []QueueConfig `yaml:"queues,omitempty"`
}

// Config configures the scheduler.
type Config struct {
	MinimumAllocation    api.Resource // yaml: minimum-allocation {memory, vCores}
	MaximumAllocation    api.Resource // yaml: maximum-allocation {memory, vCores}
	MaxAMResourcePercent float64      // yaml: maximum-am-resource-percent; in (0, 1]
	Root                 QueueConfig  // yaml: root
}

// DefaultConfig is YARN's default: 1024 MB/1 vcore minimum, 8192 MB/32 vcores
// maximum, AMs up to 10% of a queue, and root with one leaf "default" at 100%.
func DefaultConfig() Config {
	return Config{
		MinimumAllocation:    api.Res(1024, 1),
		MaximumAllocation:    api.Res(8192, 32),
		MaxAMResourcePercent: 0.1,
		Root: QueueConfig{
			Name:   "root",
			Queues: []QueueConfig{{Name: "default", Capacity: 100}},
		},
	}
}

// capacityEpsilon absorbs float error when summing percentages.
const capacityEpsilon = 1e-6

// Validate reports every problem in c at once (errors.Join), each prefixed
// with the queue path it concerns; the result wraps ErrInvalidConfig.
func (c Config) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !c.MinimumAllocation.Positive() {
		add("minimum-allocation: must be positive, got %v", c.MinimumAllocation)
	}
	if !c.MaximumAllocation.Positive() {
		add("maximum-allocation: must be positive, got %v", c.MaximumAllocation)
	} else if !c.MinimumAllocation.Fits(c.MaximumAllocation) {
		add("maximum-allocation: %v is below minimum-allocation %v", c.MaximumAllocation, c.MinimumAllocation)
	}
	if !(c.MaxAMResourcePercent > 0 && c.MaxAMResourcePercent <= 1) {
		add("maximum-am-resource-percent: must be in (0, 1], got %g", c.MaxAMResourcePercent)
	}
	root := c.Root
	if root.Name != "" && root.Name != "root" {
		add("root: the root queue must be named %q, got %q", "root", root.Name)
	}
	if root.Capacity != 0 && root.Capacity != 100 {
		add("root: capacity must be 100 (or unset), got %g", root.Capacity)
	}
	if root.MaxCapacity != 0 && root.MaxCapacity != 100 {
		add("root: maximum-capacity must be 100 (or unset), got %g", root.MaxCapacity)
	}
	if len(root.Queues) == 0 {
		add("root: must have at least one child queue")
	}
	validateQueueCommon("root", root, add)
	seen := map[string]string{"root": "root"}
	validateChildren("root", root.Queues, seen, add)
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalidConfig, errors.Join(errs...))
}

func validateQueueCommon(path string, q QueueConfig, add func(string, ...any)) {
	if p := q.MaxAMResourcePercent; !(p >= 0 && p <= 1) {
		add("%s: maximum-am-resource-percent must be in [0, 1] (0 inherits), got %g", path, p)
	}
	switch strings.ToUpper(q.State) {
	case "", StateRunning, StateStopped:
	default:
		add("%s: state must be %s or %s, got %q", path, StateRunning, StateStopped, q.State)
	}
}

func validateChildren(parent string, children []QueueConfig, seen map[string]string, add func(string, ...any)) {
	if len(children) == 0 {
		return
	}
	sum := 0.0
	for _, q := range children {
		path := parent + "." + q.Name
		switch {
		case q.Name == "":
			path = parent + ".<unnamed>"
			add("%s: queue name must not be empty", path)
		case strings.ContainsAny(q.Name, ". \t\n"):
			add("%s: queue name %q must not contain dots or spaces", path, q.Name)
		case seen[q.Name] != "":
			add("%s: queue name %q is already used by %s (names must be unique)", path, q.Name, seen[q.Name])
		default:
			seen[q.Name] = path
		}
		if !(q.Capacity >= 0 && q.Capacity <= 100) {
			add("%s: capacity must be in [0, 100], got %g", path, q.Capacity)
		}
		if q.MaxCapacity != 0 {
			if !(q.MaxCapacity > 0 && q.MaxCapacity <= 100) {
				add("%s: maximum-capacity must be in (0, 100], got %g", path, q.MaxCapacity)
			} else if q.MaxCapacity < q.Capacity {
				add("%s: maximum-capacity %g is below capacity %g", path, q.MaxCapacity, q.Capacity)
			}
		}
		validateQueueCommon(path, q, add)
		sum += q.Capacity
		validateChildren(path, q.Queues, seen, add)
	}
	if math.Abs(sum-100) > capacityEpsilon {
		add("%s: capacities of children sum to %g, want 100", parent, sum)
	}
}
