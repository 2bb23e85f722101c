package api

import "testing"

func TestExitReason(t *testing.T) {
	for status, want := range map[int]string{
		0: "success", 1: "failed", 2: "failed", 137: "failed", 143: "failed", -7: "failed",
		ExitInvalid: "invalid", ExitAborted: "aborted", ExitDisksFailed: "disks_failed",
		ExitPreempted: "preempted", ExitKilledExceededVMem: "oom", ExitKilledExceededPMem: "oom",
		ExitKilledByAppMaster: "killed", ExitKilledByResourceManager: "killed",
		ExitKilledAfterAppCompletion: "killed",
	} {
		if got := ExitReason(status); got != want {
			t.Errorf("ExitReason(%d) = %q, want %q", status, got, want)
		}
	}
	seen := map[string]bool{}
	for _, r := range ExitReasons {
		if seen[r] {
			t.Errorf("ExitReasons lists %q twice", r)
		}
		seen[r] = true
	}
	for _, status := range []int{0, 1, ExitInvalid, ExitAborted, ExitDisksFailed, ExitPreempted, ExitKilledExceededPMem,
		ExitKilledByAppMaster} {
		if r := ExitReason(status); !seen[r] {
			t.Errorf("ExitReason(%d) = %q is not in ExitReasons", status, r)
		}
	}
}
