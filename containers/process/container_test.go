package process

import (
	"strings"
	"testing"

	"github.com/goyarn/goyarn/api"
)

func TestDecideExit(t *testing.T) {
	pmem := &outcome{Kind: kindPMem, ExitCode: api.ExitKilledExceededPMem, Diagnostics: "over limit"}
	killed := &outcome{Kind: kindKilled, ExitCode: 137}
	for _, tc := range []struct {
		name     string
		facts    exitFacts
		wantCode int
		wantDiag string
	}{
		{"clean exit", exitFacts{haveWait: true}, 0, ""},
		{"failure", exitFacts{haveWait: true, waitCode: 3}, 3, "non-zero exit code 3"},
		{"stopped", exitFacts{haveWait: true, waitCode: 143, stopped: true}, 143, "killed on request. Exit code is 143"},
		{"memory kill wins over wait", exitFacts{haveWait: true, waitCode: 137, forced: pmem}, api.ExitKilledExceededPMem, "over limit"},
		{"memory kill wins over file", exitFacts{haveFile: true, fileCode: 0, forced: pmem}, api.ExitKilledExceededPMem, "over limit"},
		{"wait wins over file", exitFacts{haveWait: true, waitCode: 2, haveFile: true, fileCode: 5}, 2, "code 2"},
		{"file", exitFacts{haveFile: true, fileCode: 5}, 5, "code 5"},
		{"file wins over recorded kill", exitFacts{haveFile: true, fileCode: 143, forced: killed, stopped: true}, 143, "Exit code is 143"},
		{"recorded kill", exitFacts{forced: killed}, 137, "killed on request. Exit code is 137"},
		{"lost", exitFacts{}, api.ExitAborted, "exit status was lost"},
	} {
		code, diag := decideExit(testID(), tc.facts)
		if code != tc.wantCode || !strings.Contains(diag, tc.wantDiag) || (tc.wantDiag == "" && diag != "") {
			t.Errorf("%s: %d %q, want %d %q", tc.name, code, diag, tc.wantCode, tc.wantDiag)
		}
	}
}
