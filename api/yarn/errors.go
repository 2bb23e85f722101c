package yarn

import (
	"fmt"
	"net/http"
)

// RemoteExceptionResponse is the body of every error a YARN daemon returns:
// {"RemoteException":{"exception":…,"message":…,"javaClassName":…}}.
type RemoteExceptionResponse struct {
	RemoteException RemoteException `json:"RemoteException"`
}

// RemoteException is an error in YARN's REST form. Status is the HTTP status
// to send it with; it is not part of the body.
type RemoteException struct {
	Exception     string `json:"exception"`     // simple class name: "NotFoundException"
	Message       string `json:"message"`       // "java.lang.Exception: app with id: … not found"
	JavaClassName string `json:"javaClassName"` // "org.apache.hadoop.yarn.webapp.NotFoundException"
	Status        int    `json:"-"`
}

// Error implements error.
func (e *RemoteException) Error() string { return e.Exception + ": " + e.Message }

// Body returns e wrapped for encoding.
func (e *RemoteException) Body() RemoteExceptionResponse {
	return RemoteExceptionResponse{RemoteException: *e}
}

// Java class names of the exceptions YARN's web services send.
const (
	ClassNotFound     = "org.apache.hadoop.yarn.webapp.NotFoundException"
	ClassBadRequest   = "org.apache.hadoop.yarn.webapp.BadRequestException"
	ClassForbidden    = "org.apache.hadoop.yarn.webapp.ForbiddenException"
	ClassWebAppError  = "javax.ws.rs.WebApplicationException"
	ClassUnauthorized = "org.apache.hadoop.security.authorize.AuthorizationException"
)

// exceptionPrefix is how YARN's messages start: its web exceptions wrap a
// java.lang.Exception and report that exception's toString().
const exceptionPrefix = "java.lang.Exception: "

func newRemote(status int, simple, class, format string, args ...any) *RemoteException {
	return &RemoteException{
		Exception:     simple,
		Message:       exceptionPrefix + fmt.Sprintf(format, args...),
		JavaClassName: class,
		Status:        status,
	}
}

// NotFound is a 404 NotFoundException.
func NotFound(format string, args ...any) *RemoteException {
	return newRemote(http.StatusNotFound, "NotFoundException", ClassNotFound, format, args...)
}

// BadRequest is a 400 BadRequestException.
func BadRequest(format string, args ...any) *RemoteException {
	return newRemote(http.StatusBadRequest, "BadRequestException", ClassBadRequest, format, args...)
}

// Forbidden is a 403 ForbiddenException (e.g. killing another user's app).
func Forbidden(format string, args ...any) *RemoteException {
	return newRemote(http.StatusForbidden, "ForbiddenException", ClassForbidden, format, args...)
}

// InternalError is a 500 WebApplicationException.
func InternalError(format string, args ...any) *RemoteException {
	return newRemote(http.StatusInternalServerError, "WebApplicationException", ClassWebAppError, format, args...)
}

// Unauthorized is a 401 AuthorizationException, for a write without an
// authenticated user. Its message carries no "java.lang.Exception: " prefix:
// YARN reports an AuthorizationException's own message.
func Unauthorized(format string, args ...any) *RemoteException {
	e := newRemote(http.StatusUnauthorized, "AuthorizationException", ClassUnauthorized, format, args...)
	e.Message = fmt.Sprintf(format, args...)
	return e
}

// AppNotFound is YARN's 404 for an unknown application id:
// "java.lang.Exception: app with id: application_…_9999 not found".
func AppNotFound(appID string) *RemoteException {
	return NotFound("app with id: %s not found", appID)
}

// AttemptNotFound is the 404 for an unknown application attempt.
func AttemptNotFound(attemptID string) *RemoteException {
	return NotFound("appAttempt with id: %s not found", attemptID)
}

// ContainerNotFound is the 404 for an unknown container.
func ContainerNotFound(containerID string) *RemoteException {
	return NotFound("container with id: %s not found", containerID)
}

// NodeNotFound is YARN's 404 for an unknown node id:
// "java.lang.Exception: nodeId, host:port, is not found".
func NodeNotFound(nodeID string) *RemoteException {
	return NotFound("nodeId, %s, is not found", nodeID)
}

// KillOnly is YARN's 400 for a PUT state other than KILLED.
func KillOnly() *RemoteException { return BadRequest("%s", KillOnlyMessage) }
