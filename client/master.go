package client

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// EnvRMAddresses names the environment variable `--master yarn` reads: the
// RM web addresses in any form ParseMaster accepts except "yarn".
const EnvRMAddresses = "GOYARN_RM_ADDRESSES"

// DefaultRMAddress is the RM web address when nothing names one.
const DefaultRMAddress = "127.0.0.1:8088"

// DefaultRMWebPort is the port assumed for an address given without one.
const DefaultRMWebPort = 8088

// MasterScheme prefixes the URL form of a master: goyarn://h1:8088,h2:8088.
const MasterScheme = "goyarn://"

// RM is one ResourceManager of a master list: its HA id (rm1, rm2, … by
// position unless the entry named it, as in rm1=host:port) and its web
// address host:port.
type RM struct {
	ID   string
	Addr string
}

// ParseMaster resolves a master specification to RM web addresses
// (host:port). It accepts:
//
//   - "yarn" or "": the addresses in $GOYARN_RM_ADDRESSES, else the RMs of
//     the cluster layout (LoadLayout: $GOYARN_CONF_DIR/goyarn.yaml or the
//     checkout's conf/goyarn.yaml), else DefaultRMAddress;
//   - "goyarn://h1:8088,h2:8088";
//   - a comma-separated list "h1:8088,h2:8088", entries optionally prefixed
//     with http:// and optionally named ("rm1=h1:8088").
//
// An entry without a port gets DefaultRMWebPort.
func ParseMaster(s string) ([]string, error) {
	rms, err := ParseRMs(s)
	if err != nil {
		return nil, err
	}
	addrs := make([]string, len(rms))
	for i, rm := range rms {
		addrs[i] = rm.Addr
	}
	return addrs, nil
}

// ParseRMs is ParseMaster keeping the RM ids: an entry rmX=host:port is
// named rmX, any other is named rm<position> (rm1 first).
func ParseRMs(s string) ([]RM, error) { return ResolveRMs(s, os.Getenv) }

// ResolveRMs is ParseRMs with the environment given as getenv.
func ResolveRMs(s string, getenv func(string) string) ([]RM, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "yarn") {
		env := strings.TrimSpace(getenv(EnvRMAddresses))
		if env == "" {
			cl, err := LoadLayout(getenv)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrBadMaster, err)
			}
			env = strings.Join(cl.WebAddresses(), ",")
		}
		if strings.EqualFold(env, "yarn") {
			return nil, fmt.Errorf("%w: $%s is %q; it must list addresses", ErrBadMaster, EnvRMAddresses, env)
		}
		s = env
	}
	if len(s) >= len(MasterScheme) && strings.EqualFold(s[:len(MasterScheme)], MasterScheme) {
		s = s[len(MasterScheme):]
	}
	var out []RM
	seen := map[string]bool{}
	for i, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		id := "rm" + strconv.Itoa(i+1)
		if name, rest, ok := strings.Cut(entry, "="); ok {
			if name = strings.TrimSpace(name); name == "" || strings.ContainsAny(name, ":/ ") {
				return nil, fmt.Errorf("%w: entry %q: want <rm-id>=host:port", ErrBadMaster, entry)
			}
			id, entry = name, strings.TrimSpace(rest)
		}
		addr, err := normalizeAddr(entry)
		if err != nil {
			return nil, err
		}
		if seen[id] {
			return nil, fmt.Errorf("%w: RM id %s appears twice in %q", ErrBadMaster, id, s)
		}
		seen[id] = true
		out = append(out, RM{ID: id, Addr: addr})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: %q names no ResourceManager", ErrBadMaster, s)
	}
	return out, nil
}

// normalizeAddr turns host, host:port or http://host:port[/] into host:port.
func normalizeAddr(entry string) (string, error) {
	a := entry
	if i := strings.Index(a, "://"); i >= 0 {
		if !strings.EqualFold(a[:i], "http") {
			return "", fmt.Errorf("%w: %q: only http:// addresses are supported", ErrBadMaster, entry)
		}
		a = a[i+3:]
	}
	a = strings.TrimSuffix(a, "/")
	if a == "" || strings.ContainsAny(a, "/?# ") {
		return "", fmt.Errorf("%w: %q is not host:port", ErrBadMaster, entry)
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		// No port (or a bare IPv6 address): use the default web port.
		host, port = strings.Trim(a, "[]"), strconv.Itoa(DefaultRMWebPort)
	}
	if host == "" {
		return "", fmt.Errorf("%w: %q has no host", ErrBadMaster, entry)
	}
	if p, err := strconv.Atoi(port); err != nil || p <= 0 || p > 65535 {
		return "", fmt.Errorf("%w: %q: port must be 1-65535", ErrBadMaster, entry)
	}
	return net.JoinHostPort(host, port), nil
}

// OutboundHost is the address of this machine that reaches addr (host:port):
// what a driver in the client binds and advertises so that executors on
// other hosts can reach it, as Spark's spark.driver.host defaults to the
// local address. It sends nothing (a UDP socket is connected, not used).
// fallback when addr cannot be resolved or routed.
func OutboundHost(addr, fallback string) string {
	c, err := net.Dial("udp", addr)
	if err != nil {
		return fallback
	}
	defer c.Close()
	if ua, ok := c.LocalAddr().(*net.UDPAddr); ok && ua.IP != nil && !ua.IP.IsUnspecified() {
		return ua.IP.String()
	}
	return fallback
}
