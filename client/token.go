package client

import (
	"fmt"
	"os"
	"strings"
)

// ReadAuthToken reads a bearer token file as the goyarn clients take it:
// the first word of the first line that is neither blank nor a '#' comment.
func ReadAuthToken(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("auth token file: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			return f[0], nil
		}
	}
	return "", fmt.Errorf("auth token file %s holds no token", path)
}
