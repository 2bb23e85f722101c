package objstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testSecret = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"

func writeCreds(t *testing.T, mode os.FileMode, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

const credsBody = `# comment
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = ` + testSecret + `

[profile other]
aws_access_key_id=AKIDOTHER
aws_secret_access_key=otherSecret
aws_session_token=tok
`

func TestLoadCredentials(t *testing.T) {
	p := writeCreds(t, 0o600, credsBody)
	k, err := loadCredentials(p, "default")
	if err != nil {
		t.Fatal(err)
	}
	if k.accessKey != "AKIDDEFAULT" || k.secretKey != testSecret || k.sessionToken != "" {
		t.Fatalf("default keys wrong")
	}
	k, err = loadCredentials(p, "other")
	if err != nil || k.accessKey != "AKIDOTHER" || k.secretKey != "otherSecret" || k.sessionToken != "tok" {
		t.Fatalf("other profile: %v", err)
	}
	if s := k.String(); strings.Contains(s, "otherSecret") {
		t.Fatalf("String shows the secret: %s", s)
	}
}

func TestLoadCredentialsErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mode    os.FileMode
		body    string
		profile string
		want    string
	}{
		{"group readable", 0o640, credsBody, "default", "chmod 600"},
		{"world readable", 0o644, credsBody, "default", "mode 0644"},
		{"group writable", 0o620, credsBody, "default", "chmod 600"},
		{"missing profile", 0o600, credsBody, "prod", "no profile [prod]"},
		{"missing secret", 0o600, "[default]\naws_access_key_id = A\n", "default", "needs aws_access_key_id and aws_secret_access_key"},
		{"garbage line", 0o600, "[default]\n" + testSecret + "\n", "default", "line 2: expected key = value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeCreds(t, tc.mode, tc.body)
			_, err := loadCredentials(p, tc.profile)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("err %q does not name the file", err)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("err shows the secret: %v", err)
			}
		})
	}
	if _, err := loadCredentials(filepath.Join(t.TempDir(), "nope"), "default"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestNewReadsCredentialsAndExpandsHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte(credsBody), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{S3Endpoint: "http://127.0.0.1:1", S3CredentialsFile: "~/.aws/credentials"})
	if err != nil {
		t.Fatal(err)
	}
	if c.s3.sc.credsFile != filepath.Join(home, ".aws", "credentials") {
		t.Fatalf("credsFile = %q", c.s3.sc.credsFile)
	}
	if err := os.Chmod(filepath.Join(home, ".aws", "credentials"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{S3CredentialsFile: "~/.aws/credentials"}); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("New with a readable credentials file: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	err := Config{S3Endpoint: "ftp://x", FileRoots: []string{"relative", "/ok"}, S3MaxRetries: -1}.Validate()
	if err == nil {
		t.Fatal("bad config validated")
	}
	for _, want := range []string{"ftp://x", `"relative"`, "S3MaxRetries"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, missing %q", err, want)
		}
	}
	for _, ep := range []string{"http://h:8333", "https://s3.example", "http://h:8333/"} {
		if err := (Config{S3Endpoint: ep}).Validate(); err != nil {
			t.Errorf("%s: %v", ep, err)
		}
	}
	for _, ep := range []string{"h:8333", "http://h:8333/path", "http://", "http://u:p@h"} {
		if err := (Config{S3Endpoint: ep}).Validate(); err == nil {
			t.Errorf("%s validated", ep)
		}
	}
	if _, err := New(Config{S3Endpoint: "nope"}); err == nil {
		t.Error("New accepted a bad endpoint")
	}
}
