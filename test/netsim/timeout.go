package netsim

import (
	"time"
)

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
