package goyarn

import (
	"fmt"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
	"github.com/goyarn/goyarn/client"
)

func nodeCommand(o *Options) *cli.Command {
	return &cli.Command{
		Name:      "node",
		Usage:     "list nodes and report on one",
		UsageText: "goyarn node -list [-all | -states S,S] [-showDetails] | -status <host:port>",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "list", Usage: "list nodes (default: RUNNING ones)"},
			&cli.BoolFlag{Name: "all", Usage: "with -list: every node"},
			&cli.StringFlag{Name: "states", Usage: "with -list: comma-separated node states"},
			&cli.BoolFlag{Name: "showDetails", Usage: "with -list: resources and utilization of each node"},
			&cli.StringFlag{Name: "status", Usage: "print the report of a node (host:port)"},
		},
		Action: func(c *cli.Context) error {
			switch {
			case c.IsSet("status"):
				return withSession(c, o, func(s *session) error { return nodeStatus(s, c.String("status")) })
			case c.Bool("list"):
				return withSession(c, o, func(s *session) error {
					return listNodes(s, c.Bool("all"), c.String("states"), c.Bool("showDetails"))
				})
			}
			return fail(exitFailure, "Invalid Command Usage: give -list or -status <host:port> (see 'goyarn node --help')")
		},
	}
}

func listNodes(s *session, all bool, statesArg string, details bool) error {
	var states []api.NodeState
	switch {
	case all:
	case statesArg != "":
		for _, st := range splitUpper(statesArg) {
			if !slices.Contains(javaNodeStates, api.NodeState(st)) {
				return fail(exitFailure, "The node state %s is invalid.\nThe valid node state can be one of the following: %s.",
					st, joinComma(javaNodeStates))
			}
			states = append(states, api.NodeState(st))
		}
	default:
		states = []api.NodeState{api.NodeRunning}
	}
	nodes, err := s.client.Nodes(s.ctx, states...)
	if err != nil {
		return remoteFailure(err)
	}
	w := s.out
	fmt.Fprintf(w, "Total Nodes:%d\n", len(nodes))
	fmt.Fprintf(w, nodesPattern, "Node-Id", "Node-State", "Node-Http-Address", "Number-of-Running-Containers")
	for _, n := range nodes {
		fmt.Fprintf(w, nodesPattern, n.ID, n.State, n.NodeHTTPAddress, fmt.Sprint(n.NumContainers))
		if details {
			fmt.Fprintln(w, "Detailed Node Information :")
			fmt.Fprintf(w, "\tConfigured Resources : %s\n", capability(n))
			fmt.Fprintf(w, "\tAllocated Resources : %s\n", api.Res(n.UsedMemoryMB, n.UsedVirtualCores))
			fmt.Fprintf(w, "\tResource Utilization by Node : %s\n", nodeUtil(n.ResourceUtilization))
			fmt.Fprintf(w, "\tResource Utilization by Containers : %s\n", containersUtil(n.ResourceUtilization))
			fmt.Fprintln(w, "\tNode-Labels : ")
		}
	}
	return nil
}

func capability(n yarn.Node) api.Resource {
	return api.Res(n.UsedMemoryMB+n.AvailMemoryMB, n.UsedVirtualCores+n.AvailableVirtualCores)
}

func nodeUtil(u yarn.ResourceUtilization) string {
	return fmt.Sprintf("PMem:%d MB, VMem:%d MB, VCores:%s", u.NodePhysicalMemoryMB, u.NodeVirtualMemoryMB, javaFloat(u.NodeCPUUsage))
}

func containersUtil(u yarn.ResourceUtilization) string {
	return fmt.Sprintf("PMem:%d MB, VMem:%d MB, VCores:%s", u.AggregatedContainersPhysicalMemoryMB,
		u.AggregatedContainersVirtualMemoryMB, javaFloat(u.ContainersCPUUsage))
}

func nodeStatus(s *session, raw string) error {
	id, err := api.ParseNodeID(raw)
	if err != nil {
		return fail(exitFailure, "Invalid NodeId [%s]. Expected host:port", raw)
	}
	n, err := s.client.Node(s.ctx, id)
	if client.IsNotFound(err) {
		return fail(exitFailure, "Could not find the node report for node id : %s", raw)
	}
	if err != nil {
		return remoteFailure(err)
	}
	capa := capability(n)
	w := s.out
	fmt.Fprintln(w, "Node Report : ")
	for _, kv := range [][2]string{
		{"Node-Id", n.ID.String()},
		{"Rack", n.Rack},
		{"Node-State", string(n.State)},
		{"Node-Http-Address", n.NodeHTTPAddress},
		{"Last-Health-Update", healthTime(n.LastHealthUpdate, s.opts.Location)},
		{"Health-Report", n.HealthReport},
		{"Containers", fmt.Sprint(n.NumContainers)},
		{"Memory-Used", fmt.Sprintf("%dMB", n.UsedMemoryMB)},
		{"Memory-Capacity", fmt.Sprintf("%dMB", capa.MemoryMB)},
		{"CPU-Used", fmt.Sprintf("%d vcores", n.UsedVirtualCores)},
		{"CPU-Capacity", fmt.Sprintf("%d vcores", capa.VCores)},
		{"Node-Labels", ""},
		{"Resource Utilization by Node", nodeUtil(n.ResourceUtilization)},
		{"Resource Utilization by Containers", containersUtil(n.ResourceUtilization)},
	} {
		fmt.Fprintf(w, "\t%s : %s\n", kv[0], kv[1])
	}
	fmt.Fprintln(w)
	return nil
}
