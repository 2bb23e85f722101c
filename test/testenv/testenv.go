package testenv

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// ScaleEnv names the multiplier applied to every test deadline.
const ScaleEnv = "GOYARN_TEST_TIMEOUT_SCALE"

// Scaled returns d multiplied by $GOYARN_TEST_TIMEOUT_SCALE (a positive
// number; unset or invalid means 1).
func Scaled(d time.Duration) time.Duration {
	f, err := strconv.ParseFloat(os.Getenv(ScaleEnv), 64)
	if err != nil || f <= 0 {
		return d
	}
	return time.Duration(float64(d) * f)
}

// Tail returns the last n lines of the file at path, or the error reading it.
func Tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
