package goyarn

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
)

func rmadminCommand(o *Options) *cli.Command {
	return &cli.Command{
		Name:  "rmadmin",
		Usage: "ask the ResourceManagers for their HA state and health",
		UsageText: "goyarn rmadmin -getServiceState <rm-id> | -getAllServiceState | -checkHealth <rm-id>\n\n" +
			"RM ids are the rmN= names in --master, else rm1, rm2, … by position.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "getServiceState", Usage: "print active or standby for one RM"},
			&cli.BoolFlag{Name: "getAllServiceState", Usage: "print the state of every RM"},
			&cli.StringFlag{Name: "checkHealth", Usage: "exit non-zero unless the RM is up and started"},
		},
		Action: func(c *cli.Context) error {
			switch {
			case c.IsSet("getServiceState"):
				return withSession(c, o, func(s *session) error { return serviceState(s, c.String("getServiceState")) })
			case c.Bool("getAllServiceState"):
				return withSession(c, o, allServiceState)
			case c.IsSet("checkHealth"):
				return withSession(c, o, func(s *session) error { return checkHealth(s, c.String("checkHealth")) })
			}
			return fail(exitFailure, "Invalid Command Usage: give -getServiceState <rm-id>, -getAllServiceState or -checkHealth <rm-id>")
		},
	}
}

// resolve finds the RM named id, failing as Hadoop's RMAdminCLI does.
func (s *session) resolve(id string) (client.RM, error) {
	for _, rm := range s.rms {
		if rm.ID == id {
			return rm, nil
		}
	}
	ids := make([]string, len(s.rms))
	for i, rm := range s.rms {
		ids[i] = rm.ID + " "
	}
	return client.RM{}, fail(exitFailure, "Illegal argument: %s is not a valid serviceId. It should be one of %s", id, strings.Join(ids, ""))
}

// haState asks one RM for its HA state, lower-cased as HAServiceState prints.
func (s *session) haState(rm client.RM) (string, yarn.ClusterInfo, error) {
	info, err := s.client.ClusterInfoAt(s.ctx, rm.Addr)
	if err != nil {
		return "", info, err
	}
	return strings.ToLower(string(info.HAState)), info, nil
}

func serviceState(s *session, id string) error {
	rm, err := s.resolve(id)
	if err != nil {
		return err
	}
	state, _, err := s.haState(rm)
	if err != nil {
		return fail(exitFailure, "Operation failed: %s", client.Message(err))
	}
	fmt.Fprintln(s.out, state)
	return nil
}

// allServiceState prints "%-50s %-10s" per RM, as HAAdmin does; an RM that
// cannot be asked gets "Failed to connect: …" in its row, and, unlike yarn,
// the exit status is then non-zero.
func allServiceState(s *session) error {
	failed := false
	for _, rm := range s.rms {
		state, _, err := s.haState(rm)
		if err != nil {
			state, failed = "Failed to connect: "+client.Message(err), true
		}
		fmt.Fprintf(s.out, "%-50s %-10s\n", rm.Addr, state)
	}
	if failed {
		return &exitError{code: exitFailure}
	}
	return nil
}

func checkHealth(s *session, id string) error {
	rm, err := s.resolve(id)
	if err != nil {
		return err
	}
	_, info, err := s.haState(rm)
	if err != nil {
		return fail(exitFailure, "Health check failed: %s", client.Message(err))
	}
	if info.State != "" && info.State != yarn.ServiceStarted {
		return fail(exitFailure, "Health check failed: %s is %s", id, info.State)
	}
	return nil
}
