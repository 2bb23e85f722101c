package zkelect

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/resourcemanager/ha"
	"github.com/goyarn/goyarn/resourcemanager/ha/zkconn"
)

// watch is one outstanding ZooKeeper watch the loop waits on.
type watch struct {
	path string
	ch   <-chan zk.Event
}

// run is the campaign loop: look at the candidates, act, wait for a watch,
// a session change, or (after an error) a short back-off.
func (e *Elector) run() {
	defer close(e.runDone)
	var pred, lead watch // predecessor (or own node while leading); the leader's node
	backoff := 50 * time.Millisecond
	for {
		err := e.step(&pred, &lead)
		var retry *time.Timer
		switch {
		case err == nil:
			backoff = 50 * time.Millisecond
		case errors.Is(err, errAgain):
			e.wake()
		default:
			select {
			case <-e.stop:
				return
			default:
			}
			if zkconn.Transient(err) {
				e.log.Info("campaign step interrupted; retrying", zap.Error(err), zap.Duration("backoff", backoff))
			} else {
				e.log.Error("campaign step failed; retrying", zap.Error(err), zap.Duration("backoff", backoff))
			}
			retry = time.NewTimer(backoff)
			backoff = min(2*backoff, 2*time.Second)
		}
		var retryC <-chan time.Time
		if retry != nil {
			retryC = retry.C
		}
		select {
		case <-e.stop:
		case <-e.kick:
		case <-pred.ch:
			pred = watch{}
		case <-lead.ch:
			lead = watch{}
		case <-retryC:
		}
		if retry != nil {
			retry.Stop()
		}
		select {
		case <-e.stop:
			return
		default:
		}
	}
}

// errAgain asks the loop to look again at once.
var errAgain = errors.New("look again")

type candidate struct {
	name string
	seq  int64
}

// step looks at the election once and acts: authenticate, create our node,
// delete abandoned ones, lead if lowest, else watch the predecessor.
func (e *Elector) step(pred, lead *watch) error {
	e.mu.Lock()
	gen, has, authed, ensured := e.gen, e.hasSession, e.authed, e.ensured
	e.mu.Unlock()
	if !has {
		return nil // the next session event wakes us
	}
	if !authed { // once: the client re-sends credentials itself
		if err := e.conn.Authenticate(); err != nil {
			return err
		}
		e.mu.Lock()
		e.authed = true
		e.mu.Unlock()
	}
	if !ensured {
		if err := e.conn.EnsurePath(e.cfg.ElectionPath()); err != nil {
			if errors.Is(err, zk.ErrNoAuth) {
				return fmt.Errorf("%w: %v", zkconn.ErrNotAuthorized, err)
			}
			return err
		}
		e.mu.Lock()
		e.ensured = true
		e.mu.Unlock()
	}
	names, _, err := e.conn.Children(e.cfg.ElectionPath())
	if errors.Is(err, zk.ErrNoNode) { // someone removed the election node
		e.mu.Lock()
		e.ensured = false
		e.mu.Unlock()
		return errAgain
	}
	if err != nil {
		return err
	}
	all := parse(names)
	var live []candidate // every candidate but our abandoned nodes
	var mine *candidate
	for i, c := range all {
		if !strings.HasPrefix(c.name, e.prefix) {
			live = append(live, c)
			continue
		}
		path := e.cfg.ElectionPath() + "/" + c.name
		e.mu.Lock()
		abandoned := e.abandoned[path]
		if !abandoned && mine != nil { // a duplicate from a retried create
			e.abandoned[path], abandoned = true, true
		}
		e.mu.Unlock()
		if abandoned {
			if err := e.deleteAbandoned(path); err != nil {
				return err
			}
			continue
		}
		mine = &all[i]
		live = append(live, c)
	}
	if mine == nil {
		e.mu.Lock()
		e.deposeLocked("candidate node vanished")
		e.mu.Unlock()
		_, err := e.conn.Create(e.cfg.ElectionPath()+"/"+e.prefix, e.data, zk.FlagEphemeral|zk.FlagSequence, e.acl)
		if err != nil && !errors.Is(err, zk.ErrConnectionClosed) {
			return fmt.Errorf("creating the candidate node: %w", err)
		}
		return errAgain // list again: find the node (even after a lost reply)
	}
	me := e.cfg.ElectionPath() + "/" + mine.name
	idx := indexOf(live, mine.name)
	if idx == 0 {
		e.tryElect(gen, me)
		// Watch our own node: if it vanishes, leadership is over.
		*lead = watch{}
		return e.watchExists(pred, me)
	}
	e.mu.Lock()
	e.deposeLocked("not the lowest candidate") // cannot happen; be safe
	e.mu.Unlock()
	if err := e.watchExists(pred, e.cfg.ElectionPath()+"/"+live[idx-1].name); err != nil {
		return err
	}
	return e.readLeader(lead, e.cfg.ElectionPath()+"/"+live[0].name, idx == 1)
}

// watchExists keeps an exists-watch on path in w (reusing one already set)
// and reports errAgain when path is gone.
func (e *Elector) watchExists(w *watch, path string) error {
	if w.path == path && w.ch != nil {
		return nil // still armed: it fires when path changes
	}
	ok, _, ch, err := e.conn.ExistsW(path)
	if err != nil {
		return err
	}
	*w = watch{path: path, ch: ch}
	if !ok {
		return errAgain
	}
	return nil
}

// readLeader records who leads from the lowest node's data; it watches that
// node unless the predecessor watch already covers it.
func (e *Elector) readLeader(w *watch, path string, covered bool) error {
	var (
		data []byte
		err  error
		ch   <-chan zk.Event
	)
	if covered || (w.path == path && w.ch != nil) {
		data, _, err = e.conn.Get(path)
		if covered {
			*w = watch{}
		}
	} else {
		data, _, ch, err = e.conn.GetW(path)
		if err == nil {
			*w = watch{path: path, ch: ch}
		}
	}
	if errors.Is(err, zk.ErrNoNode) {
		return errAgain
	}
	if err != nil {
		return err
	}
	var c ha.Candidate
	if err := json.Unmarshal(data, &c); err != nil {
		e.log.Warn("unreadable candidate node", zap.String("node", path), zap.Error(err))
		return nil
	}
	e.mu.Lock()
	if !e.leading {
		e.leader = &c
	}
	e.mu.Unlock()
	return nil
}

// deleteAbandoned deletes one of our nodes we gave up. The node stays in
// e.abandoned (names are never reused; the set is cleared with the session)
// so that a listing taken before the deletion cannot elect us on it.
func (e *Elector) deleteAbandoned(path string) error {
	err := e.conn.Delete(path, -1)
	if err != nil && !errors.Is(err, zk.ErrNoNode) {
		return fmt.Errorf("deleting %s: %w", path, err)
	}
	return nil
}

// parse sorts candidate node names by their sequence suffix, skipping names
// that carry none.
func parse(names []string) []candidate {
	out := make([]candidate, 0, len(names))
	for _, n := range names {
		if len(n) < 10 {
			continue
		}
		seq, err := strconv.ParseInt(n[len(n)-10:], 10, 64)
		if err != nil {
			continue
		}
		out = append(out, candidate{name: n, seq: seq})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

func indexOf(cs []candidate, name string) int {
	for i, c := range cs {
		if c.name == name {
			return i
		}
	}
	return -1
}
