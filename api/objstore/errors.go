package objstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"

	"github.com/minio/minio-go/v7"
)

// Sentinel errors. Every error the Client returns for one of these causes
// wraps the sentinel (test with errors.Is) in a message naming the URL and
// what to do.
var (
	ErrBadURL       = errors.New("bad object URL")
	ErrNotFound     = errors.New("object not found")
	ErrNoBucket     = errors.New("no such bucket")
	ErrAccessDenied = errors.New("access denied")
	ErrUnreachable  = errors.New("storage endpoint unreachable")
	ErrReadOnly     = errors.New("read-only URL scheme")
	ErrOutsideRoots = errors.New("path outside the allowed file roots")
)

// S3 error codes mapped onto the sentinels.
const (
	codeNoSuchKey             = "NoSuchKey"
	codeNoSuchBucket          = "NoSuchBucket"
	codeAccessDenied          = "AccessDenied"
	codeInvalidAccessKeyID    = "InvalidAccessKeyId"
	codeSignatureDoesNotMatch = "SignatureDoesNotMatch"
)

// s3Context is what an S3 error message names besides the URL.
type s3Context struct {
	endpoint  string // http(s)://host:port
	credsFile string // "" when requests are anonymous
	profile   string
}

func (sc s3Context) credentials() string {
	if sc.credsFile == "" {
		return "no credentials file is configured (anonymous requests)"
	}
	return fmt.Sprintf("check the keys of profile [%s] in %s", sc.profile, sc.credsFile)
}

// mapS3Error turns an error from minio-go into one wrapping a sentinel. The
// server's message is not repeated for authentication failures: only the
// code is, so no key material can leak through it.
func mapS3Error(op, rawURL, bucket string, sc s3Context, err error) error {
	if err == nil {
		return nil
	}
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		switch er.Code {
		case codeNoSuchKey:
			return fmt.Errorf("%s %s: %w", op, rawURL, ErrNotFound)
		case codeNoSuchBucket:
			return noBucket(op, rawURL, bucket, sc)
		case codeAccessDenied, codeInvalidAccessKeyID, codeSignatureDoesNotMatch:
			return fmt.Errorf("%s %s: %w by %s (%s): %s, and that the identity may use bucket %s",
				op, rawURL, ErrAccessDenied, sc.endpoint, er.Code, sc.credentials(), bucket)
		}
		switch er.StatusCode {
		case http.StatusNotFound:
			return fmt.Errorf("%s %s: %w (HTTP 404 %s)", op, rawURL, ErrNotFound, er.Code)
		case http.StatusForbidden, http.StatusUnauthorized:
			return fmt.Errorf("%s %s: %w by %s (HTTP %d %s): %s",
				op, rawURL, ErrAccessDenied, sc.endpoint, er.StatusCode, er.Code, sc.credentials())
		}
		if er.Code != "" || er.StatusCode != 0 {
			return fmt.Errorf("%s %s: %s answered %d %s: %s", op, rawURL, sc.endpoint, er.StatusCode, er.Code, er.Message)
		}
	}
	return mapNetError(op, rawURL, sc.endpoint, err)
}

func noBucket(op, rawURL, bucket string, sc s3Context) error {
	return fmt.Errorf("%s %s: %w: bucket %s does not exist on %s; create it, or fix the URL",
		op, rawURL, ErrNoBucket, bucket, sc.endpoint)
}

// mapNetError wraps ErrUnreachable around connection failures: refused,
// reset, no route, DNS, timeouts. The caller's own cancellation is returned
// as it is (it wraps context.Canceled or context.DeadlineExceeded).
func mapNetError(op, rawURL, endpoint string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s %s: %w", op, rawURL, err)
	}
	if isUnreachable(err) {
		return fmt.Errorf("%s %s: %w: cannot reach %s (%v); check the endpoint and that the server runs",
			op, rawURL, ErrUnreachable, endpoint, rootCause(err))
	}
	return fmt.Errorf("%s %s: %w", op, rawURL, err)
}

func isUnreachable(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH),
		errors.Is(err, syscall.ETIMEDOUT), errors.Is(err, syscall.EADDRNOTAVAIL):
		return true
	case errors.As(err, &dnsErr):
		return true
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	}
	return false
}

// rootCause is the innermost error, for messages without the URL repeated.
func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
