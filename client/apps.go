package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
)

// AppsQuery filters GET /ws/v1/cluster/apps. Zero fields do not filter.
type AppsQuery struct {
	States      []api.AppState
	FinalStatus api.FinalStatus
	User        string
	Queue       string
	Name        string
	Limit       int
	Types       []string // application types, any of
	Tags        []string // application tags, any of
	// Started and finished time windows, ms since the epoch; 0 = open.
	StartedTimeBegin, StartedTimeEnd   int64
	FinishedTimeBegin, FinishedTimeEnd int64
}

func (q AppsQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("states", joinStates(q.States))
	set("finalStatus", string(q.FinalStatus))
	set("user", q.User)
	set("queue", q.Queue)
	set("name", q.Name)
	set("applicationTypes", joinStates(q.Types))
	set("applicationTags", joinStates(q.Tags))
	for k, n := range map[string]int64{"limit": int64(q.Limit),
		"startedTimeBegin": q.StartedTimeBegin, "startedTimeEnd": q.StartedTimeEnd,
		"finishedTimeBegin": q.FinishedTimeBegin, "finishedTimeEnd": q.FinishedTimeEnd} {
		if n > 0 {
			v.Set(k, strconv.FormatInt(n, 10))
		}
	}
	return v
}

func appPath(id api.ApplicationID) string { return pathApps + "/" + id.String() }

// Apps lists the applications q selects, in the RM's order.
func (c *Client) Apps(ctx context.Context, q AppsQuery) ([]yarn.App, error) {
	var v yarn.AppsResponse
	err := c.getJSON(ctx, pathApps, q.values(), &v)
	return v.Apps.App, err
}

// App returns one application; an unknown id is a 404 RemoteException
// (IsNotFound).
func (c *Client) App(ctx context.Context, id api.ApplicationID) (yarn.App, error) {
	var v yarn.AppResponse
	err := c.getJSON(ctx, appPath(id), nil, &v)
	return v.App, err
}

// AppState returns an application's state.
func (c *Client) AppState(ctx context.Context, id api.ApplicationID) (api.AppState, error) {
	var v yarn.AppStateBody
	err := c.getJSON(ctx, appPath(id)+"/state", nil, &v)
	return v.State, err
}

// NewApplication asks the RM for a new application id.
func (c *Client) NewApplication(ctx context.Context) (yarn.NewApplicationResponse, error) {
	var v yarn.NewApplicationResponse
	if _, err := c.sendJSON(ctx, http.MethodPost, pathApps+"/new-application", nil, &v); err != nil {
		return v, err
	}
	if v.ApplicationID.IsZero() {
		return v, fmt.Errorf("%w: new-application answer has no application-id", ErrBadResponse)
	}
	return v, nil
}

// Submit submits an application (POST /ws/v1/cluster/apps, answered 202).
func (c *Client) Submit(ctx context.Context, s yarn.SubmissionContext) error {
	_, err := c.sendJSON(ctx, http.MethodPost, pathApps, s, nil)
	return err
}

// SubmitContext submits s in its REST form (yarn.SubmissionFromAPI).
func (c *Client) SubmitContext(ctx context.Context, s api.SubmissionContext) error {
	return c.Submit(ctx, yarn.SubmissionFromAPI(s))
}

// Kill asks the RM to kill an application and waits, within
// Options.KillWait, until the RM answers 200 with a terminal state, which it
// returns (KILLED, or FINISHED/FAILED if the application ended first). As
// YARN's REST API wants, the request is repeated while the RM answers 202.
// Past the bound it returns the last state and ErrKillTimeout.
func (c *Client) Kill(ctx context.Context, id api.ApplicationID) (api.AppState, error) {
	deadline := c.opts.Now().Add(c.opts.KillWait)
	for {
		var v yarn.AppStateBody
		status, err := c.sendJSON(ctx, http.MethodPut, appPath(id)+"/state", yarn.AppStateBody{State: api.AppKilled}, &v)
		if err != nil {
			return v.State, err
		}
		if status == http.StatusOK && v.State.Terminal() {
			return v.State, nil
		}
		if !c.opts.Now().Add(c.opts.KillPoll).Before(deadline) {
			return v.State, fmt.Errorf("%w: %s still %s after %s", ErrKillTimeout, id, v.State, c.opts.KillWait)
		}
		if err := sleep(ctx, c.opts.KillPoll); err != nil {
			return v.State, err
		}
	}
}

// Attempts lists an application's attempts.
func (c *Client) Attempts(ctx context.Context, id api.ApplicationID) ([]yarn.AppAttempt, error) {
	var v yarn.AppAttemptsResponse
	err := c.getJSON(ctx, appPath(id)+"/appattempts", nil, &v)
	return v.AppAttempts.AppAttempt, err
}

// Attempt returns the report of one attempt.
func (c *Client) Attempt(ctx context.Context, id api.AttemptID) (yarn.AppAttemptReport, error) {
	var v yarn.AppAttemptResponse
	err := c.getJSON(ctx, appPath(id.App)+"/appattempts/"+id.String(), nil, &v)
	return v.AppAttempt, err
}

// AttemptContainers lists the containers of an attempt as the RM knows them.
func (c *Client) AttemptContainers(ctx context.Context, id api.AttemptID) ([]yarn.RMContainer, error) {
	var v yarn.RMContainersResponse
	err := c.getJSON(ctx, appPath(id.App)+"/appattempts/"+id.String()+"/containers", nil, &v)
	return v.Containers.Container, err
}
