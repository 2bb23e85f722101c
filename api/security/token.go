package security

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/goyarn/goyarn/api"
)

// ErrInvalidToken is wrapped by every token verification failure.
var ErrInvalidToken = errors.New("invalid token")

// ContainerToken is the RM's grant of one container on one node. The NM
// starts a container only with a token that verifies against the cluster
// secret, names this NM, and has not expired.
type ContainerToken struct {
	ContainerID api.ContainerID `json:"containerId"`
	NodeID      api.NodeID      `json:"nodeId"`
	Resource    api.Resource    `json:"resource"`
	User        string          `json:"user"`
	Priority    int32           `json:"priority"`
	// ExpiresAt is the latest start time, in ms since the epoch.
	ExpiresAt int64 `json:"expiresAt"`
	// Signature is base64(HMAC-SHA256) over the fields above.
	Signature string `json:"signature"`
}

func (t ContainerToken) payload() []byte {
	u := t
	u.Signature = ""
	b, _ := json.Marshal(u) // a struct of plain fields always marshals
	return b
}

// SignContainerToken fills in t's signature.
func SignContainerToken(s Secret, t ContainerToken) ContainerToken {
	t.Signature = sign(s.Key("container-token"), t.payload())
	return t
}

// VerifyContainerToken checks t's signature, that it is meant for node, and
// that it has not expired at now.
func VerifyContainerToken(s Secret, t ContainerToken, node api.NodeID, now time.Time) error {
	if !verify(s.Key("container-token"), t.payload(), t.Signature) {
		return fmt.Errorf("%w: container token for %s has a bad signature", ErrInvalidToken, t.ContainerID)
	}
	if t.NodeID != node {
		return fmt.Errorf("%w: container token for %s is for node %s, not %s", ErrInvalidToken, t.ContainerID, t.NodeID, node)
	}
	if now.UnixMilli() > t.ExpiresAt {
		return fmt.Errorf("%w: container token for %s expired at %s", ErrInvalidToken, t.ContainerID, time.UnixMilli(t.ExpiresAt).UTC().Format(time.RFC3339))
	}
	return nil
}

// AMToken is the credential an application master presents to the RM: a
// signature over its attempt id.
func AMToken(s Secret, attempt api.AttemptID) string {
	return sign(s.Key("am-token"), []byte(attempt.String()))
}

// VerifyAMToken checks an AM's credential for attempt.
func VerifyAMToken(s Secret, attempt api.AttemptID, token string) error {
	if !verify(s.Key("am-token"), []byte(attempt.String()), token) {
		return fmt.Errorf("%w: AM token does not match %s", ErrInvalidToken, attempt)
	}
	return nil
}

func sign(key, payload []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func verify(key, payload []byte, sig string) bool {
	want := sign(key, payload)
	return hmac.Equal([]byte(want), []byte(sig))
}
