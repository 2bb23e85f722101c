package objstore

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config says where S3 lives, whose keys to use, and which local trees
// file:// URLs may touch. The zero Config serves file:// anywhere, http(s),
// and anonymous s3:// on AWS.
type Config struct {
	// S3Endpoint is "http://host:port" or "https://host[:port]"; empty means
	// AWS (https://s3.amazonaws.com).
	S3Endpoint string
	// S3Region is sent in signatures; default "us-east-1".
	S3Region string
	// S3CredentialsFile is an AWS shared-credentials file (INI: [profile]
	// aws_access_key_id / aws_secret_access_key / aws_session_token). It is
	// read by New, must not be readable or writable by group or others, and
	// may start with "~/". Empty: requests are anonymous.
	S3CredentialsFile string
	// S3Profile is the section of S3CredentialsFile; default "default".
	S3Profile string
	// S3VirtualHost addresses buckets as bucket.host (AWS style); the
	// default is path-style host/bucket, which SeaweedFS, Ceph and Garage
	// need.
	S3VirtualHost bool
	// S3MaxRetries bounds the attempts of one S3 request on transient
	// failures (connection refused, 5xx, throttling); default 3.
	S3MaxRetries int
	// FileRoots, when non-empty, confines file:// URLs: a path must resolve
	// (symlinks evaluated) under one of these absolute directories, else
	// the call fails with ErrOutsideRoots.
	FileRoots []string
	// HTTPClient serves http(s) URLs and carries S3 requests (its
	// Transport). Default: DefaultHTTPClient().
	HTTPClient *http.Client
}

// DefaultHTTPClient has bounded dial, TLS handshake and response-header
// waits but no overall timeout, so large downloads are not cut off; bound
// those with the context.
func DefaultHTTPClient() *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ExpectContinueTimeout: time.Second,
	}}
}

// withDefaults fills the defaults in a copy.
func (c Config) withDefaults() Config {
	if c.S3Region == "" {
		c.S3Region = "us-east-1"
	}
	if c.S3Profile == "" {
		c.S3Profile = "default"
	}
	if c.S3MaxRetries <= 0 {
		c.S3MaxRetries = 3
	}
	if c.HTTPClient == nil {
		c.HTTPClient = DefaultHTTPClient()
	}
	return c
}

// Validate returns every problem of the Config at once (errors.Join); it
// does not touch the network or the credentials file.
func (c Config) Validate() error {
	var errs []error
	if c.S3Endpoint != "" {
		if _, _, err := parseEndpoint(c.S3Endpoint); err != nil {
			errs = append(errs, err)
		}
	}
	for _, r := range c.FileRoots {
		if !filepath.IsAbs(r) {
			errs = append(errs, fmt.Errorf("file root %q is not an absolute path", r))
		}
	}
	if c.S3MaxRetries < 0 {
		errs = append(errs, fmt.Errorf("S3MaxRetries %d is negative", c.S3MaxRetries))
	}
	return errors.Join(errs...)
}

// parseEndpoint splits "http(s)://host[:port]" into minio's host:port and
// whether TLS is used.
func parseEndpoint(ep string) (hostPort string, secure bool, err error) {
	u, err := url.Parse(ep)
	if err != nil {
		return "", false, fmt.Errorf("S3 endpoint %q: %v", ep, unwrapURLError(err))
	}
	switch u.Scheme {
	case "http":
	case "https":
		secure = true
	default:
		return "", false, fmt.Errorf("S3 endpoint %q: write http://host:port or https://host", ep)
	}
	if u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return "", false, fmt.Errorf("S3 endpoint %q: only scheme, host and port are allowed", ep)
	}
	return u.Host, secure, nil
}

// s3Keys are the keys of one profile. String never shows the secret.
type s3Keys struct {
	accessKey, secretKey, sessionToken string
}

func (k s3Keys) String() string { return "s3Keys{…}" }

// expandHome turns a leading "~/" into the user's home directory.
func expandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("expanding %q: %w", p, err)
	}
	return filepath.Join(home, strings.TrimPrefix(p, "~")), nil
}

// loadCredentials reads profile from an AWS shared-credentials file after
// checking that only its owner can read it. Errors name the file and the
// profile, never a key.
func loadCredentials(path, profile string) (s3Keys, error) {
	f, err := os.Open(path)
	if err != nil {
		return s3Keys{}, fmt.Errorf("S3 credentials file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return s3Keys{}, fmt.Errorf("S3 credentials file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return s3Keys{}, fmt.Errorf("S3 credentials file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return s3Keys{}, fmt.Errorf("S3 credentials file %s has mode %04o: group and others must have no access; run chmod 600 %s",
			path, perm, path)
	}
	var keys s3Keys
	section, found := "", false
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || s[0] == '#' || s[0] == ';' {
			continue
		}
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			section = strings.TrimSpace(strings.TrimPrefix(s[1:len(s)-1], "profile "))
			found = found || section == profile
			continue
		}
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			// Do not quote the line: it may hold a key.
			return s3Keys{}, fmt.Errorf("S3 credentials file %s line %d: expected key = value", path, line)
		}
		if section != profile {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "aws_access_key_id":
			keys.accessKey = strings.TrimSpace(v)
		case "aws_secret_access_key":
			keys.secretKey = strings.TrimSpace(v)
		case "aws_session_token":
			keys.sessionToken = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		return s3Keys{}, fmt.Errorf("S3 credentials file %s: %w", path, err)
	}
	switch {
	case !found:
		return s3Keys{}, fmt.Errorf("S3 credentials file %s has no profile [%s]", path, profile)
	case keys.accessKey == "" || keys.secretKey == "":
		return s3Keys{}, fmt.Errorf("S3 credentials file %s: profile [%s] needs aws_access_key_id and aws_secret_access_key",
			path, profile)
	}
	return keys, nil
}
