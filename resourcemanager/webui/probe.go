package webui

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"

	"github.com/goyarn/goyarn/api/yarn"
)

// peerInfo is what a peer says about itself on /ws/v1/cluster/info (every
// RM, standby or not, answers it locally).
type peerInfo struct {
	ok    bool
	id    string
	state string
}

// probePeers asks every peer for its own cluster info, in parallel, within
// ctx and the configured timeout. The overview then shows each RM as it
// describes itself, and those that do not answer as unreachable.
func (u *UI) probePeers(ctx context.Context, peers []RMRef) []peerInfo {
	out := make([]peerInfo, len(peers))
	if u.deps.PeerTimeout < 0 {
		return out
	}
	ctx, cancel := context.WithTimeout(ctx, u.deps.PeerTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for i, p := range peers {
		if p.WebAddress == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = u.probe(ctx, p.WebAddress)
		}()
	}
	wg.Wait()
	return out
}

func (u *UI) probe(ctx context.Context, webAddress string) peerInfo {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+webAddress+"/ws/v1/cluster/info", nil)
	if err != nil {
		return peerInfo{}
	}
	req.Header.Set("Accept", "application/json")
	res, err := u.deps.Client.Do(req)
	if err != nil {
		return peerInfo{}
	}
	defer res.Body.Close()
	var body yarn.ClusterInfoResponse
	if res.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(res.Body, 64<<10)).Decode(&body) != nil {
		return peerInfo{}
	}
	return peerInfo{ok: true, id: body.ClusterInfo.HAID, state: string(body.ClusterInfo.HAState)}
}
