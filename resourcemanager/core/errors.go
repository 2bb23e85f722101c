package core

import "errors"

// Errors the core wraps; webapp maps them to HTTP statuses.
var (
	ErrNotFound      = errors.New("not found")           // unknown application, attempt, node or container
	ErrInvalid       = errors.New("invalid request")     // bad input: nothing was changed
	ErrForbidden     = errors.New("forbidden")           // caller may not do this
	ErrConflict      = errors.New("conflict")            // not valid in the current state
	ErrNotRegistered = errors.New("not registered")      // node (or AM) must register first
	ErrNotCurrent    = errors.New("attempt not current") // an old attempt: its AM must exit
	ErrUnauthorized  = errors.New("unauthorized")        // missing or wrong credential
	ErrStore         = errors.New("state store failure")
	ErrNotActive     = errors.New("not the active ResourceManager") // fenced: another RM took over
)
