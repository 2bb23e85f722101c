package netsim

import (
	"os"
	"strconv"
	"time"
)

// ScaleEnv names the multiplier applied to every deadline in this package.
const ScaleEnv = "GOYARN_TEST_TIMEOUT_SCALE"

// Scaled returns d multiplied by GOYARN_TEST_TIMEOUT_SCALE (a positive
// number; unset or invalid means 1).
func Scaled(d time.Duration) time.Duration {
	f, err := strconv.ParseFloat(os.Getenv(ScaleEnv), 64)
	if err != nil || f <= 0 {
		return d
	}
	return time.Duration(float64(d) * f)
}

// pollUntil calls done every few milliseconds until it returns true or
// timeout passes; it reports whether done returned true.
func pollUntil(timeout time.Duration, done func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if done() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}
