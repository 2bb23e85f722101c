package store

import (
	"context"
	"errors"
	"time"

	"github.com/goyarn/goyarn/api"
)

// Errors a Store wraps.
var (
	// ErrFenced: another RM has become active; this one must stop writing.
	ErrFenced = errors.New("store fenced: another ResourceManager is active")
	// ErrTooLarge: a record does not fit the store's per-record limit.
	ErrTooLarge = errors.New("record too large for the state store")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store closed")
)

// AppRecord is the stored form of an application.
type AppRecord struct {
	ID          api.ApplicationID     `json:"id"`
	User        string                `json:"user"`
	Submission  api.SubmissionContext `json:"submission"`
	Queue       string                `json:"queue"` // resolved full path
	SubmitTime  time.Time             `json:"submitTime"`
	StartTime   time.Time             `json:"startTime"`
	FinishTime  time.Time             `json:"finishTime,omitzero"`
	State       api.AppState          `json:"state"`
	FinalStatus api.FinalStatus       `json:"finalStatus"`
	Diagnostics string                `json:"diagnostics,omitempty"`
	// OwnsStaging: the RM issued this id to User (new-application), so the
	// staging directory named after it is User's to have cleaned up.
	OwnsStaging bool `json:"ownsStaging,omitempty"`
}

// AttemptRecord is the stored form of an application attempt.
type AttemptRecord struct {
	ID            api.AttemptID    `json:"id"`
	AMContainerID api.ContainerID  `json:"amContainerId,omitzero"`
	NodeID        api.NodeID       `json:"nodeId,omitzero"`
	NodeHTTP      string           `json:"nodeHttpAddress,omitempty"`
	StartTime     time.Time        `json:"startTime"`
	FinishTime    time.Time        `json:"finishTime,omitzero"`
	State         api.AttemptState `json:"state"`
	FinalStatus   api.FinalStatus  `json:"finalStatus"`
	ExitStatus    int              `json:"exitStatus"`
	Diagnostics   string           `json:"diagnostics,omitempty"`
	TrackingURL   string           `json:"trackingUrl,omitempty"`
}

// App is an application with its attempts, as loaded.
type App struct {
	AppRecord
	Attempts []AttemptRecord `json:"attempts"` // by attempt number
}

// State is everything a store holds.
type State struct {
	Epoch int64
	Apps  []App // by application id
}

// Store persists RM state.
type Store interface {
	// Name identifies the implementation (clusterInfo.rmStateStoreName).
	Name() string
	// Load returns everything stored.
	Load(ctx context.Context) (State, error)
	// PutApp creates or replaces an application record.
	PutApp(ctx context.Context, app AppRecord) error
	// PutAttempt creates or replaces an attempt record; its application must
	// have been put before.
	PutAttempt(ctx context.Context, attempt AttemptRecord) error
	// RemoveApp deletes an application and its attempts; removing an unknown
	// application is not an error.
	RemoveApp(ctx context.Context, id api.ApplicationID) error
	// BumpEpoch increments the stored epoch and returns the new value; an RM
	// calls it when it becomes active.
	BumpEpoch(ctx context.Context) (int64, error)
	// Close releases the store; later calls fail with ErrClosed.
	Close() error
}

// ErrUnknownApp is returned by PutAttempt for an application never put.
var ErrUnknownApp = errors.New("unknown application")
