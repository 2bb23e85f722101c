package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/goyarn/goyarn/api/yarn"
)

// nmGet fetches a NodeManager REST path and decodes it into out; it returns
// the status code.
func nmGet(t *testing.T, nmWeb, path string, out any) int {
	t.Helper()
	res, err := http.Get("http://" + nmWeb + path)
	if err != nil {
		t.Fatalf("GET %s%s: %v", nmWeb, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode == 200 && out != nil {
		if s, ok := out.(*string); ok {
			*s = string(data)
		} else if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("GET %s%s: %v: %s", nmWeb, path, err, data)
		}
	}
	return res.StatusCode
}

// nmAppContainers lists the containers an NM ran for an application.
func nmAppContainers(t *testing.T, nmWeb, appID string) []string {
	t.Helper()
	var r yarn.NMAppResponse
	if nmGet(t, nmWeb, "/ws/v1/node/apps/"+appID, &r) != 200 {
		return nil
	}
	var out []string
	for _, id := range r.App.ContainerIDs {
		out = append(out, id.String())
	}
	return out
}

func newRequest(method, url, body string) (*http.Request, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}
