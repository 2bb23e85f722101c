package netsim

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os/exec"
	"strings"

	"github.com/goyarn/goyarn/test/testenv"
)

// defaultSubnets are tried in order; the first that overlaps no address or
// route of the caller's namespace is used.
func defaultSubnets() []netip.Prefix {
	var out []netip.Prefix
	for third := 7; third < 255; third += 16 {
		out = append(out, netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 213, byte(third), 0}), 24))
	}
	return out
}

// parseSubnet accepts "10.213.7.0/24" or the prefix "10.213.7".
func parseSubnet(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		s = strings.TrimSuffix(s, ".") + ".0/24"
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("subnet %q: %w", s, err)
	}
	if !p.Addr().Is4() || p.Bits() != 24 {
		return netip.Prefix{}, fmt.Errorf("subnet %q: want an IPv4 /24", s)
	}
	return p.Masked(), nil
}

// localPrefixes lists the IPv4 prefixes of the caller's namespace: its
// interface addresses and every route in every table except default routes.
func localPrefixes(ipPath string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			if p, ok := ipNetPrefix(ipn); ok {
				out = append(out, p)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Scaled(commandTimeout))
	defer cancel()
	routes, err := exec.CommandContext(ctx, ipPath, "-4", "route", "show", "table", "all").Output()
	if err != nil {
		return nil, fmt.Errorf("ip route: %w", err)
	}
	for _, line := range strings.Split(string(routes), "\n") {
		if p, ok := routePrefix(line); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

var routeTypes = map[string]bool{
	"unicast": true, "local": true, "broadcast": true, "multicast": true, "anycast": true,
	"blackhole": true, "unreachable": true, "prohibit": true, "throw": true, "nat": true,
}

// routePrefix reads the destination of one `ip route` line.
func routePrefix(line string) (netip.Prefix, bool) {
	f := strings.Fields(line)
	if len(f) > 0 && routeTypes[f[0]] {
		f = f[1:]
	}
	if len(f) == 0 || f[0] == "default" {
		return netip.Prefix{}, false
	}
	if p, err := netip.ParsePrefix(f[0]); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(f[0]); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

func ipNetPrefix(ipn *net.IPNet) (netip.Prefix, bool) {
	a, ok := netip.AddrFromSlice(ipn.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	ones, _ := ipn.Mask.Size()
	if !a.Is4() {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, ones).Masked(), true
}

// pickSubnet returns want (validated) or the first default subnet; either
// must overlap none of used.
func pickSubnet(want string, used []netip.Prefix) (netip.Prefix, error) {
	free := func(p netip.Prefix) error {
		for _, u := range used {
			if u.Overlaps(p) {
				return fmt.Errorf("subnet %s overlaps %s in this namespace", p, u)
			}
		}
		return nil
	}
	if want != "" {
		p, err := parseSubnet(want)
		if err != nil {
			return p, err
		}
		return p, free(p)
	}
	for _, p := range defaultSubnets() {
		if free(p) == nil {
			return p, nil
		}
	}
	return netip.Prefix{}, fmt.Errorf("no free subnet among the defaults")
}
