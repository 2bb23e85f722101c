// Package browser tests the web UI in a real browser: headless Chromium
// (Debian's chromium, installed by the test setup when missing) driven over
// the DevTools protocol with chromedp, against real RM and NM processes
// started by the test/cluster harness. The tests check what a user sees —
// the RM's HA state, a finished pi application's final status, the driver's
// output reached through the log links — and save full-page screenshots
// under $GOYARN_TEST_OUTPUT_DIR/<test name>/ (or a directory under the
// test's temp dir, which the test logs).
//
// It owns only test code; it changes nothing in the daemons.
package browser
