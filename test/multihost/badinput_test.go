package multihost

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

// withConf writes a variant of the client's layout into a directory of its
// own (edit changes the YAML text) and returns GOYARN_CONF_DIR for it.
func (s *Seed) withConf(t *testing.T, name string, edit func(yaml string) string) string {
	t.Helper()
	src, dst := confDir(s.Client), filepath.Join(s.Client.Root, "conf-"+name)
	must(t, os.MkdirAll(dst, 0o755))
	for _, f := range []string{"goyarn.yaml", "auth-tokens", "s3-credentials"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		must(t, err)
		if f == "goyarn.yaml" {
			b = []byte(edit(string(b)))
		}
		must(t, os.WriteFile(filepath.Join(dst, f), b, 0o600))
	}
	return dst
}

// An unreachable store, wrong credentials and a missing bucket each stop
// gosubmit before it submits anything, with one line that names the
// problem (and no key), and leave nothing staged.
func TestSeedBadStore(t *testing.T) {
	s := Start(t, Options{NoLogAggregation: true})
	cases := []struct {
		name, want string
		edit       func(string) string
	}{
		{"unreachable", "unreachable", func(y string) string {
			return strings.Replace(y, s.S3.Endpoint, "http://"+s.Store.IP+":1", 1)
		}},
		{"wrong-credentials", "access denied", func(y string) string {
			return strings.Replace(y, "credentials-file: s3-credentials", "credentials-file: wrong-credentials", 1)
		}},
		{"missing-bucket", "does not exist", func(y string) string {
			return strings.Replace(y, "s3://"+s.S3.Bucket+"/staging", "s3://no-such-bucket/staging", 1)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := s.withConf(t, tc.name, tc.edit)
			must(t, os.WriteFile(filepath.Join(dir, "wrong-credentials"),
				[]byte("[default]\naws_access_key_id = "+s.S3.AccessKey+"\naws_secret_access_key = not-the-secret\n"), 0o600))
			cmd := s.Command(t.Context(), s.Client, "gosubmit", "--master", "yarn", "--deploy-mode", "cluster", filepath.Join(s.Bin, "pi"), "2")
			cmd.Env = append(cmd.Env, "GOYARN_CONF_DIR="+dir)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			if err == nil {
				t.Fatalf("gosubmit succeeded:\n%s", errb.String())
			}
			text := errb.String()
			var errLines []string
			for _, l := range strings.Split(text, "\n") {
				if strings.Contains(l, "ERROR") || strings.HasPrefix(l, "Error") {
					errLines = append(errLines, l)
				}
			}
			if len(errLines) != 1 || !strings.Contains(strings.ToLower(errLines[0]), tc.want) {
				t.Fatalf("want one error line saying %q, got:\n%s", tc.want, text)
			}
			t.Logf("gosubmit says: %s", errLines[0])
			if strings.Contains(text, s.S3.SecretKey) || strings.Contains(text, "Submitted application") {
				t.Errorf("the secret key leaked or an application was submitted:\n%s", text)
			}
			if objs := s.S3Objects(t, "staging/"); len(objs) != 0 {
				t.Errorf("staged objects left: %v", objs)
			}
		})
	}
}

// A resource that changed after it was submitted fails the application
// with one clear diagnostic: the NodeManager compares the stored object's
// size and time with what the submission recorded, as YARN does.
func TestSeedResourceChangedAfterSubmission(t *testing.T) {
	s := Start(t, Options{NoLogAggregation: true})
	hc := s.Client.HTTPClient(30 * time.Second)
	rm := fmt.Sprintf("http://%s:%d/ws/v1/cluster", s.Hosts[s.ActiveRM()].IP, rmWeb)
	post := func(path string, body any, out any) int {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, rm+path+"?user.name=tester", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+s.Token)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if out != nil {
			_ = json.NewDecoder(resp.Body).Decode(out)
		}
		return resp.StatusCode
	}
	var na struct {
		ID string `json:"application-id"`
	}
	if code := post("/apps/new-application", nil, &na); code != http.StatusOK || na.ID == "" {
		t.Fatalf("new-application: %d %+v", code, na)
	}
	mc, err := s.S3.Client()
	must(t, err)
	key := "staging/" + na.ID + "/appmaster"
	am, err := os.Open(filepath.Join(s.Bin, "appmaster"))
	must(t, err)
	defer am.Close()
	fi, _ := am.Stat()
	if _, err := mc.PutObject(t.Context(), s.S3.Bucket, key, am, fi.Size(), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := mc.StatObject(t.Context(), s.S3.Bucket, key, minio.StatObjectOptions{})
	must(t, err)
	sub := map[string]any{
		"application-id": na.ID, "application-name": "changed", "application-type": "YARN", "max-app-attempts": 1,
		"resource": map[string]any{"memory": 512, "vCores": 1},
		"am-container-spec": map[string]any{
			"local-resources": map[string]any{"entry": []any{map[string]any{"key": "appmaster", "value": map[string]any{
				"resource": "s3://" + s.S3.Bucket + "/" + key, "type": "FILE", "visibility": "APPLICATION",
				// As submitted a second before the object was written again.
				"size": st.Size, "timestamp": st.LastModified.UnixMilli() - 1000,
			}}}},
			"commands": map[string]any{"command": "./appmaster shell --shell-command date --num-containers 1"},
		},
	}
	if code := post("/apps", sub, nil); code != http.StatusAccepted {
		t.Fatalf("submit: %d", code)
	}
	var app struct {
		App struct{ State, FinalStatus, Diagnostics string } `json:"app"`
	}
	s.WaitFor(t, "the application to fail", 2*time.Minute, func() (bool, string) {
		out, err := s.REST("/ws/v1/cluster/apps/" + na.ID)
		if err != nil || json.Unmarshal(out, &app) != nil {
			return false, fmt.Sprint(err)
		}
		return app.App.State == "FAILED", fmt.Sprintf("%+v", app.App)
	})
	if !strings.Contains(app.App.Diagnostics, "changed on the source file system") || !strings.Contains(app.App.Diagnostics, key) {
		t.Errorf("diagnostics do not say the resource changed: %q", app.App.Diagnostics)
	}
	t.Logf("diagnostics: %s", app.App.Diagnostics)
}
