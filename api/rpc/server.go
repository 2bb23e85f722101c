package rpc

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// Decode reads a JSON request body of at most MaxBodyBytes into v. Its errors
// are *Error values (INVALID_REQUEST, TOO_LARGE) ready for WriteError.
func Decode(r *http.Request, v any) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return Errorf(CodeInvalidRequest, "reading request body: %v", err)
	}
	if len(data) > MaxBodyBytes {
		return Errorf(CodeTooLarge, "request body over %d bytes", MaxBodyBytes)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return Errorf(CodeInvalidRequest, "malformed JSON body: %v", err)
	}
	return nil
}

// Bearer returns the credential of an "Authorization: Bearer …" header.
func Bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// WriteJSON writes v with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError writes err as an error body; errors that are not *Error are
// reported as INTERNAL.
func WriteError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Code: CodeInternal, Message: err.Error()}
	}
	WriteJSON(w, e.Code.HTTPStatus(), ErrorBody{Error: e})
}
