package webapp

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/goyarn/goyarn/api/rpc"
	"github.com/goyarn/goyarn/api/security"
	"github.com/goyarn/goyarn/api/yarn"
)

// AnonymousUser is the caller's name when nothing identifies it, as Hadoop's
// simple authentication calls anonymous users.
const AnonymousUser = "dr.who"

// Tokens maps REST write tokens to the user each is bound to ("" = the
// caller names itself with user.name).
type Tokens map[string]string

// LoadTokens reads a token file: one "<token> [user]" per line; blank lines
// and lines starting with # are skipped.
func LoadTokens(path string) (Tokens, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("auth token file: %w", err)
	}
	defer f.Close()
	t := Tokens{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) > 2 || len(fields[0]) < 16 {
			return nil, fmt.Errorf("auth token file %s line %d: want '<token of 16+ characters> [user]'", path, line)
		}
		user := ""
		if len(fields) == 2 {
			user = fields[1]
		}
		t[fields[0]] = user
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("auth token file: %w", err)
	}
	if len(t) == 0 {
		return nil, fmt.Errorf("auth token file %s holds no token", path)
	}
	return t, nil
}

const userKey = "goyarn.user"

// identify names the caller of a REST request and, for writes when tokens
// are configured, requires a valid bearer token.
func (s *Server) identify(c *gin.Context) {
	user := c.Query("user.name")
	write := c.Request.Method != "GET" && c.Request.Method != "HEAD" && c.Request.Method != "OPTIONS"
	if write && s.deps.Tokens != nil {
		bound, ok := s.tokenUser(rpc.Bearer(c.Request))
		if !ok {
			writeRemote(c, yarn.Unauthorized("Unable to obtain user name, user not authenticated: a valid 'Authorization: Bearer <token>' header is required"))
			return
		}
		if bound != "" {
			user = bound
		}
	}
	if user == "" {
		user = AnonymousUser
	}
	c.Set(userKey, user)
	c.Next()
}

func (s *Server) tokenUser(token string) (string, bool) {
	if token == "" {
		return "", false
	}
	for t, u := range s.deps.Tokens {
		if security.Equal(t, token) {
			return u, true
		}
	}
	return "", false
}

func caller(c *gin.Context) string { return c.GetString(userKey) }

func (s *Server) isAdmin(user string) bool { return slices.Contains(s.deps.AdminUsers, user) }
