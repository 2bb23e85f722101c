package netsim

import (
	"context"
	"fmt"
	"net/netip"
	"os/exec"
	"strconv"
	"strings"

	"github.com/goyarn/goyarn/test/testenv"
)

// blackholeProto marks the blackhole routes netsim adds (ip route's proto).
const blackholeProto = "213"

// The caller's namespace (the test's own, normally the machine's) gets a
// blackhole route for the network's subnet while the network exists: a
// connection a test (or a Docker container on the host network) makes to a
// host address by mistake from there fails at once instead of following the
// default route off the machine. The route also claims the subnet: a second
// network, in this process or another, picks another one. Its metric is
// the owning process's pid, so a crashed run's route is recognized and
// removed.

// claimSubnet adds the blackhole route of p; false when another claims it.
func claimSubnet(ipPath string, p netip.Prefix, pid int) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(commandTimeout))
	defer cancel()
	out, err := exec.CommandContext(ctx, ipPath, "-4", "route", "add", "blackhole", p.String(),
		"proto", blackholeProto, "metric", strconv.Itoa(pid)).CombinedOutput()
	if err == nil {
		return true, nil
	}
	if strings.Contains(string(out), "File exists") {
		return false, nil
	}
	return false, fmt.Errorf("ip route add blackhole %s: %v: %s", p, err, strings.TrimSpace(string(out)))
}

// releaseSubnet removes the blackhole route of p.
func releaseSubnet(ipPath string, p netip.Prefix, pid int) error {
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(commandTimeout))
	defer cancel()
	out, err := exec.CommandContext(ctx, ipPath, "-4", "route", "del", "blackhole", p.String(),
		"proto", blackholeProto, "metric", strconv.Itoa(pid)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip route del blackhole %s: %v: %s", p, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// removeStaleBlackholes deletes the blackhole routes of networks whose
// process is gone.
func removeStaleBlackholes(ipPath string) {
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(commandTimeout))
	defer cancel()
	out, err := exec.CommandContext(ctx, ipPath, "-4", "route", "show", "type", "blackhole", "proto", blackholeProto).Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		dst := f[0]
		if dst == "blackhole" && len(f) > 1 {
			dst = f[1]
		}
		p, err := netip.ParsePrefix(dst)
		if err != nil {
			continue
		}
		for i := 0; i+1 < len(f); i++ {
			if f[i] != "metric" {
				continue
			}
			if pid, err := strconv.Atoi(f[i+1]); err == nil && pid > 0 && !processExists(pid) {
				_ = releaseSubnet(ipPath, p, pid)
			}
		}
	}
}
