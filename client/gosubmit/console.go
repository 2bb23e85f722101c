package gosubmit

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goyarn/goyarn/api/yarn"
)

// Log sources, as Spark's log4j console shows the logger's simple name.
const (
	srcClient = "Client"
	srcYarn   = "YarnClientImpl"
)

// console writes gosubmit's log lines as Spark's log4j console appender
// does ("yy/MM/dd HH:mm:ss LEVEL Source: message") and, on a terminal, keeps
// one live progress line below them, redrawn in place.
type console struct {
	mu     sync.Mutex
	w      io.Writer
	now    func() time.Time
	loc    *time.Location
	tty    bool
	live   bool // a progress line is on screen
	waited bool // "waiting for an active ResourceManager" was said since the last answer
}

func newConsole(w io.Writer, o *Options) *console {
	return &console{w: w, now: o.Now, loc: o.Location, tty: o.IsTerminal(w)}
}

func (c *console) stamp() string { return c.now().In(c.loc).Format("06/01/02 15:04:05") }

func (c *console) log(level, source, format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearLocked()
	fmt.Fprintf(c.w, "%s %s %s: %s\n", c.stamp(), level, source, fmt.Sprintf(format, args...))
}

func (c *console) infof(format string, args ...any)  { c.log("INFO", srcClient, format, args...) }
func (c *console) warnf(format string, args ...any)  { c.log("WARN", srcClient, format, args...) }
func (c *console) errorf(format string, args ...any) { c.log("ERROR", srcClient, format, args...) }

// println writes a plain line (no log prefix).
func (c *console) println(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearLocked()
	fmt.Fprintln(c.w, s)
}

// progress redraws the live line; it does nothing off a terminal.
func (c *console) progress(format string, args ...any) {
	if !c.tty {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.w, "\r\x1b[K%s", fmt.Sprintf(format, args...))
	c.live = true
}

// clear removes the live line, if any.
func (c *console) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearLocked()
}

func (c *console) clearLocked() {
	if c.live {
		fmt.Fprint(c.w, "\r\x1b[K")
		c.live = false
	}
}

// waiting is the REST client's OnWait hook: said once per outage.
func (c *console) waiting(msg string) {
	c.mu.Lock()
	said := c.waited
	c.waited = true
	c.mu.Unlock()
	if !said {
		c.warnf("%s", strings.Replace(msg, "waiting for an active ResourceManager (", "waiting for an active ResourceManager… (", 1))
	}
}

// answered notes that an RM answered, so a later outage is said again.
func (c *console) answered() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waited = false
}

// reportLine is the line spark-submit prints for each application report.
func reportLine(a yarn.App) string {
	return fmt.Sprintf("Application report for %s (state: %s)", a.ID, a.State)
}

// reportDetails is Spark's formatReportDetails: "\n\t key: value" per
// field, N/A for empty values.
func reportDetails(a yarn.App, extra ...[2]string) string {
	host, port := "N/A", "-1"
	if a.AMRPCAddress != "" {
		if h, p, err := net.SplitHostPort(a.AMRPCAddress); err == nil {
			host, port = h, p
		} else {
			host = a.AMRPCAddress
		}
	}
	final := string(a.FinalStatus)
	if final == "" {
		final = "UNDEFINED"
	}
	fields := [][2]string{
		{"client token", ""},
		{"diagnostics", a.Diagnostics},
		{"ApplicationMaster host", host},
		{"ApplicationMaster RPC port", port},
		{"queue", a.Queue},
		{"start time", strconv.FormatInt(a.StartedTime, 10)},
		{"final status", final},
		{"tracking URL", a.TrackingURL},
		{"user", a.User},
	}
	var b strings.Builder
	for _, f := range append(fields, extra...) {
		v := f[1]
		if v == "" {
			v = "N/A"
		}
		fmt.Fprintf(&b, "\n\t %s: %s", f[0], v)
	}
	return b.String()
}

// progressText is the live line, short enough for a narrow terminal:
// state, progress and elapsed time.
func progressText(a yarn.App, elapsed time.Duration) string {
	return fmt.Sprintf("%s: %s, progress %.0f%%, elapsed %s", a.ID, a.State, float64(a.Progress), clock(elapsed))
}

// clock formats d as H:MM:SS.
func clock(d time.Duration) string {
	s := int64(d / time.Second)
	if s < 0 {
		s = 0
	}
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
