package client

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/goyarn/goyarn/api/yarn"
)

// Sentinel errors. Failures other than an RM's or NM's non-2xx answer wrap
// one of these.
var (
	// ErrNoActiveRM: no RM answered as active within Options.FailoverWait.
	ErrNoActiveRM = errors.New("no active ResourceManager")
	// ErrBadMaster: a master specification or address list is malformed.
	ErrBadMaster = errors.New("bad ResourceManager address")
	// ErrBadResponse: a daemon answered 2xx with a body that does not decode.
	ErrBadResponse = errors.New("unexpected response")
	// ErrTooManyRedirects: standbys kept redirecting (a failover under way).
	ErrTooManyRedirects = errors.New("too many standby redirects")
	// ErrKillTimeout: the application was not killed within Options.KillWait.
	ErrKillTimeout = errors.New("application not killed in time")
	// ErrUnreachable: a single daemon (ClusterInfoAt, a NodeManager) could
	// not be reached.
	ErrUnreachable = errors.New("unreachable")
	// ErrBadStaging: Stage could not stage a file.
	ErrBadStaging = errors.New("cannot stage file")
)

// remoteError decodes a non-2xx answer. A YARN RemoteException body keeps
// its fields; any other body becomes the message of a RemoteException named
// after the status.
func remoteError(status int, body []byte) *yarn.RemoteException {
	var wrapped yarn.RemoteExceptionResponse
	if json.Unmarshal(body, &wrapped) == nil && (wrapped.RemoteException.Exception != "" || wrapped.RemoteException.Message != "") {
		re := wrapped.RemoteException
		re.Status = status
		return &re
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 512 {
		msg = msg[:512] + "…"
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	name := strings.ReplaceAll(http.StatusText(status), " ", "")
	if name == "" {
		name = "HTTPError"
	}
	return &yarn.RemoteException{Exception: name, Message: msg, Status: status}
}

// StatusOf returns the HTTP status of err when it is (or wraps) a
// *yarn.RemoteException, and 0 otherwise.
func StatusOf(err error) int {
	var re *yarn.RemoteException
	if errors.As(err, &re) {
		return re.Status
	}
	return 0
}

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// Message returns what a user should read for err: a RemoteException's
// message without Java's "java.lang.Exception: " prefix, else err.Error().
func Message(err error) string {
	var re *yarn.RemoteException
	if errors.As(err, &re) {
		m := strings.TrimPrefix(re.Message, "java.lang.Exception: ")
		if m == "" {
			m = re.Exception
		}
		return m
	}
	return err.Error()
}
