package containermanager

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/containers/fake"
)

func TestStartBuildsSpec(t *testing.T) {
	e := newEnv(t, fake.Config{Default: fake.Outcome{RunUntilStopped: true}})
	if err := os.WriteFile(filepath.Join(e.staging, "prog"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	id := cid(t, "container_e03_1700000000000_0007_01_000002")
	req := rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{{
		Token: token(id, "alice"),
		Launch: api.LaunchContext{
			LocalResources: map[string]api.LocalResource{"prog": {URL: "file://" + filepath.Join(e.staging, "prog"), Type: api.ResourceFile}},
			Environment: map[string]string{
				"CLASSPATH":    "{{PWD}}/a<CPS>{{PWD}}/b",
				"OUT":          "<LOG_DIR>/x",
				"CONTAINER_ID": "spoofed",
				"PATH":         "/custom/bin",
			},
			Commands: []string{"./prog", "--home", "{{HOME}}", "1><LOG_DIR>/stdout", "2><LOG_DIR>/stderr"},
		},
	}}}
	resp, err := e.m.Start(req)
	if err != nil || len(resp.Started) != 1 || resp.Started[0] != id || len(resp.Failed) != 0 {
		t.Fatalf("start = %+v, %v", resp, err)
	}
	started := e.rt.Started()
	if len(started) != 1 {
		t.Fatalf("runtime started %d containers", len(started))
	}
	spec := started[0]
	app := id.App().String()
	work := filepath.Join(e.local, "usercache", "alice", "appcache", app, id.String())
	logs := filepath.Join(e.logs, app, id.String())
	if spec.WorkDir != work || spec.LogDir != logs || spec.User != "alice" || spec.Resource != api.Res(1024, 2) {
		t.Fatalf("spec dirs/user/resource: %+v", spec)
	}
	if want := "./prog --home $HOME 1>" + logs + "/stdout 2>" + logs + "/stderr"; spec.Command != want {
		t.Fatalf("command\n got %q\nwant %q", spec.Command, want)
	}
	wantEnv := map[string]string{
		"CONTAINER_ID":               id.String(),
		"NM_HOST":                    "127.0.0.1",
		"NM_PORT":                    "45454",
		"NM_HTTP_PORT":               "8042",
		"LOG_DIRS":                   logs,
		"LOCAL_DIRS":                 filepath.Join(e.local, "usercache", "alice", "appcache", app),
		"USER":                       "alice",
		"PWD":                        work,
		"HOME":                       work,
		"GOYARN_CONTAINER_MEMORY_MB": "1024",
		"GOYARN_CONTAINER_VCORES":    "2",
		"GOYARN_STAGING_DIR":         e.staging,
		"CLASSPATH":                  work + "/a:" + work + "/b",
		"OUT":                        logs + "/x",
		"PATH":                       "/custom/bin",
	}
	for k, v := range wantEnv {
		if spec.Env[k] != v {
			t.Errorf("env %s = %q, want %q", k, spec.Env[k], v)
		}
	}
	if spec.Labels[LabelContainerID] != id.String() || spec.Labels[LabelAppID] != app {
		t.Errorf("labels %v", spec.Labels)
	}
	if fi, err := os.Stat(filepath.Join(work, "prog")); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Fatalf("localized prog: %v %v", fi, err)
	}

	// PATH defaults to the NM's.
	id2 := cid(t, "container_e03_1700000000000_0007_01_000003")
	e.mustStart(startReq(id2, "true"))
	if got := e.rt.Started()[1].Env["PATH"]; got != "/nm/bin" {
		t.Fatalf("default PATH %q", got)
	}

	st, ok := status(e.m.HeartbeatStatuses(), id)
	if !ok || st.State != api.RunRunning || st.ExitStatus != api.ExitInvalid || st.Resource != api.Res(1024, 2) {
		t.Fatalf("running status %+v", st)
	}
	ci, err := e.m.Container(id)
	if err != nil || ci.State != api.NMContainerRunning {
		t.Fatalf("container info %+v %v", ci, err)
	}
}

func TestTokenRefusals(t *testing.T) {
	id := cid(t, "container_e03_1700000000000_0007_01_000002")
	other := api.NodeID{Host: "10.0.0.9", Port: 45454}
	tests := []struct {
		name  string
		token func() security.ContainerToken
	}{
		{"bad signature", func() security.ContainerToken {
			tk := token(id, "alice")
			tk.Resource = api.Res(99999, 64) // tampered after signing
			return tk
		}},
		{"other secret", func() security.ContainerToken {
			return security.SignContainerToken(security.NewSecret([]byte("another-secret-of-16+bytes")), security.ContainerToken{
				ContainerID: id, NodeID: node, User: "alice", ExpiresAt: t0.Add(time.Hour).UnixMilli()})
		}},
		{"other node", func() security.ContainerToken {
			return security.SignContainerToken(secret, security.ContainerToken{
				ContainerID: id, NodeID: other, User: "alice", ExpiresAt: t0.Add(time.Hour).UnixMilli()})
		}},
		{"expired", func() security.ContainerToken {
			return security.SignContainerToken(secret, security.ContainerToken{
				ContainerID: id, NodeID: node, User: "alice", ExpiresAt: t0.Add(-time.Second).UnixMilli()})
		}},
		{"path in user", func() security.ContainerToken {
			return security.SignContainerToken(secret, security.ContainerToken{
				ContainerID: id, NodeID: node, User: "../root", ExpiresAt: t0.Add(time.Hour).UnixMilli()})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, fake.Config{Default: fake.Outcome{RunUntilStopped: true}})
			good := cid(t, "container_e03_1700000000000_0007_01_000005")
			req := rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{
				{Token: token(good, "alice"), Launch: api.LaunchContext{Commands: []string{"true"}}},
				{Token: tc.token(), Launch: api.LaunchContext{Commands: []string{"true"}}},
			}}
			_, err := e.m.Start(req)
			if rpc.CodeOf(err) != rpc.CodeInvalidToken {
				t.Fatalf("err = %v, want INVALID_TOKEN", err)
			}
			if n := len(e.rt.Started()); n != 0 {
				t.Fatalf("%d containers started", n)
			}
			if n := len(e.m.Containers()); n != 0 {
				t.Fatalf("%d containers recorded", n)
			}
			if _, err := os.Stat(filepath.Join(e.local, "usercache")); err == nil {
				t.Fatal("directories created for a refused request")
			}
		})
	}
}

func TestReplayRefused(t *testing.T) {
	e := newEnv(t, fake.Config{Default: fake.Outcome{RunUntilStopped: true}})
	id := cid(t, "container_e03_1700000000000_0007_01_000002")
	e.mustStart(startReq(id, "sleep"))
	resp, err := e.m.Start(startReq(id, "sleep"))
	if err != nil || len(resp.Failed) != 1 || len(resp.Started) != 0 || !strings.Contains(resp.Failed[0].Error, "already started") {
		t.Fatalf("replay: %+v %v", resp, err)
	}
	// The same id twice in one request: the second is a replay too.
	id2 := cid(t, "container_e03_1700000000000_0007_01_000003")
	req := startReq(id2, "sleep")
	req.Containers = append(req.Containers, req.Containers[0])
	resp, _ = e.m.Start(req)
	if len(resp.Started) != 1 || len(resp.Failed) != 1 {
		t.Fatalf("duplicate in one request: %+v", resp)
	}
	if n := len(e.rt.Started()); n != 2 {
		t.Fatalf("runtime started %d, want 2", n)
	}
	// A replay is not reported to the RM: the original still runs.
	if st, _ := status(e.m.HeartbeatStatuses(), id); st.State != api.RunRunning {
		t.Fatalf("original after replay: %+v", st)
	}
}

func TestStartFailures(t *testing.T) {
	tests := []struct {
		name      string
		launch    func(e *env) api.LaunchContext
		startErr  error
		wantState api.NMContainerState
		wantDiag  string
	}{
		{"outside the roots", func(e *env) api.LaunchContext {
			os.WriteFile(filepath.Join(e.base, "secret"), []byte("x"), 0o600)
			return api.LaunchContext{Commands: []string{"true"}, LocalResources: map[string]api.LocalResource{
				"s": {URL: filepath.Join(e.base, "secret")}}}
		}, nil, api.NMContainerLocalizationFailed, "outside the localizable directories"},
		{"bad resource name", func(e *env) api.LaunchContext {
			os.WriteFile(filepath.Join(e.staging, "f"), []byte("x"), 0o600)
			return api.LaunchContext{Commands: []string{"true"}, LocalResources: map[string]api.LocalResource{
				"../../f": {URL: filepath.Join(e.staging, "f")}}}
		}, nil, api.NMContainerLocalizationFailed, "plain file name"},
		{"no command", func(e *env) api.LaunchContext { return api.LaunchContext{} }, nil, api.NMContainerExitedFailure, "no command"},
		{"runtime refuses", func(e *env) api.LaunchContext { return api.LaunchContext{Commands: []string{"boom"}} },
			errors.New("image not allowed"), api.NMContainerExitedFailure, "image not allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, fake.Config{ByCommand: map[string]fake.Outcome{"boom": {StartErr: tc.startErr}}})
			id := cid(t, "container_e03_1700000000000_0007_01_000002")
			resp, err := e.m.Start(rpc.StartContainersRequest{Containers: []rpc.StartContainerRequest{{Token: token(id, "alice"), Launch: tc.launch(e)}}})
			if err != nil || len(resp.Failed) != 1 || !strings.Contains(resp.Failed[0].Error, tc.wantDiag) {
				t.Fatalf("start = %+v, %v", resp, err)
			}
			st, ok := status(e.m.HeartbeatStatuses(), id)
			if !ok || st.State != api.RunComplete || st.ExitStatus != api.ExitInvalid || !strings.Contains(st.Diagnostics, tc.wantDiag) {
				t.Fatalf("reported %+v", st)
			}
			if ci, _ := e.m.Container(id); ci.State != tc.wantState {
				t.Fatalf("state %s, want %s", ci.State, tc.wantState)
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	e := newEnv(t, fake.Config{})
	if _, err := e.m.Start(rpc.StartContainersRequest{}); rpc.CodeOf(err) != rpc.CodeInvalidRequest {
		t.Fatalf("empty start: %v", err)
	}
	bad := token(cid(t, "container_e03_1700000000000_0007_01_000002"), "alice")
	bad.Signature = "x"
	if _, err := e.m.StopByAM(rpc.ContainersRequest{Tokens: []security.ContainerToken{bad}}); rpc.CodeOf(err) != rpc.CodeInvalidToken {
		t.Fatalf("stop with a bad token: %v", err)
	}
	if _, err := e.m.Statuses(rpc.ContainersRequest{Tokens: []security.ContainerToken{bad}}); rpc.CodeOf(err) != rpc.CodeInvalidToken {
		t.Fatalf("status with a bad token: %v", err)
	}
}
