package objstore

import (
	"errors"
	"testing"
)

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"file:///var/goyarn/staging/app_1/job.jar", true},
		{"file:///var/goyarn/staging/", true},
		{"s3://goyarn/staging/app_1/job.jar", true},
		{"s3://goyarn", true},
		{"s3://goyarn/", true},
		{"s3://my.bucket-1/k", true},
		{"http://repo.example/x.jar", true},
		{"https://repo.example/x.jar?sig=abc", true},
		{"HTTPS://repo.example/x", true},

		{"", false},
		{"/var/goyarn/x", false},              // no scheme
		{"hdfs://nn/x", false},                // unknown scheme
		{"file://host/var/x", false},          // host
		{"file:relative/x", false},            // not absolute
		{"file:///var/../etc/passwd", false},  // ..
		{"file:///var/./x", false},            // .
		{"file:///var//x", false},             // empty segment
		{"file:///var/x?y=1", false},          // query
		{"s3://goyarn/a/../b", false},         // ..
		{"s3://goyarn/a/%2e%2e/b", false},     // escaped ..
		{"s3://goyarn/a//b", false},           // empty segment
		{"s3://Goyarn/x", false},              // upper case
		{"s3://ab/x", false},                  // too short
		{"s3://-goyarn/x", false},             // leading '-'
		{"s3://goy..arn/x", false},            // ..
		{"s3://192.168.1.1/x", false},         // IP
		{"s3://goyarn/x#frag", false},         // fragment
		{"s3:///x", false},                    // no bucket
		{"s3://key:secret@goyarn/x", false},   // user info
		{"http:///x", false},                  // no host
		{"http://repo.example/a/../b", false}, // ..
		{"s3://goyarn/a\x00b", false},         // control character
		{"file:///var/goyarn/%00", false},     // NUL
		{"s3://goyarn_underscore/x", false},   // '_'
		{"s3://" + string(make([]byte, 64)), false},
	} {
		err := CheckURL(tc.url)
		if tc.ok && err != nil {
			t.Errorf("CheckURL(%q) = %v, want ok", tc.url, err)
		}
		if !tc.ok && !errors.Is(err, ErrBadURL) {
			t.Errorf("CheckURL(%q) = %v, want ErrBadURL", tc.url, err)
		}
	}
}

func TestJoin(t *testing.T) {
	for _, tc := range []struct {
		base string
		elem []string
		want string
	}{
		{"s3://b/p", []string{"app_1", "f"}, "s3://b/p/app_1/f"},
		{"s3://b/p/", []string{"/app_1/", "f"}, "s3://b/p/app_1/f"},
		{"s3://bucket", []string{"k"}, "s3://bucket/k"},
		{"file:///var/x", []string{"a/b", "", "c"}, "file:///var/x/a/b/c"},
		{"file:///", []string{"tmp"}, "file:///tmp"},
		{"https://h:8080/base", []string{"f.jar"}, "https://h:8080/base/f.jar"},
		{"s3://b/p", []string{"with space", "q?x#y"}, "s3://b/p/with%20space/q%3Fx%23y"},
		{"s3://b/p", nil, "s3://b/p"},
	} {
		if got := Join(tc.base, tc.elem...); got != tc.want {
			t.Errorf("Join(%q, %q) = %q, want %q", tc.base, tc.elem, got, tc.want)
		}
	}
	// Join does not clean "..": the result fails the check instead.
	if err := CheckURL(Join("s3://b/p", "..", "x")); !errors.Is(err, ErrBadURL) {
		t.Errorf("joined .. passed CheckURL: %v", err)
	}
	// Escaped names round-trip through parse.
	loc, err := parse(Join("s3://bkt/p", "q?x#y"))
	if err != nil || loc.path != "p/q?x#y" {
		t.Errorf("parse(Join) = %+v, %v", loc, err)
	}
}
