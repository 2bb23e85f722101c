package zk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/resourcemanager/ha/zkconn"
	"github.com/goyarn/goyarn/resourcemanager/store"
)

// Config is the store's configuration.
type Config struct {
	zkconn.Config
	// MaxRecordBytes is the largest record (JSON) the store accepts.
	MaxRecordBytes int
	// LoadParallelism is how many reads Load keeps in flight.
	LoadParallelism int
}

// DefaultMaxRecordBytes is the default per-record limit: far below
// ZooKeeper's 1 MB node limit.
const DefaultMaxRecordBytes = 256 << 10

// DefaultConfig returns zkconn's defaults, 256 KiB records, 16 parallel reads.
func DefaultConfig() Config {
	return Config{Config: zkconn.DefaultConfig(), MaxRecordBytes: DefaultMaxRecordBytes, LoadParallelism: 16}
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	errs := []error{c.Config.Validate()}
	if c.MaxRecordBytes < 1<<10 || c.MaxRecordBytes > 900<<10 {
		errs = append(errs, fmt.Errorf("%w: max record size %d outside [1 KiB, 900 KiB]", zkconn.ErrConfig, c.MaxRecordBytes))
	}
	if c.LoadParallelism < 1 || c.LoadParallelism > 256 {
		errs = append(errs, fmt.Errorf("%w: load parallelism %d outside [1, 256]", zkconn.ErrConfig, c.LoadParallelism))
	}
	return errors.Join(errs...)
}

// Store is the ZooKeeper store.
type Store struct {
	cfg   Config
	log   *zap.Logger
	conn  *zkconn.Conn
	acl   []zk.ACL
	epoch string // path of the epoch node
	apps  string // path of the apps node

	mu      sync.Mutex
	version int32 // the epoch node's version this store may write under
	closed  bool
}

// Open connects (waiting for a session until ctx ends), authenticates,
// creates the store's nodes when missing, checks this RM may write there,
// and remembers the epoch's version.
func Open(ctx context.Context, cfg Config, secret security.Secret, log *zap.Logger) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	log = log.Named("store.zk")
	conn, err := zkconn.Dial(cfg.Config, secret, log, nil)
	if err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, log: log, conn: conn, acl: zkconn.PrivateACL(secret),
		epoch: cfg.StorePath() + "/epoch", apps: cfg.StorePath() + "/apps"}
	if err := s.init(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) init(ctx context.Context) error {
	if err := s.conn.WaitSession(ctx); err != nil {
		return err
	}
	if err := s.retry(ctx, s.conn.Authenticate); err != nil {
		return err
	}
	if err := s.retry(ctx, func() error { return s.conn.EnsurePath(s.apps) }); err != nil {
		return notAuthorized(err)
	}
	err := s.retry(ctx, func() error {
		_, err := s.conn.Create(s.epoch, []byte("0"), 0, s.acl)
		if errors.Is(err, zk.ErrNodeExists) {
			return nil
		}
		return err
	})
	if err != nil {
		return notAuthorized(fmt.Errorf("creating %s: %w", s.epoch, err))
	}
	// Prove we may write here, without touching anything a reader sees.
	probe := s.cfg.StorePath() + "/probe-" + randomHex()
	if err := s.retry(ctx, func() error {
		_, err := s.conn.Multi(&zk.CreateRequest{Path: probe, Acl: s.acl}, &zk.DeleteRequest{Path: probe, Version: -1})
		return err
	}); err != nil {
		return notAuthorized(fmt.Errorf("probing write access under %s: %w", s.cfg.StorePath(), err))
	}
	return s.retry(ctx, func() error {
		_, stat, err := s.conn.Get(s.epoch)
		if err == nil {
			s.version = stat.Version
		}
		return err
	})
}

// Name implements store.Store.
func (s *Store) Name() string { return "goyarn.store.ZKStore" }

func (s *Store) appPath(id api.ApplicationID) string { return s.apps + "/" + id.String() }

func (s *Store) attemptPath(id api.AttemptID) string {
	return s.appPath(id.App) + "/" + id.String()
}

func (s *Store) check() (int32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, store.ErrClosed
	}
	return s.version, nil
}

// write runs ops as one multi after a check of the epoch's version.
// Fencing becomes store.ErrFenced; op failures come back as go-zookeeper's
// errors (zk.ErrNoNode, zk.ErrNodeExists) for the caller to interpret.
func (s *Store) write(ctx context.Context, ops ...any) error {
	return s.retry(ctx, func() error {
		v, err := s.check()
		if err != nil {
			return err
		}
		all := append([]any{&zk.CheckVersionRequest{Path: s.epoch, Version: v}}, ops...)
		_, err = s.conn.Multi(all...)
		switch {
		case errors.Is(err, zk.ErrBadVersion): // only the check carries a version
			s.log.Warn("write refused: another ResourceManager bumped the epoch", zap.Int32("version", v))
			return store.ErrFenced
		case errors.Is(err, zk.ErrNoAuth):
			return notAuthorized(err)
		}
		return s.closedErr(err)
	})
}

// closedErr turns the client's "closing" into store.ErrClosed.
func (s *Store) closedErr(err error) error {
	if errors.Is(err, zk.ErrClosing) {
		return store.ErrClosed
	}
	return err
}

func (s *Store) encode(v any, what string) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("zk store: encoding %s: %w", what, err)
	}
	if len(data) > s.cfg.MaxRecordBytes {
		return nil, fmt.Errorf("%w: %s is %d bytes, the limit is %d", store.ErrTooLarge, what, len(data), s.cfg.MaxRecordBytes)
	}
	return data, nil
}

// put sets path to data, creating it when missing.
func (s *Store) put(ctx context.Context, path string, data []byte) error {
	for {
		err := s.write(ctx, &zk.SetDataRequest{Path: path, Data: data, Version: -1})
		if !errors.Is(err, zk.ErrNoNode) {
			return err
		}
		err = s.write(ctx, &zk.CreateRequest{Path: path, Data: data, Acl: s.acl})
		if !errors.Is(err, zk.ErrNodeExists) {
			return err // ErrNoNode here: the parent is missing
		}
		// Created meanwhile (or by our own retried create): set it.
	}
}

// PutApp implements store.Store.
func (s *Store) PutApp(ctx context.Context, app store.AppRecord) error {
	data, err := s.encode(app, app.ID.String())
	if err != nil {
		return err
	}
	if err := s.put(ctx, s.appPath(app.ID), data); err != nil {
		return fmt.Errorf("zk store: putting %s: %w", app.ID, err)
	}
	return nil
}

// PutAttempt implements store.Store.
func (s *Store) PutAttempt(ctx context.Context, at store.AttemptRecord) error {
	data, err := s.encode(at, at.ID.String())
	if err != nil {
		return err
	}
	err = s.put(ctx, s.attemptPath(at.ID), data)
	if errors.Is(err, zk.ErrNoNode) {
		return fmt.Errorf("%w: %s", store.ErrUnknownApp, at.ID.App)
	}
	if err != nil {
		return fmt.Errorf("zk store: putting %s: %w", at.ID, err)
	}
	return nil
}

// RemoveApp implements store.Store: the attempts and the application go in
// one multi. Removing an unknown application still checks the epoch, so a
// fenced store learns it.
func (s *Store) RemoveApp(ctx context.Context, id api.ApplicationID) error {
	path := s.appPath(id)
	for {
		children, err := s.children(ctx, path)
		if errors.Is(err, zk.ErrNoNode) {
			return s.write(ctx) // nothing to remove; still fenced if fenced
		}
		if err != nil {
			return fmt.Errorf("zk store: removing %s: %w", id, err)
		}
		ops := make([]any, 0, len(children)+1)
		for _, c := range children {
			ops = append(ops, &zk.DeleteRequest{Path: path + "/" + c, Version: -1})
		}
		ops = append(ops, &zk.DeleteRequest{Path: path, Version: -1})
		err = s.write(ctx, ops...)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, zk.ErrNotEmpty), errors.Is(err, zk.ErrNoNode):
			continue // an attempt came or went meanwhile: look again
		default:
			return fmt.Errorf("zk store: removing %s: %w", id, err)
		}
	}
}

// BumpEpoch implements store.Store: a compare-and-set of the epoch node;
// this store then writes under the new version, every other is fenced.
func (s *Store) BumpEpoch(ctx context.Context) (int64, error) {
	for {
		if _, err := s.check(); err != nil {
			return 0, err
		}
		var (
			data []byte
			stat *zk.Stat
		)
		err := s.retry(ctx, func() error {
			var err error
			data, stat, err = s.conn.Get(s.epoch)
			return s.closedErr(err)
		})
		if err != nil {
			return 0, fmt.Errorf("zk store: reading the epoch: %w", err)
		}
		e, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
		if err != nil || e < 0 {
			return 0, fmt.Errorf("zk store: %s holds %q, not an epoch", s.epoch, data)
		}
		next, err := s.conn.Set(s.epoch, []byte(strconv.FormatInt(e+1, 10)), stat.Version)
		switch {
		case err == nil:
			s.mu.Lock()
			s.version = next.Version
			s.mu.Unlock()
			s.log.Info("epoch bumped", zap.Int64("epoch", e+1), zap.Int32("version", next.Version))
			return e + 1, nil
		case errors.Is(err, zk.ErrBadVersion), zkconn.Transient(err):
			// Another RM bumped meanwhile, or the outcome is unknown: read
			// again and bump again (an extra bump is harmless).
			if err := pause(ctx, 50*time.Millisecond); err != nil {
				return 0, err
			}
		case errors.Is(err, zk.ErrNoAuth):
			return 0, notAuthorized(err)
		default:
			return 0, fmt.Errorf("zk store: bumping the epoch: %w", s.closedErr(err))
		}
	}
}

// Close implements store.Store: it ends the session.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.conn.Close()
	return nil
}

func notAuthorized(err error) error {
	if errors.Is(err, zk.ErrNoAuth) {
		return fmt.Errorf("%w: %v", zkconn.ErrNotAuthorized, err)
	}
	return err
}

func randomHex() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
