package objstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/minio/minio-go/v7"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestMapS3Error(t *testing.T) {
	sc := s3Context{endpoint: "http://s3.local:8333", credsFile: "/etc/goyarn/s3.credentials", profile: "default"}
	refused := &url.Error{Op: "Head", URL: "http://s3.local:8333/b/k", Err: &net.OpError{
		Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
	for _, tc := range []struct {
		name string
		err  error
		want error  // nil: no sentinel
		says string // the message names this
	}{
		{"no such key", minio.ErrorResponse{Code: "NoSuchKey", StatusCode: 404}, ErrNotFound, "s3://b/k"},
		{"no such bucket", minio.ErrorResponse{Code: "NoSuchBucket", StatusCode: 404}, ErrNoBucket, "bucket b does not exist on http://s3.local:8333"},
		{"access denied", minio.ErrorResponse{Code: "AccessDenied", StatusCode: 403}, ErrAccessDenied, "/etc/goyarn/s3.credentials"},
		{"bad key id", minio.ErrorResponse{Code: "InvalidAccessKeyId", StatusCode: 403, Message: "key AKIDSECRETISH unknown"}, ErrAccessDenied, "InvalidAccessKeyId"},
		{"bad signature", minio.ErrorResponse{Code: "SignatureDoesNotMatch", StatusCode: 403, Message: "StringToSign " + testSecret}, ErrAccessDenied, "[default]"},
		{"403 without code", minio.ErrorResponse{Code: "403 Forbidden", StatusCode: 403}, ErrAccessDenied, "HTTP 403"},
		{"404 without code", minio.ErrorResponse{Code: "404 Not Found", StatusCode: 404}, ErrNotFound, "HTTP 404"},
		{"wrapped response", fmt.Errorf("layer: %w", minio.ErrorResponse{Code: "NoSuchKey"}), ErrNotFound, "s3://b/k"},
		{"refused", refused, ErrUnreachable, "http://s3.local:8333"},
		{"dns", &url.Error{Op: "Get", Err: &net.DNSError{Err: "no such host", Name: "s3.local", IsNotFound: true}}, ErrUnreachable, "no such host"},
		{"timeout", &url.Error{Op: "Get", Err: timeoutErr{}}, ErrUnreachable, "i/o timeout"},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), ErrUnreachable, "s3.local"},
		{"internal error", minio.ErrorResponse{Code: "InternalError", StatusCode: 500, Message: "disk full"}, nil, "disk full"},
		{"other", errors.New("strange"), nil, "strange"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := mapS3Error("stat", "s3://b/k", "b", sc, tc.err)
			for _, s := range []error{ErrNotFound, ErrNoBucket, ErrAccessDenied, ErrUnreachable} {
				if errors.Is(err, s) != (s == tc.want) {
					t.Errorf("errors.Is(%v, %v) = %v", err, s, !(s == tc.want))
				}
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("%q does not say %q", err, tc.says)
			}
			if !strings.Contains(err.Error(), "s3://b/k") {
				t.Errorf("%q does not name the URL", err)
			}
			for _, secret := range []string{testSecret, "AKIDSECRETISH"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("%q leaks %q", err, secret)
				}
			}
		})
	}
	if err := mapS3Error("stat", "s3://b/k", "b", sc, nil); err != nil {
		t.Errorf("nil mapped to %v", err)
	}
}

func TestMapNetErrorKeepsCancellation(t *testing.T) {
	for _, cause := range []error{context.Canceled, context.DeadlineExceeded} {
		err := mapNetError("get", "s3://b/k", "http://h", &url.Error{Op: "Get", Err: cause})
		if !errors.Is(err, cause) || errors.Is(err, ErrUnreachable) {
			t.Errorf("%v mapped to %v", cause, err)
		}
	}
}

func TestAnonymousAccessDeniedSaysSo(t *testing.T) {
	err := mapS3Error("get", "s3://b/k", "b", s3Context{endpoint: "https://s3.amazonaws.com"},
		minio.ErrorResponse{Code: "AccessDenied", StatusCode: 403})
	if !errors.Is(err, ErrAccessDenied) || !strings.Contains(err.Error(), "anonymous") {
		t.Fatalf("%v", err)
	}
}
