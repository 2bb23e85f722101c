package resourcemanager

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/core"
	"github.com/goyarn/goyarn/resourcemanager/ha"
	"github.com/goyarn/goyarn/resourcemanager/ha/zkconn"
	"github.com/goyarn/goyarn/resourcemanager/ha/zkelect"
	"github.com/goyarn/goyarn/resourcemanager/scheduler"
	"github.com/goyarn/goyarn/resourcemanager/store"
	fsstore "github.com/goyarn/goyarn/resourcemanager/store/fs"
	"github.com/goyarn/goyarn/resourcemanager/store/mem"
	zkstore "github.com/goyarn/goyarn/resourcemanager/store/zk"
)

// activationTimeout bounds loading the store when becoming active.
const activationTimeout = time.Minute

func zkConfig(cfg Config) zkconn.Config {
	return zkconn.Config{Servers: cfg.ZKAddress, SessionTimeout: cfg.ZKSessionTimeout, ClusterID: cfg.ClusterID}
}

func openStore(cfg Config, secret security.Secret, log *zap.Logger) (store.Store, error) {
	switch cfg.Recovery {
	case "filesystem":
		return fsstore.Open(cfg.StateDir, log)
	case "zookeeper":
		zc := zkstore.DefaultConfig()
		zc.Config = zkConfig(cfg)
		ctx, cancel := context.WithTimeout(context.Background(), activationTimeout)
		defer cancel()
		return zkstore.Open(ctx, zc, secret, log)
	}
	return mem.New(), nil
}

func newElector(cfg Config, secret security.Secret, web, rpc string, log *zap.Logger) (ha.Elector, error) {
	ec := zkelect.DefaultConfig()
	ec.Config = zkConfig(cfg)
	ec.Self = ha.Candidate{HAID: cfg.HAID, WebAddress: web, RPCAddress: rpc}
	return zkelect.New(ec, secret, log)
}

// campaign follows the election: active while elected, standby otherwise.
func (s *Server) campaign() {
	defer s.wg.Done()
	for ev := range s.elector.Events() {
		switch ev.Kind {
		case ha.Elected:
			s.log.Info("elected: becoming active", zap.Int64("term", ev.Term))
			if err := s.becomeActive(); err != nil {
				s.log.Error("could not become active: resigning", zap.Error(err))
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_ = s.elector.Resign(ctx)
				cancel()
				continue
			}
			id := s.currentTerm()
			go func(done <-chan struct{}) { // leadership ends the moment Done closes
				<-done
				s.becomeStandby(id, "leadership ended")
			}(ev.Done)
		case ha.Deposed:
			s.becomeStandby(0, ev.Reason)
		}
	}
}

func (s *Server) currentTerm() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.term == nil {
		return 0
	}
	return s.term.id
}

// becomeActive starts a term: the epoch is bumped (fencing every earlier
// active's writes), the store loaded into a fresh core, and the core
// serves; new containers wait for the recovery grace period.
func (s *Server) becomeActive() error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), activationTimeout)
	defer cancel()
	// As in YARN, without recovery the epoch stays 0 (container ids carry
	// no e<epoch> part); a durable store's epoch grows with every term.
	var epoch int64
	if s.cfg.Recovery != "memory" {
		var err error
		if epoch, err = s.store.BumpEpoch(ctx); err != nil {
			return fmt.Errorf("bumping the epoch: %w", err)
		}
	}
	st, err := s.store.Load(ctx)
	if err != nil {
		return fmt.Errorf("loading the state store: %w", err)
	}
	sched, err := scheduler.New(s.cfg.Scheduler)
	if err != nil {
		return err
	}
	s.mu.Lock()
	ts := max(time.Now().UnixMilli(), s.lastTS+1) // application ids of this term
	s.lastTS = ts
	s.mu.Unlock()
	ccfg := core.Config{
		ClusterTimestamp: ts, Epoch: epoch, HeartbeatInterval: s.cfg.HeartbeatInterval, NodeExpiry: s.cfg.NMExpiry,
		AMExpiry: s.cfg.AMExpiry, AllocationExpiry: s.cfg.AllocationExpiry, MaxAttempts: int32(s.cfg.AMMaxAttempts),
		MaxCompletedApps: s.cfg.MaxCompletedApps, StagingDir: s.cfg.StagingDir,
		LogAggregation: s.cfg.RemoteAppLogDir != "", LogAggregationTimeout: core.DefaultConfig().LogAggregationTimeout,
		RMRPCAddresses: orSelf(s.cfg.RMRPCAddresses, s.rpcAddr), RMWebAddresses: orSelf(s.cfg.RMWebAddresses, s.webAddr),
	}
	cr, err := core.New(ccfg, core.Deps{Scheduler: sched, Store: s.store, Launcher: s.launcher, Secret: s.secret,
		Logger: s.log, OnStoreError: s.storeFailed, Observer: s.metrics, OnAppFinished: s.cleaner.Finished})
	if err != nil {
		return err
	}
	grace := s.cfg.RecoveryGrace
	if len(st.Apps) == 0 {
		grace = 0 // nothing to recover
	}
	if err := cr.Recover(st, grace); err != nil {
		cr.Close()
		return err
	}
	s.mu.Lock()
	s.terms++
	s.term = &term{id: s.terms, core: cr, epoch: epoch, clusterTS: ts}
	if s.terms > 1 {
		s.failovers++
	}
	s.mu.Unlock()
	s.metrics.BecameActive(epoch)
	s.log.Info("transitioned to active", zap.Int64("epoch", epoch), zap.Int("applications", len(st.Apps)),
		zap.Duration("took", time.Since(start)))
	return nil
}

// becomeStandby ends term id (0: whichever runs): from now on this RM
// redirects REST calls and refuses RPC, and the term's core is dropped.
func (s *Server) becomeStandby(id int, reason string) {
	s.mu.Lock()
	t := s.term
	if t == nil || id != 0 && t.id != id {
		s.mu.Unlock()
		return
	}
	s.term = nil
	s.mu.Unlock()
	s.launcher.Reset() // a standby launches nothing
	go t.core.Close()  // drain its journal off the caller's path: writes now fail fenced
	s.log.Warn("transitioned to standby", zap.String("reason", reason), zap.Int64("epoch", t.epoch))
}

// storeFailed reacts to a failed store write: fenced means another RM is
// active, so this one stops at once and rejoins the election behind it.
func (s *Server) storeFailed(err error) {
	if !errors.Is(err, store.ErrFenced) {
		return
	}
	s.becomeStandby(0, "fenced: another ResourceManager bumped the epoch")
	if s.elector != nil {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = s.elector.Resign(ctx)
		}()
	}
}

func orSelf(list []string, self string) []string {
	if len(list) == 0 {
		return []string{self}
	}
	return list
}
