package client

import (
	"context"
	"time"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
)

// WaitApp polls an application every interval until it reaches a terminal
// state, and returns its last report. onReport, when set, gets the first
// report and every report whose state differs from the previous one (the
// moments a submitting tool prints "Application report for … (state: …)").
// It stops early with ctx's error, or with the client's error when the RMs
// stay unreachable past Options.FailoverWait.
func (c *Client) WaitApp(ctx context.Context, id api.ApplicationID, interval time.Duration, onReport func(yarn.App)) (yarn.App, error) {
	if interval <= 0 {
		interval = time.Second
	}
	var last api.AppState
	for first := true; ; first = false {
		app, err := c.App(ctx, id)
		if err != nil {
			return app, err
		}
		if onReport != nil && (first || app.State != last) {
			onReport(app)
		}
		last = app.State
		if app.State.Terminal() {
			return app, nil
		}
		if err := sleep(ctx, interval); err != nil {
			return app, err
		}
	}
}
