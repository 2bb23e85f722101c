// Package testenv holds what every test harness here does the same way:
// stretch deadlines by the one knob GOYARN_TEST_TIMEOUT_SCALE (Scaled), and
// show the end of a daemon's log when a test fails (Tail).
package testenv
