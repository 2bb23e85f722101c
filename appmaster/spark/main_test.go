package spark_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

// fakeDriverEnv, when set, makes the test binary a fake cluster-mode driver
// (the AM runs it as ./app) instead of running the tests. Its value is the
// mode:
//
//	succeed   serve RUNNING until the file "release" appears, then SUCCEEDED;
//	          exit 0 after the ack
//	fail      the same, then FAILED "job 0 failed: boom"; exit 1 after the ack
//	die       serve RUNNING until "release", then write a panic to stderr
//	          (after 10 KB of noise) and exit 3 without a final status
//	early     write to stderr and exit 4 before serving
//	silent    never serve; block until killed
//	stubborn  serve RUNNING forever and ignore SIGTERM
//
// Every mode first writes its environment to driver-env.json, its pid to
// driver.pid and its arguments to stdout.
const fakeDriverEnv = "SPARK_AM_TEST_FAKE_DRIVER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeDriverEnv); mode != "" {
		os.Exit(fakeDriverMain(mode))
	}
	goleak.VerifyTestMain(m)
}

func fakeDriverMain(mode string) int {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	b, _ := json.Marshal(env)
	_ = os.WriteFile("driver-env.json", b, 0o600)
	_ = os.WriteFile("driver.pid", []byte(strconv.Itoa(os.Getpid())), 0o600)
	fmt.Printf("fake driver args: %q\n", os.Args[1:])
	fmt.Fprintln(os.Stderr, "fake driver starting in mode", mode)

	switch mode {
	case "early":
		fmt.Fprintln(os.Stderr, "error: cannot parse the input path")
		return 4
	case "silent":
		select {}
	case "stubborn":
		signal.Ignore(syscall.SIGTERM)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(os.Getenv(protocol.EnvDriverHost), "0"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		return 10
	}
	acked := make(chan struct{})
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+protocol.PathDriverStatus, func(w http.ResponseWriter, _ *http.Request) {
		st := protocol.DriverStatus{State: protocol.DriverRunning, ExecutorsRequested: 2}
		if _, err := os.Stat("release"); err == nil {
			switch mode {
			case "succeed":
				st.State = protocol.DriverSucceeded
			case "fail":
				st.State, st.Diagnostics = protocol.DriverFailed, "job 0 failed: boom"
			case "die":
				os.Stderr.WriteString(strings.Repeat("noise noise noise noise\n", 450))
				fmt.Fprintln(os.Stderr, "panic: something broke")
				os.Exit(3)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(st)
	})
	mux.HandleFunc("POST "+protocol.PathDriverAck, func(http.ResponseWriter, *http.Request) {
		once.Do(func() { close(acked) })
	})
	mux.HandleFunc("POST "+protocol.PathExecutorLost, func(http.ResponseWriter, *http.Request) {})
	go func() { _ = http.Serve(ln, mux) }()

	info, _ := json.Marshal(protocol.DriverInfo{URL: ln.Addr().String(), PID: os.Getpid()})
	path := os.Getenv(protocol.EnvDriverInfoFile)
	tmp := filepath.Join(filepath.Dir(path), ".driver-info.tmp")
	if err := errors.Join(os.WriteFile(tmp, info, 0o600), os.Rename(tmp, path)); err != nil {
		fmt.Fprintln(os.Stderr, "driver info:", err)
		return 11
	}
	if mode == "stubborn" || mode == "die" {
		select {}
	}
	select {
	case <-acked:
		fmt.Println("driver acked")
	case <-time.After(20 * time.Second):
		fmt.Println("no ack")
	}
	fmt.Println("Pi is roughly 3.14")
	if mode == "fail" {
		return 1
	}
	return 0
}
