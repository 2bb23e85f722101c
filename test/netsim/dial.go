package netsim

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// DialContext connects from inside h's network namespace, as a program on
// h would, although the caller (the test) runs in its own namespace: the
// socket is made on an OS thread switched into h's namespace for the dial,
// and belongs to that namespace for its whole life. Only addresses of the
// test's own network (or h's loopback) are reachable from there.
func (h *Host) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	runtime.LockOSThread()
	self, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("netsim: own netns: %w", err)
	}
	defer unix.Close(self)
	target, err := unix.Open(nsPath(h.NetNS), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("netsim: %s's netns: %w", h.Name, err)
	}
	defer unix.Close(target)
	if err := unix.Setns(target, unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("netsim: entering %s's netns: %w", h.Name, err)
	}
	var d net.Dialer
	conn, dialErr := d.DialContext(ctx, network, addr)
	if err := unix.Setns(self, unix.CLONE_NEWNET); err != nil {
		// This thread stays in h's namespace: keep it locked, so Go ends
		// it with this goroutine instead of reusing it.
		if conn != nil {
			conn.Close()
		}
		return nil, fmt.Errorf("netsim: leaving %s's netns: %w", h.Name, err)
	}
	runtime.UnlockOSThread()
	return conn, dialErr
}

// HTTPClient is an HTTP client whose connections are made from h.
func (h *Host) HTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DialContext: h.DialContext, DisableKeepAlives: true}}
}
