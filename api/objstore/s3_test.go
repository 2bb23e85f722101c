package objstore

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/test/seaweed"
	"github.com/goyarn/goyarn/test/testenv"
	"github.com/minio/minio-go/v7"
)

// TestS3 runs the contract suite and the S3-only cases against one real
// SeaweedFS server. It skips when no weed binary is installed.
func TestS3(t *testing.T) {
	srv := seaweed.Start(t, seaweed.Options{})
	cfg := Config{S3Endpoint: srv.Endpoint, S3CredentialsFile: srv.CredentialsFile}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	t.Run("Contract", func(t *testing.T) {
		runContract(t, c, "s3://"+srv.Bucket+"/contract")
	})

	t.Run("ModeIsUserMetadata", func(t *testing.T) {
		u := "s3://" + srv.Bucket + "/meta/tool"
		if _, err := c.Put(ctx, u, strings.NewReader("x"), 1, 0o755); err != nil {
			t.Fatal(err)
		}
		mc, err := srv.Client()
		if err != nil {
			t.Fatal(err)
		}
		oi, err := mc.StatObject(ctx, srv.Bucket, "meta/tool", minio.StatObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := oi.Metadata.Get("X-Amz-Meta-Goyarn-Mode"); got != "0755" {
			t.Fatalf("x-amz-meta-goyarn-mode = %q", got)
		}
	})

	t.Run("WrongSecret", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "credentials")
		const wrong = "this-is-not-the-secret-0123456789"
		body := "[default]\naws_access_key_id = " + srv.AccessKey + "\naws_secret_access_key = " + wrong + "\n"
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		bad, err := New(Config{S3Endpoint: srv.Endpoint, S3CredentialsFile: p})
		if err != nil {
			t.Fatal(err)
		}
		_, err = bad.Stat(ctx, "s3://"+srv.Bucket+"/contract/pg/obj.txt")
		checkDenied(t, "stat", err, p, wrong, srv.SecretKey)
		_, err = bad.Put(ctx, "s3://"+srv.Bucket+"/denied", strings.NewReader("x"), 1, 0)
		checkDenied(t, "put", err, p, wrong, srv.SecretKey)
		_, err = bad.List(ctx, "s3://"+srv.Bucket+"/contract")
		checkDenied(t, "list", err, p, wrong, srv.SecretKey)
	})

	t.Run("UnknownAccessKey", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "credentials")
		body := "[default]\naws_access_key_id = GYNOBODY\naws_secret_access_key = whatever-secret\n"
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		bad, err := New(Config{S3Endpoint: srv.Endpoint, S3CredentialsFile: p})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = bad.Get(ctx, "s3://"+srv.Bucket+"/contract/pg/obj.txt")
		checkDenied(t, "get", err, p, "whatever-secret", srv.SecretKey)
	})

	t.Run("Anonymous", func(t *testing.T) {
		anon, err := New(Config{S3Endpoint: srv.Endpoint})
		if err != nil {
			t.Fatal(err)
		}
		_, err = anon.Put(ctx, "s3://"+srv.Bucket+"/anon", strings.NewReader("x"), 1, 0)
		if !errors.Is(err, ErrAccessDenied) {
			t.Fatalf("anonymous put: %v, want ErrAccessDenied", err)
		}
	})

	t.Run("MissingBucket", func(t *testing.T) {
		u := "s3://no-such-bucket-here/k"
		_, err := c.Stat(ctx, u)
		checkNoBucket(t, "stat", err, srv.Endpoint)
		_, _, err = c.Get(ctx, u)
		checkNoBucket(t, "get", err, srv.Endpoint)
		_, err = c.Put(ctx, u, strings.NewReader("x"), 1, 0)
		checkNoBucket(t, "put", err, srv.Endpoint)
		_, err = c.List(ctx, "s3://no-such-bucket-here/p")
		checkNoBucket(t, "list", err, srv.Endpoint)
		err = c.DeleteAll(ctx, "s3://no-such-bucket-here/p")
		checkNoBucket(t, "delete", err, srv.Endpoint)
	})

	t.Run("Unreachable", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ep := "http://" + l.Addr().String()
		l.Close() // nothing listens there now
		dead, err := New(Config{S3Endpoint: ep, S3CredentialsFile: srv.CredentialsFile})
		if err != nil {
			t.Fatal(err)
		}
		// The bound is the test's; the client must give up on its own,
		// well before it, with ErrUnreachable rather than a deadline.
		bctx, cancel := context.WithTimeout(ctx, testenv.Scaled(60*time.Second))
		defer cancel()
		_, err = dead.Stat(bctx, "s3://"+srv.Bucket+"/k")
		if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), ep) {
			t.Fatalf("stat on a closed port: %v, want ErrUnreachable naming %s", err, ep)
		}
		t.Logf("stat: %v", err)
		_, err = dead.Put(bctx, "s3://"+srv.Bucket+"/k", strings.NewReader("x"), 1, 0)
		if !errors.Is(err, ErrUnreachable) {
			t.Fatalf("put on a closed port: %v", err)
		}
	})

	t.Run("ChangeAfterStat", func(t *testing.T) {
		u := "s3://" + srv.Bucket + "/changing"
		before, err := c.Put(ctx, u, strings.NewReader("aaaa"), 4, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Put(ctx, u, strings.NewReader("bbbb"), 4, 0); err != nil {
			t.Fatal(err)
		}
		after, err := c.Stat(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if after.ETag == before.ETag {
			t.Fatalf("same-size rewrite kept ETag %q", before.ETag)
		}
		if after.ModTime.Nanosecond() != 0 {
			t.Fatalf("ModTime %v is not whole seconds", after.ModTime)
		}
		t.Logf("ETag %s -> %s, ModTime %s -> %s", before.ETag, after.ETag, before.ModTime, after.ModTime)
	})
}

func checkDenied(t *testing.T, op string, err error, credsFile string, secrets ...string) {
	t.Helper()
	if !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("%s with bad keys: %v, want ErrAccessDenied", op, err)
	}
	if !strings.Contains(err.Error(), credsFile) {
		t.Errorf("%s: %q does not name %s", op, err, credsFile)
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("%s: error leaks a secret: %q", op, err)
		}
	}
	t.Logf("%s: %v", op, err)
}

func checkNoBucket(t *testing.T, op string, err error, endpoint string) {
	t.Helper()
	want := "bucket no-such-bucket-here does not exist on " + endpoint
	if !errors.Is(err, ErrNoBucket) || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: %v, want ErrNoBucket saying %q", op, err, want)
	}
	t.Logf("%s: %v", op, err)
}
