package rpc

import (
	"errors"
	"fmt"
	"net/http"
)

// Code classifies an RPC error.
type Code string

// Error codes and the HTTP status each travels with.
const (
	CodeInvalidRequest  Code = "INVALID_REQUEST"   // 400: malformed or invalid body
	CodeUnauthorized    Code = "UNAUTHORIZED"      // 401: missing or wrong credential
	CodeInvalidToken    Code = "INVALID_TOKEN"     // 403: a token that does not verify
	CodeNotFound        Code = "NOT_FOUND"         // 404: unknown id
	CodeAttemptNotFound Code = "ATTEMPT_NOT_FOUND" // 404: not the current attempt: the AM must exit
	CodeNotRegistered   Code = "NOT_REGISTERED"    // 409: register first
	CodeConflict        Code = "CONFLICT"          // 409: not valid in the current state
	CodeTooLarge        Code = "TOO_LARGE"         // 413: body over the limit
	CodeInternal        Code = "INTERNAL"          // 500
	CodeNotActive       Code = "NOT_ACTIVE"        // 503: a standby RM: try another
)

// HTTPStatus is the HTTP status an error with code c travels with.
func (c Code) HTTPStatus() int {
	switch c {
	case CodeInvalidRequest:
		return http.StatusBadRequest
	case CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeInvalidToken:
		return http.StatusForbidden
	case CodeNotFound, CodeAttemptNotFound:
		return http.StatusNotFound
	case CodeNotRegistered, CodeConflict:
		return http.StatusConflict
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeNotActive:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Error is an RPC failure reported by the server.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds an *Error.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorBody is the JSON body of a failed call.
type ErrorBody struct {
	Error *Error `json:"error"`
}

// CodeOf returns the code of err if it is (or wraps) an *Error, else "".
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
