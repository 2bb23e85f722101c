package webapp

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api"
	"github.com/goyarn/goyarn/api/yarn"
)

// listNodes answers GET /nodes; without states (or the older state) it
// lists every node, as YARN does.
func (s *Server) listNodes(c *gin.Context) {
	var want []api.NodeState
	for _, raw := range yarn.SplitList(c.Query("states") + "," + c.Query("state")) {
		st := api.NodeState(strings.ToUpper(raw))
		if !slices.Contains(api.NodeStates, st) {
			writeRemote(c, yarn.BadRequest("Invalid node state %s specified. It should be one of %s", raw, joinStates(api.NodeStates)))
			return
		}
		want = append(want, st)
	}
	var resp yarn.NodesResponse
	for _, n := range s.core(c).Nodes() {
		if len(want) == 0 || slices.Contains(want, n.State) {
			resp.Nodes.Node = append(resp.Nodes.Node, nodeDTO(&n))
		}
	}
	c.JSON(http.StatusOK, resp)
}

func (s *Server) getNode(c *gin.Context) {
	raw := c.Param("nodeid")
	id, err := api.ParseNodeID(raw)
	if err != nil {
		writeRemote(c, yarn.BadRequest("Invalid NodeId [%s]. Expected host:port", raw))
		return
	}
	n, ok := s.core(c).Node(id)
	if !ok {
		writeRemote(c, yarn.NodeNotFound(raw))
		return
	}
	c.JSON(http.StatusOK, yarn.NodeResponse{Node: nodeDTO(&n)})
}
