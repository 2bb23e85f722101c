package objstore

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Scheme names the backend a URL is served by.
const (
	SchemeFile  = "file"
	SchemeS3    = "s3"
	SchemeHTTP  = "http"
	SchemeHTTPS = "https"
)

// location is a checked URL. For file:// path is the absolute local path; for
// s3:// bucket is the bucket and path the key (no leading slash, may be empty
// for a prefix at the bucket's root); for http(s) raw is what is fetched.
type location struct {
	raw    string
	scheme string
	bucket string
	path   string
	dir    bool // the URL ended in "/": only meaningful as a prefix
}

// CheckURL checks the syntax of a URL: the scheme is one of file, s3, http,
// https; the path is absolute with no empty, "." or ".." segment; an s3 bucket
// name is valid; file and s3 URLs have no query or fragment and file URLs no
// host. The error wraps ErrBadURL.
func CheckURL(raw string) error {
	_, err := parse(raw)
	return err
}

func badURL(raw, format string, args ...any) error {
	return fmt.Errorf("%w %q: %s", ErrBadURL, raw, fmt.Sprintf(format, args...))
}

func parse(raw string) (location, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return location{}, badURL(raw, "%v", unwrapURLError(err))
	}
	loc := location{raw: raw, scheme: strings.ToLower(u.Scheme)}
	switch loc.scheme {
	case SchemeFile:
		if u.Host != "" {
			return location{}, badURL(raw, "a file URL has no host; write file:///absolute/path")
		}
		if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return location{}, badURL(raw, "a file URL has no query, fragment or user")
		}
		if !strings.HasPrefix(u.Path, "/") {
			return location{}, badURL(raw, "the path must be absolute; write file:///absolute/path")
		}
		rest, dir, err := checkSegments(raw, u.Path[1:], true)
		if err != nil {
			return location{}, err
		}
		loc.path, loc.dir = "/"+rest, dir
	case SchemeS3:
		if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return location{}, badURL(raw, "an s3 URL has no query, fragment or user; write s3://bucket/key")
		}
		if err := checkBucket(u.Host); err != nil {
			return location{}, badURL(raw, "%v", err)
		}
		p := strings.TrimPrefix(u.Path, "/")
		key, dir, err := checkSegments(raw, p, true)
		if err != nil {
			return location{}, err
		}
		loc.bucket, loc.path, loc.dir = u.Host, key, dir
	case SchemeHTTP, SchemeHTTPS:
		if u.Host == "" {
			return location{}, badURL(raw, "an http URL needs a host")
		}
		if _, _, err := checkSegments(raw, strings.TrimPrefix(u.Path, "/"), true); err != nil {
			return location{}, err
		}
		loc.path = u.Path
	case "":
		return location{}, badURL(raw, "no scheme; use file:///path, s3://bucket/key or http(s)://host/path")
	default:
		return location{}, badURL(raw, "unknown scheme %q; use file, s3, http or https", u.Scheme)
	}
	return loc, nil
}

// checkSegments rejects empty, "." and ".." segments in a slash-separated
// path without its leading slash. A single trailing slash is allowed and
// reported (the URL then names a directory or prefix).
func checkSegments(raw, p string, allowTrailing bool) (string, bool, error) {
	if p == "" {
		return "", true, nil
	}
	dir := false
	if strings.HasSuffix(p, "/") && allowTrailing {
		p, dir = strings.TrimSuffix(p, "/"), true
	}
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "":
			return "", false, badURL(raw, "empty path segment (\"//\")")
		case ".", "..":
			return "", false, badURL(raw, "path segment %q is not allowed", seg)
		}
	}
	if strings.ContainsRune(p, 0) {
		return "", false, badURL(raw, "NUL byte in path")
	}
	return p, dir, nil
}

// checkBucket applies S3's bucket naming rules: 3-63 characters of lower-case
// letters, digits, '.' and '-', starting and ending with a letter or digit,
// no "..", not an IP address.
func checkBucket(b string) error {
	if b == "" {
		return fmt.Errorf("no bucket; write s3://bucket/key")
	}
	if len(b) < 3 || len(b) > 63 {
		return fmt.Errorf("bucket name %q must be 3 to 63 characters long", b)
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return fmt.Errorf("bucket name %q may hold only lower-case letters, digits, '.' and '-'", b)
		}
	}
	if !isAlnum(b[0]) || !isAlnum(b[len(b)-1]) {
		return fmt.Errorf("bucket name %q must start and end with a letter or digit", b)
	}
	if strings.Contains(b, "..") || strings.Contains(b, ".-") || strings.Contains(b, "-.") {
		return fmt.Errorf("bucket name %q has adjacent '.' or '-.'", b)
	}
	if net.ParseIP(b) != nil {
		return fmt.Errorf("bucket name %q must not be an IP address", b)
	}
	return nil
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// Join appends path elements to a URL, keeping its scheme and host: Join
// ("s3://b/p", "app_1", "f") is "s3://b/p/app_1/f". Slashes at the ends of
// elements are trimmed and empty elements skipped; characters that need it
// are percent-escaped. Join does not clean ".." away: the result fails
// CheckURL instead. A base that does not parse is joined as text.
func Join(base string, elem ...string) string {
	u, err := url.Parse(base)
	if err != nil {
		s := strings.TrimRight(base, "/")
		for _, e := range elem {
			if e = strings.Trim(e, "/"); e != "" {
				s += "/" + e
			}
		}
		return s
	}
	p := strings.TrimRight(u.Path, "/")
	for _, e := range elem {
		if e = strings.Trim(e, "/"); e != "" {
			p += "/" + e
		}
	}
	u.Path, u.RawPath = p, ""
	return u.String()
}

// fileURL renders an absolute local path as a file:// URL.
func fileURL(p string) string { return (&url.URL{Scheme: SchemeFile, Path: p}).String() }

// s3URL renders a bucket and key as an s3:// URL.
func s3URL(bucket, key string) string {
	return (&url.URL{Scheme: SchemeS3, Host: bucket, Path: "/" + key}).String()
}
