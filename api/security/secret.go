package security

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrBadSecret is wrapped by errors about an unusable secret file.
var ErrBadSecret = errors.New("unusable cluster secret")

const minSecretBytes = 16

// Secret is the cluster secret shared by every RM and NM of a cluster.
type Secret struct{ raw []byte }

// NewSecret wraps raw secret bytes (for tests).
func NewSecret(raw []byte) Secret { return Secret{raw: append([]byte(nil), raw...)} }

// Key derives the key for one purpose: HMAC-SHA256(secret, purpose).
func (s Secret) Key(purpose string) []byte {
	m := hmac.New(sha256.New, s.raw)
	m.Write([]byte("goyarn/v1/" + purpose))
	return m.Sum(nil)
}

// NodeKey is the bearer credential NodeManagers present to the RM.
func (s Secret) NodeKey() string { return hex.EncodeToString(s.Key("node-auth")) }

// LoadSecret reads the secret file at path.
func LoadSecret(path string) (Secret, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Secret{}, fmt.Errorf("%w: %v", ErrBadSecret, err)
	}
	raw := strings.TrimSpace(string(b))
	if len(raw) < minSecretBytes {
		return Secret{}, fmt.Errorf("%w: %s holds %d bytes, want at least %d", ErrBadSecret, path, len(raw), minSecretBytes)
	}
	return Secret{raw: []byte(raw)}, nil
}

// LoadOrCreateSecret reads the secret file at path, first creating it with
// 32 random bytes (hex, mode 0600) when it does not exist. Concurrent callers
// on one machine agree on one secret: the file is created exclusively.
func LoadOrCreateSecret(path string) (Secret, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := createSecret(path); err != nil && !errors.Is(err, fs.ErrExist) {
			return Secret{}, fmt.Errorf("%w: creating %s: %v", ErrBadSecret, path, err)
		}
	}
	return LoadSecret(path)
}

func createSecret(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return err
	}
	// Write a temp file, then hard-link it into place: the secret appears
	// whole or not at all, and only one creator wins.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(hex.EncodeToString(buf) + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}

// Equal compares two credentials in constant time.
func Equal(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }
