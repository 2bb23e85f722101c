package goyarn

import (
	"fmt"
	"net"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
)

func applicationCommand(o *Options) *cli.Command {
	return &cli.Command{
		Name:      "application",
		Aliases:   []string{"app"},
		Usage:     "list, report on and kill applications",
		UsageText: "goyarn application -list [-appStates S,S|ALL] [-appTypes T,T] [-appTags T,T] | -status <id> | -kill <id> [<id>…]",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "list", Usage: "list applications (default states SUBMITTED, ACCEPTED, RUNNING)"},
			&cli.StringFlag{Name: "appStates", Usage: "with -list: comma-separated states, or ALL"},
			&cli.StringFlag{Name: "appTypes", Usage: "with -list: comma-separated application types"},
			&cli.StringFlag{Name: "appTags", Usage: "with -list: comma-separated application tags"},
			&cli.StringFlag{Name: "status", Usage: "print the report of an application"},
			&cli.StringFlag{Name: "kill", Usage: "kill applications (more ids may follow)"},
		},
		Action: func(c *cli.Context) error {
			switch {
			case c.IsSet("status"):
				return withSession(c, o, func(s *session) error { return appStatus(s, c.String("status")) })
			case c.IsSet("kill"):
				ids := append([]string{c.String("kill")}, c.Args().Slice()...)
				return withSession(c, o, func(s *session) error { return killApps(s, ids) })
			case c.Bool("list"):
				return withSession(c, o, func(s *session) error {
					return listApps(s, c.String("appStates"), c.String("appTypes"), c.String("appTags"))
				})
			}
			return fail(exitFailure, "Invalid Command Usage: give -list, -status <id> or -kill <id> (see 'goyarn application --help')")
		},
	}
}

// withSession runs fn with a connected session.
func withSession(c *cli.Context, o *Options, fn func(*session) error) error {
	s, err := newSession(c, o)
	if err != nil {
		return err
	}
	defer s.close()
	return fn(s)
}

func validAppStates() string {
	return "The valid application state can be one of the following: ALL," + joinComma(javaAppStates)
}

func listApps(s *session, statesArg, typesArg, tagsArg string) error {
	var states []api.AppState
	all := false
	for _, st := range splitUpper(statesArg) {
		if st == "ALL" {
			all = true
			break
		}
		state := api.AppState(st)
		if !slices.Contains(javaAppStates, state) {
			return fail(exitFailure, "The application state %s is invalid.\n%s", st, validAppStates())
		}
		states = append(states, state)
	}
	switch {
	case all:
		states = javaAppStates
	case len(states) == 0:
		states = []api.AppState{api.AppSubmitted, api.AppAccepted, api.AppRunning}
	}
	states = inOrder(javaAppStates, states)
	types := uniqueSorted(splitUpper(typesArg))
	tags := uniqueSorted(yarn.SplitList(tagsArg))
	q := client.AppsQuery{Types: types, Tags: tags}
	if !all {
		q.States = states
	}
	apps, err := s.client.Apps(s.ctx, q)
	if err != nil {
		return remoteFailure(err)
	}
	fmt.Fprintf(s.out, "Total number of applications (application-types: %s, states: %s and tags: %s):%d\n",
		javaList(types), javaList(states), javaList(tags), len(apps))
	fmt.Fprintf(s.out, appsPattern, "Application-Id", "Application-Name", "Application-Type", "User", "Queue",
		"State", "Final-State", "Progress", "Tracking-URL")
	for _, a := range apps {
		fmt.Fprintf(s.out, appsPattern, a.ID, a.Name, a.ApplicationType, a.User, a.Queue, a.State,
			a.FinalStatus, progress(a.Progress), orNA(a.TrackingURL))
	}
	return nil
}

// amHostPort splits amRPCAddress into YARN's AM Host and RPC Port ("N/A"
// and -1 before the AM registered).
func amHostPort(a yarn.App) (string, string) {
	host, port, err := net.SplitHostPort(a.AMRPCAddress)
	if err != nil || host == "" {
		return "N/A", "-1"
	}
	return host, port
}

func appStatus(s *session, raw string) error {
	id, err := api.ParseApplicationID(raw)
	if err != nil {
		return fail(exitFailure, "Invalid ApplicationId: %s", raw)
	}
	a, err := s.client.App(s.ctx, id)
	if client.IsNotFound(err) {
		return fail(exitFailure, "Application with id '%s' doesn't exist in RM or Timeline Server.", raw)
	}
	if err != nil {
		return remoteFailure(err)
	}
	host, port := amHostPort(a)
	appLabel, amLabel := a.AppNodeLabelExpression, a.AMNodeLabelExpression
	if appLabel == "" {
		appLabel = "<Not set>"
	}
	if amLabel == "" {
		amLabel = "<DEFAULT_PARTITION>"
	}
	w := s.out
	fmt.Fprintln(w, "Application Report : ")
	for _, kv := range [][2]string{
		{"Application-Id", a.ID.String()},
		{"Application-Name", a.Name},
		{"Application-Type", a.ApplicationType},
		{"User", a.User},
		{"Queue", a.Queue},
		{"Application Priority", fmt.Sprint(a.Priority)},
		{"Start-Time", fmt.Sprint(a.StartedTime)},
		{"Finish-Time", fmt.Sprint(a.FinishedTime)},
		{"Progress", progress(a.Progress)},
		{"State", string(a.State)},
		{"Final-State", string(a.FinalStatus)},
		{"Tracking-URL", orNA(a.TrackingURL)},
		{"RPC Port", port},
		{"AM Host", host},
		{"Aggregate Resource Allocation", fmt.Sprintf("%d MB-seconds, %d vcore-seconds", a.MemorySeconds, a.VcoreSeconds)},
		{"Aggregate Resource Preempted", "0 MB-seconds, 0 vcore-seconds"},
		{"Log Aggregation Status", orNA(a.LogAggregationStatus)},
		{"Diagnostics", a.Diagnostics},
		{"Unmanaged Application", fmt.Sprint(a.UnmanagedApplication)},
		{"Application Node Label Expression", appLabel},
		{"AM container Node Label Expression", amLabel},
	} {
		fmt.Fprintf(w, "\t%s : %s\n", kv[0], kv[1])
	}
	fmt.Fprint(w, "\tTimeoutType : LIFETIME\tExpiryTime : UNLIMITED\tRemainingTime : -1seconds\n\n")
	return nil
}

func killApps(s *session, raws []string) error {
	failed := false
	for _, raw := range raws {
		if err := killApp(s, raw); err != nil {
			fmt.Fprintln(s.errw, err)
			failed = true
		}
	}
	if failed {
		return &exitError{code: exitFailure}
	}
	return nil
}

func killApp(s *session, raw string) error {
	id, err := api.ParseApplicationID(raw)
	if err != nil {
		return fail(exitFailure, "Invalid ApplicationId: %s", raw)
	}
	a, err := s.client.App(s.ctx, id)
	if client.IsNotFound(err) {
		return fail(exitFailure, "Application with id '%s' doesn't exist in RM.", raw)
	}
	if err != nil {
		return remoteFailure(err)
	}
	if a.State.Terminal() {
		fmt.Fprintf(s.out, "Application %s has already finished \n", raw)
		return nil
	}
	fmt.Fprintf(s.out, "Killing application %s\n", raw)
	state, err := s.client.Kill(s.ctx, id)
	if err != nil {
		return remoteFailure(err)
	}
	if state == api.AppKilled {
		fmt.Fprintf(s.out, "Killed application %s\n", raw)
	} else {
		fmt.Fprintf(s.out, "Application %s has already finished \n", raw)
	}
	return nil
}
