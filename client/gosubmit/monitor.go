package gosubmit

import (
	"context"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
)

// monitor polls an application's report, as spark-submit's
// monitorApplication does, and prints what spark-submit prints: the report
// line when the state changes (with the detail block) and every
// spark.yarn.report.loggingFrequency reports otherwise; on a terminal the
// periodic lines are replaced by the live progress line.
type monitor struct {
	r         *runner
	id        api.ApplicationID
	submitted time.Time
	quiet     bool // print nothing (client mode once the application runs)
	live      bool // draw the live progress line
	last      api.AppState
	since     int       // reports since the last printed line
	failing   time.Time // when the current run of failed polls began
}

func (r *runner) newMonitor(id api.ApplicationID, live bool) *monitor {
	return &monitor{r: r, id: id, submitted: r.o.Now(), live: live && r.con.tty}
}

// poll gets one report and prints it. ok is false when the RM could not be
// asked this time (already said; retried on the next poll); err is set
// when waiting is over: ctx ended, the application is unknown, or the RMs
// stayed unreachable for longer than Options.ReportGiveUp.
func (m *monitor) poll(ctx context.Context) (a yarn.App, ok bool, err error) {
	a, err = m.r.rm.App(ctx, m.id)
	if err != nil {
		if ctx.Err() != nil || client.IsNotFound(err) {
			return a, false, err
		}
		now := m.r.o.Now()
		if m.failing.IsZero() {
			m.failing = now
			m.r.con.warnf("Failed to get the report of application %s, retrying: %s", m.id, client.Message(err))
		}
		if now.Sub(m.failing) >= m.r.o.ReportGiveUp {
			return a, false, err
		}
		return a, false, nil
	}
	m.failing = time.Time{}
	m.r.con.answered()
	m.report(a)
	return a, true, nil
}

func (m *monitor) report(a yarn.App) {
	changed := a.State != m.last
	m.last = a.State
	if m.quiet {
		return
	}
	if changed || (!m.live && m.since >= m.r.sp.logEvery) {
		m.r.con.infof("%s", reportLine(a))
		m.since = 0
	} else {
		m.since++
	}
	if changed {
		m.r.con.infof("%s", reportDetails(a))
	}
	if m.live && !a.State.Terminal() {
		elapsed := time.Duration(a.ElapsedTime) * time.Millisecond
		if elapsed <= 0 {
			elapsed = m.r.o.Now().Sub(m.submitted)
		}
		m.r.con.progress("%s", progressText(a, elapsed))
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
