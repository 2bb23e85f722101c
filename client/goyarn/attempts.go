package goyarn

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
)

func attemptCommand(o *Options) *cli.Command {
	return &cli.Command{
		Name:      "applicationattempt",
		Usage:     "list and report on application attempts",
		UsageText: "goyarn applicationattempt -list <application id> | -status <attempt id>",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "list", Usage: "list the attempts of an application"},
			&cli.StringFlag{Name: "status", Usage: "print the report of an attempt"},
		},
		Action: func(c *cli.Context) error {
			switch {
			case c.IsSet("list"):
				return withSession(c, o, func(s *session) error { return listAttempts(s, c.String("list")) })
			case c.IsSet("status"):
				return withSession(c, o, func(s *session) error { return attemptStatus(s, c.String("status")) })
			}
			return fail(exitFailure, "Invalid Command Usage: give -list <application id> or -status <attempt id>")
		},
	}
}

func containerCommand(o *Options) *cli.Command {
	return &cli.Command{
		Name:      "container",
		Usage:     "list the containers of an application attempt",
		UsageText: "goyarn container -list <attempt id>",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "list", Usage: "list the containers of an attempt"},
		},
		Action: func(c *cli.Context) error {
			if !c.IsSet("list") {
				return fail(exitFailure, "Invalid Command Usage: give -list <attempt id>")
			}
			return withSession(c, o, func(s *session) error { return listContainers(s, c.String("list")) })
		},
	}
}

// attemptID is the full id of an attempt in the appattempts list.
func attemptID(app api.ApplicationID, a yarn.AppAttempt) api.AttemptID {
	if !a.AppAttemptID.IsZero() {
		return a.AppAttemptID
	}
	return api.AttemptID{App: app, Attempt: a.ID}
}

func listAttempts(s *session, raw string) error {
	id, err := api.ParseApplicationID(raw)
	if err != nil {
		return fail(exitFailure, "Invalid ApplicationId: %s", raw)
	}
	attempts, err := s.client.Attempts(s.ctx, id)
	if client.IsNotFound(err) {
		return fail(exitFailure, "Application with id '%s' doesn't exist in RM or Timeline Server.", raw)
	}
	if err != nil {
		return remoteFailure(err)
	}
	fmt.Fprintf(s.out, "Total number of application attempts :%d\n", len(attempts))
	fmt.Fprintf(s.out, attemptsPattern, "ApplicationAttempt-Id", "State", "AM-Container-Id", "Tracking-URL")
	for _, a := range attempts {
		aid := attemptID(id, a)
		tracking := "N/A"
		if rep, err := s.client.Attempt(s.ctx, aid); err == nil && rep.TrackingURL != "" {
			tracking = rep.TrackingURL
		}
		fmt.Fprintf(s.out, attemptsPattern, aid, a.AppAttemptState, orNA(a.ContainerID.String()), tracking)
	}
	return nil
}

func attemptStatus(s *session, raw string) error {
	id, err := api.ParseAttemptID(raw)
	if err != nil {
		return fail(exitFailure, "Invalid AppAttemptId: %s", raw)
	}
	rep, err := s.client.Attempt(s.ctx, id)
	if client.IsNotFound(err) {
		return fail(exitFailure, "Application Attempt with id '%s' doesn't exist in RM or Timeline Server.", raw)
	}
	if err != nil {
		return remoteFailure(err)
	}
	w := s.out
	fmt.Fprintln(w, "Application Attempt Report : ")
	fmt.Fprintf(w, "\tApplicationAttempt-Id : %s\n", id)
	fmt.Fprintf(w, "\tState : %s\n", rep.AppAttemptState)
	fmt.Fprintf(w, "\tAMContainer : %s\n", orNA(rep.AMContainerID.String()))
	fmt.Fprintf(w, "\tTracking-URL : %s\n", orNA(rep.TrackingURL))
	fmt.Fprintf(w, "\tRPC Port : %d\n", rep.RPCPort)
	fmt.Fprintf(w, "\tAM Host : %s\n", orNA(rep.Host))
	fmt.Fprintf(w, "\tDiagnostics : %s\n", rep.DiagnosticsInfo)
	return nil
}

func listContainers(s *session, raw string) error {
	id, err := api.ParseAttemptID(raw)
	if err != nil {
		return fail(exitFailure, "Invalid AppAttemptId: %s", raw)
	}
	cs, err := s.client.AttemptContainers(s.ctx, id)
	if client.IsNotFound(err) {
		return fail(exitFailure, "Application Attempt with id '%s' doesn't exist in RM or Timeline Server.", raw)
	}
	if err != nil {
		return remoteFailure(err)
	}
	loc := s.opts.Location
	fmt.Fprintf(s.out, "Total number of containers :%d\n", len(cs))
	fmt.Fprintf(s.out, containersPattern, "Container-Id", "Start Time", "Finish Time", "State", "Host",
		"Node Http Address", "LOG-URL")
	for _, c := range cs {
		fmt.Fprintf(s.out, containersPattern, c.ContainerID, timesFormat(c.StartedTime, loc),
			timesFormat(c.FinishedTime, loc), c.ContainerState, c.AssignedNodeID, orNA(c.NodeHTTPAddress), c.LogURL)
	}
	return nil
}
