package yarn

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"reflect"
	"testing"
	"time"
)

func TestRemoteException(t *testing.T) {
	cases := []struct {
		err    *RemoteException
		status int
		body   string
	}{
		{AppNotFound("application_1324057493980_9999"), http.StatusNotFound,
			`{"RemoteException":{"exception":"NotFoundException","message":"java.lang.Exception: app with id: application_1324057493980_9999 not found","javaClassName":"org.apache.hadoop.yarn.webapp.NotFoundException"}}`},
		{KillOnly(), http.StatusBadRequest,
			`{"RemoteException":{"exception":"BadRequestException","message":"java.lang.Exception: Only 'KILLED' is allowed as a target state.","javaClassName":"org.apache.hadoop.yarn.webapp.BadRequestException"}}`},
		{Forbidden("user %s may not kill %s", "eve", "application_1_0001"), http.StatusForbidden,
			`{"RemoteException":{"exception":"ForbiddenException","message":"java.lang.Exception: user eve may not kill application_1_0001","javaClassName":"org.apache.hadoop.yarn.webapp.ForbiddenException"}}`},
		{InternalError("store unavailable"), http.StatusInternalServerError,
			`{"RemoteException":{"exception":"WebApplicationException","message":"java.lang.Exception: store unavailable","javaClassName":"javax.ws.rs.WebApplicationException"}}`},
		{NodeNotFound("h:1"), http.StatusNotFound,
			`{"RemoteException":{"exception":"NotFoundException","message":"java.lang.Exception: nodeId, h:1, is not found","javaClassName":"org.apache.hadoop.yarn.webapp.NotFoundException"}}`},
		{Unauthorized("Unable to obtain user name, user not authenticated"), http.StatusUnauthorized,
			`{"RemoteException":{"exception":"AuthorizationException","message":"Unable to obtain user name, user not authenticated","javaClassName":"org.apache.hadoop.security.authorize.AuthorizationException"}}`},
	}
	for _, c := range cases {
		if c.err.Status != c.status {
			t.Errorf("%s: status %d, want %d", c.err.Exception, c.err.Status, c.status)
		}
		if got := mustMarshal(t, c.err.Body()); got != c.body {
			t.Errorf("body\n got %s\nwant %s", got, c.body)
		}
		var back RemoteExceptionResponse
		if err := json.Unmarshal([]byte(c.body), &back); err != nil || back.RemoteException.Message != c.err.Message {
			t.Errorf("decode %s: %+v %v", c.body, back, err)
		}
	}
	var err error = BadRequest("x")
	var re *RemoteException
	if !errors.As(err, &re) || re.Status != http.StatusBadRequest || err.Error() != "BadRequestException: java.lang.Exception: x" {
		t.Errorf("as error: %v", err)
	}
	_ = ContainerNotFound("c")
	_ = AttemptNotFound("a")
}

func TestFloat(t *testing.T) {
	cases := []struct {
		f    Float
		want string
	}{
		{100, `100`}, {12.5, `12.5`}, {33.333332, `33.333332`}, {0, `0`},
		{Float(math.NaN()), `"NaN"`}, {Float(math.Inf(1)), `"Infinity"`}, {Float(math.Inf(-1)), `"-Infinity"`},
	}
	for _, c := range cases {
		got := mustMarshal(t, c.f)
		if got != c.want {
			t.Errorf("%v encodes as %s, want %s", c.f, got, c.want)
		}
		var back Float
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Errorf("decode %s: %v", got, err)
		} else if back != c.f && !(math.IsNaN(float64(back)) && math.IsNaN(float64(c.f))) {
			t.Errorf("decode %s = %v", got, back)
		}
	}
	var f Float
	if err := json.Unmarshal([]byte(`"7.5"`), &f); err != nil || f != 7.5 {
		t.Errorf("quoted number: %v %v", f, err)
	}
	if err := json.Unmarshal([]byte(`"much"`), &f); err == nil {
		t.Error("decoded a word as a float")
	}
	if Percent(1, 8) != 12.5 || Percent(3, 0) != 0 {
		t.Errorf("Percent: %v %v", Percent(1, 8), Percent(3, 0))
	}
}

func TestTagsAndLists(t *testing.T) {
	if got := JoinTags([]string{"a", "b c"}); got != "a,b c" {
		t.Errorf("JoinTags = %q", got)
	}
	if got := SplitTags(" a, ,b ,"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("SplitTags = %q", got)
	}
	if SplitList("") != nil {
		t.Error("SplitList of empty is not nil")
	}
	if got := NormalizeTags([]string{" Nightly", "nightly", "", "Team-A"}); !reflect.DeepEqual(got, []string{"nightly", "team-a"}) {
		t.Errorf("NormalizeTags = %q", got)
	}
}

func TestTimes(t *testing.T) {
	now := time.UnixMilli(10_000)
	cases := []struct{ started, finished, want int64 }{
		{0, 0, 0},       // not started
		{4000, 0, 6000}, // running
		{4000, 9000, 5000},
		{9000, 4000, -1}, // clock went backwards
		{20_000, 0, -1},
	}
	for _, c := range cases {
		if got := Elapsed(c.started, c.finished, now); got != c.want {
			t.Errorf("Elapsed(%d, %d) = %d, want %d", c.started, c.finished, got, c.want)
		}
	}
	if Millis(time.Time{}) != 0 || Millis(now) != 10_000 {
		t.Error("Millis")
	}
	ts := time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC)
	if got := FormatLogTime(ts); got != "Tue Nov 14 22:13:20 +0000 2023" {
		t.Errorf("FormatLogTime = %q", got)
	}
	if back, err := ParseLogTime(FormatLogTime(ts)); err != nil || !back.Equal(ts) {
		t.Errorf("ParseLogTime = %v %v", back, err)
	}
	if FormatLogTime(time.Time{}) != "N/A" {
		t.Error("zero time")
	}
	if got := ContainerLogsURL("http", "nm:8042", "container_1_0001_01_000001", "alice"); got != "http://nm:8042/node/containerlogs/container_1_0001_01_000001/alice" {
		t.Errorf("ContainerLogsURL = %q", got)
	}
	if got := ProxyURL("http", "rm:8088", "application_1_0001"); got != "http://rm:8088/proxy/application_1_0001/" {
		t.Errorf("ProxyURL = %q", got)
	}
	if got := AppPageURL("http", "rm:8088", "application_1_0001"); got != "http://rm:8088/cluster/app/application_1_0001" {
		t.Errorf("AppPageURL = %q", got)
	}
}
