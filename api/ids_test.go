package api

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestIDRoundTrip(t *testing.T) {
	app := ApplicationID{ClusterTimestamp: 1476912658570, Seq: 2}
	att := AttemptID{App: app, Attempt: 1}
	cases := []struct {
		text  string
		parse func(string) (any, error)
		want  any
	}{
		{"application_1476912658570_0002", func(s string) (any, error) { return ParseApplicationID(s) }, app},
		{"application_1476912658570_12345", func(s string) (any, error) { return ParseApplicationID(s) }, ApplicationID{1476912658570, 12345}},
		{"appattempt_1476912658570_0002_000001", func(s string) (any, error) { return ParseAttemptID(s) }, att},
		{"container_1476912658570_0002_01_000005", func(s string) (any, error) { return ParseContainerID(s) }, ContainerID{Attempt: att, Seq: 5}},
		{"container_e17_1476912658570_0002_01_000005", func(s string) (any, error) { return ParseContainerID(s) }, ContainerID{Attempt: att, Epoch: 17, Seq: 5}},
		{"host.domain.com:54158", func(s string) (any, error) { return ParseNodeID(s) }, NodeID{Host: "host.domain.com", Port: 54158}},
	}
	for _, c := range cases {
		got, err := c.parse(c.text)
		if err != nil {
			t.Fatalf("parse %q: %v", c.text, err)
		}
		if got != c.want {
			t.Fatalf("parse %q = %#v, want %#v", c.text, got, c.want)
		}
		if s := got.(interface{ String() string }).String(); s != c.text {
			t.Fatalf("String() = %q, want %q", s, c.text)
		}
	}
}

func TestIDParseErrors(t *testing.T) {
	bad := []string{"", "application", "application_x_1", "application_1_0", "application_-5_1", "appattempt_1_1",
		"container_1_1_1", "container_e_1_1_1_1", "container_1_1_1_0", "container_e99999999_1_1_1_1", "job_1_1"}
	for _, s := range bad {
		if _, err := ParseApplicationID(s); err == nil || !errors.Is(err, ErrInvalidID) {
			t.Errorf("ParseApplicationID(%q) err = %v, want ErrInvalidID", s, err)
		}
		if _, err := ParseContainerID(s); err == nil || !errors.Is(err, ErrInvalidID) {
			t.Errorf("ParseContainerID(%q) err = %v, want ErrInvalidID", s, err)
		}
	}
	for _, s := range []string{"host", "host:0", "host:70000", ":80", "host:x"} {
		if _, err := ParseNodeID(s); !errors.Is(err, ErrInvalidID) {
			t.Errorf("ParseNodeID(%q) err = %v, want ErrInvalidID", s, err)
		}
	}
}

func TestIDJSON(t *testing.T) {
	type msg struct {
		C ContainerID `json:"c"`
		N NodeID      `json:"n"`
		A ApplicationID
	}
	in := msg{C: ContainerID{Attempt: AttemptID{App: ApplicationID{5, 1}, Attempt: 2}, Epoch: 3, Seq: 9}, N: NodeID{"127.0.0.1", 8041}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"c":"container_e03_5_0001_02_000009","n":"127.0.0.1:8041","A":""}` {
		t.Fatalf("json = %s", b)
	}
	var out msg
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("round trip = %#v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"c":"nonsense"}`), &out); !errors.Is(err, ErrInvalidID) {
		t.Fatalf("bad id err = %v", err)
	}
}
