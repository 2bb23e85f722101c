package netsim

import (
	"net/netip"
	"testing"
)

func TestStalePid(t *testing.T) {
	for _, c := range []struct {
		name string
		pid  int
		ok   bool
	}{
		{"gynet-123-1-sw", 123, true},
		{"gynet-123-17-h-resourcemanager-1", 123, true},
		{"gynet-123", 0, false},
		{"gynet-123-x-sw", 0, false},
		{"gynetx-123-1-sw", 0, false},
		{"other-123-1-sw", 0, false},
		{"gynet--1-sw", 0, false},
	} {
		pid, ok := stalePid(c.name, "gynet")
		if pid != c.pid || ok != c.ok {
			t.Errorf("stalePid(%q) = %d, %v; want %d, %v", c.name, pid, ok, c.pid, c.ok)
		}
	}
}

func TestRoutePrefix(t *testing.T) {
	for line, want := range map[string]string{
		"default via 192.0.2.1 dev eth0":                                       "",
		"172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1":     "172.17.0.0/16",
		"local 192.0.2.2 dev eth0 table local proto kernel scope host":         "192.0.2.2/32",
		"broadcast 127.255.255.255 dev lo table local proto kernel scope link": "127.255.255.255/32",
		"blackhole 10.0.0.0/8": "10.0.0.0/8",
		"":                     "",
	} {
		p, ok := routePrefix(line)
		if got := map[bool]string{true: p.String(), false: ""}[ok]; got != want {
			t.Errorf("routePrefix(%q) = %q, want %q", line, got, want)
		}
	}
}

func TestPickSubnet(t *testing.T) {
	used := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("10.213.7.0/24")}
	if p, err := pickSubnet("", used); err != nil || p.String() != "10.213.23.0/24" {
		t.Errorf("default with 10.213.7.0/24 taken: %v %v", p, err)
	}
	if p, err := pickSubnet("10.99.1", used); err != nil || p.String() != "10.99.1.0/24" {
		t.Errorf("10.99.1: %v %v", p, err)
	}
	for _, bad := range []string{"10.213.7.0/24", "192.0.2", "10.0.0.0/16", "fd00::/64", "nonsense"} {
		if p, err := pickSubnet(bad, used); err == nil {
			t.Errorf("pickSubnet(%q) = %v, want an error", bad, p)
		}
	}
	if _, err := pickSubnet("", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}); err == nil {
		t.Error("all defaults taken: want an error")
	}
}
