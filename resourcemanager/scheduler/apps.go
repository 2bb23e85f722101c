package scheduler

import (
	"fmt"
	"slices"
	"time"

	"github.com/goyarn/goyarn/api"
)

// AppSpec describes an application as it is admitted to a queue.
type AppSpec struct {
	ID         api.ApplicationID
	Queue      string // leaf short name or full path; "" means "default"
	User       string
	Priority   int32 // higher is served first
	SubmitTime time.Time
}

// app is an application's scheduling state.
type app struct {
	id       api.ApplicationID
	queue    *queue
	user     string
	priority int32
	submit   time.Time

	am        api.Resource // outstanding AM demand (normalized); zero: none
	amRunning int          // AM containers accounted
	used      api.Resource
	asks      []ask // by priority, lower number first
	pending   int   // containers outstanding in asks
	removed   bool  // RemoveApp'd; kept only while containers are accounted
}

// ask is YARN's ResourceRequest without locality: count containers of res.
type ask struct {
	priority int32
	res      api.Resource
	count    int
	failed   uint64 // Schedule pass in which it could not be placed
}

func (a *app) demanding() bool { return !a.am.IsZero() || a.pending > 0 }

// appBefore is FIFO order in a leaf: higher priority, earlier submit, lower id.
func appBefore(a, b *app) bool {
	if a.priority != b.priority {
		return a.priority > b.priority
	}
	if !a.submit.Equal(b.submit) {
		return a.submit.Before(b.submit)
	}
	if a.id.ClusterTimestamp != b.id.ClusterTimestamp {
		return a.id.ClusterTimestamp < b.id.ClusterTimestamp
	}
	return a.id.Seq < b.id.Seq
}

// AddApp admits an app to a running leaf queue.
func (s *Scheduler) AddApp(spec AppSpec) error {
	if spec.ID.IsZero() {
		return fmt.Errorf("%w: empty application id", ErrUnknownApp)
	}
	if _, ok := s.apps[spec.ID]; ok {
		return fmt.Errorf("%w: application %s", ErrDuplicate, spec.ID)
	}
	q, err := s.leafQueue(spec.Queue)
	if err != nil {
		return err
	}
	a := &app{id: spec.ID, queue: q, user: spec.User, priority: spec.Priority, submit: spec.SubmitTime}
	i, _ := slices.BinarySearchFunc(q.apps, a, func(x, t *app) int {
		if appBefore(x, t) {
			return -1
		}
		return 1
	})
	q.apps = slices.Insert(q.apps, i, a)
	s.apps[spec.ID] = a
	return nil
}

// RemoveApp stops scheduling an app and drops its demand. Resources its
// containers hold stay accounted until each container is Released.
func (s *Scheduler) RemoveApp(id api.ApplicationID) {
	a, ok := s.apps[id]
	if !ok || a.removed {
		return
	}
	s.update(a, func() { a.am, a.asks, a.pending = api.Resource{}, nil, 0 })
	q := a.queue
	if i := slices.Index(q.apps, a); i >= 0 {
		q.apps = slices.Delete(q.apps, i, i+1)
	}
	a.removed = true
	if a.used.IsZero() && a.amRunning == 0 {
		delete(s.apps, id)
	}
}

// liveApp returns a known, not removed app.
func (s *Scheduler) liveApp(id api.ApplicationID) (*app, error) {
	a, ok := s.apps[id]
	if !ok || a.removed {
		return nil, fmt.Errorf("%w: %s", ErrUnknownApp, id)
	}
	return a, nil
}

// update runs change on a and keeps its leaf's demand counters right.
func (s *Scheduler) update(a *app, change func()) {
	q := a.queue
	wasDemanding, wasPending := a.demanding(), !a.am.IsZero()
	change()
	q.demanding += b2i(a.demanding()) - b2i(wasDemanding)
	q.pendingApps += b2i(!a.am.IsZero()) - b2i(wasPending)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SetAMDemand records that the app needs an AM container of r (normalized);
// the zero resource clears the demand. While the demand is outstanding the
// app is pending and its executor asks are not served.
func (s *Scheduler) SetAMDemand(id api.ApplicationID, r api.Resource) error {
	a, err := s.liveApp(id)
	if err != nil {
		return err
	}
	if !r.IsZero() {
		if r, err = s.Normalize(r); err != nil {
			return err
		}
	}
	s.update(a, func() { a.am = r })
	return nil
}

// SetAsk sets the number of containers of r (normalized) the app wants at a
// request priority, replacing the previous count for that (priority,
// resource); 0 removes the ask. Lower priority numbers are served first.
func (s *Scheduler) SetAsk(id api.ApplicationID, priority int32, r api.Resource, count int) error {
	a, err := s.liveApp(id)
	if err != nil {
		return err
	}
	if count < 0 {
		return fmt.Errorf("%w: negative container count %d", ErrInvalidResource, count)
	}
	if r, err = s.Normalize(r); err != nil {
		return err
	}
	s.update(a, func() { a.setAsk(priority, r, count) })
	return nil
}

func (a *app) setAsk(priority int32, r api.Resource, count int) {
	for i := range a.asks {
		k := &a.asks[i]
		if k.priority == priority && k.res == r {
			a.pending += count - k.count
			if count == 0 {
				a.asks = slices.Delete(a.asks, i, i+1)
			} else {
				k.count = count
			}
			return
		}
	}
	if count == 0 {
		return
	}
	i := 0
	for i < len(a.asks) && a.asks[i].priority <= priority {
		i++
	}
	a.asks = slices.Insert(a.asks, i, ask{priority: priority, res: r, count: count})
	a.pending += count
}

// AppUsage returns what an app's containers use, and how many containers
// (its AM included) and how much resource it still waits for. Zeros for
// unknown apps.
func (s *Scheduler) AppUsage(id api.ApplicationID) (used api.Resource, pendingContainers int, pending api.Resource) {
	a, ok := s.apps[id]
	if !ok {
		return api.Resource{}, 0, api.Resource{}
	}
	if !a.am.IsZero() {
		pendingContainers, pending = 1, a.am
	}
	for _, k := range a.asks {
		pendingContainers += k.count
		pending = pending.Add(k.res.Mul(int64(k.count)))
	}
	return a.used, pendingContainers, pending
}
