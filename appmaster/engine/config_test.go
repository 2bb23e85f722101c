package engine

import (
	"math"
	"testing"
	"time"

	"github.com/goyarn/goyarn/appmaster/engine/protocol"
)

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		protocol.EnvRole:          protocol.RoleExecutor,
		protocol.EnvAppID:         "application_5_0007",
		protocol.EnvConf:          `{"spark.executor.cores":"3","spark.network.timeout":"45s"}`,
		protocol.EnvDriverURL:     "http://10.0.0.1:4040",
		protocol.EnvExecutorID:    "4",
		"NM_HOST":                 "node7",
		"NM_HTTP_PORT":            "8042",
		"CONTAINER_ID":            "container_5_0007_01_000004",
		"LOCAL_DIRS":              "/data1/app,/data2/app",
		"GOYARN_CONTAINER_VCORES": "2",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	c, err := ConfigFromEnv(lookup, []string{"in", "out"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Role != protocol.RoleExecutor || c.AppID != "application_5_0007" || c.DriverURL != "10.0.0.1:4040" ||
		c.ExecutorID != "4" || c.ExecutorHost != "node7" || c.ExecutorCores != 2 || c.ContainerID != "container_5_0007_01_000004" ||
		c.NodeHTTPAddress != "node7:8042" || c.WorkDir != "/data1/app" || len(c.Args) != 2 || c.Conf["spark.network.timeout"] != "45s" {
		t.Fatalf("config = %+v", c)
	}

	driverEnv := map[string]string{
		protocol.EnvRole:           protocol.RoleDriver,
		protocol.EnvDriverHost:     "10.0.0.1",
		protocol.EnvDriverInfoFile: "/tmp/x/driver.json",
		protocol.EnvExecutors:      "5",
		protocol.EnvExecutorCores:  "4",
		protocol.EnvConf:           `{"spark.executor.instances":"9"}`,
	}
	c, err = ConfigFromEnv(func(k string) (string, bool) { v, ok := driverEnv[k]; return v, ok }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Executors != 5 || c.ExecutorCores != 4 || c.DriverHost != "10.0.0.1" || c.DriverInfoFile != "/tmp/x/driver.json" {
		t.Fatalf("driver config = %+v", c)
	}

	bad := map[string]string{protocol.EnvRole: "boss", protocol.EnvExecutors: "many", protocol.EnvConf: "[1]"}
	if _, err := ConfigFromEnv(func(k string) (string, bool) { v, ok := bad[k]; return v, ok }, nil); err == nil {
		t.Fatal("bad environment accepted")
	}

	c, err = ConfigFromEnv(func(string) (string, bool) { return "", false }, nil)
	if err != nil || c.Role != "" || c.LocalExecutors != 2 {
		t.Fatalf("empty environment: %+v, %v", c, err)
	}
}

func TestParseSparkDuration(t *testing.T) {
	tests := []struct {
		in   string
		unit time.Duration
		want time.Duration
		ok   bool
	}{
		{"30s", time.Millisecond, 30 * time.Second, true},
		{"120", time.Second, 120 * time.Second, true},
		{"500", time.Millisecond, 500 * time.Millisecond, true},
		{"2min", time.Second, 2 * time.Minute, true},
		{"100ms", time.Second, 100 * time.Millisecond, true},
		{"1m30s", time.Second, 90 * time.Second, true},
		{" 3h ", time.Second, 3 * time.Hour, true},
		{"soon", time.Second, 0, false},
		{"99999999999999999999d", time.Second, 0, false},
	}
	for _, tc := range tests {
		got, err := parseSparkDuration(tc.in, tc.unit)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parseSparkDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestSettingsDefaults(t *testing.T) {
	s, err := parseSettings(nil)
	if err != nil || s.minRatio != 0.8 || s.maxWait != 30*time.Second || s.maxFailures != 4 ||
		s.networkTimeout != 120*time.Second || s.heartbeat != 10*time.Second || s.parallelism != 0 {
		t.Fatalf("defaults = %+v, %v", s, err)
	}
}

// Partitioning depends on the key's value only: the same in every process.
func TestPartitionOfIsStable(t *testing.T) {
	type key struct {
		A string
		B float64
		C [2]int
	}
	k1, k2 := key{"x", 0, [2]int{1, 2}}, key{"x", math.Copysign(0, -1), [2]int{1, 2}}
	if hashKey(k1) != hashKey(k2) {
		t.Error("equal struct keys (+0 and -0) hash differently")
	}
	if hashKey(key{"x", 1, [2]int{1, 2}}) == hashKey(k1) {
		t.Error("different keys collide")
	}
	counts := make([]int, 4)
	for i := range 1000 {
		counts[partitionOf(i, 4)]++
	}
	for p, n := range counts {
		if n < 150 {
			t.Errorf("partition %d got %d of 1000 sequential ints", p, n)
		}
	}
	// Known values: a change here would send keys of different builds of
	// one program to different reducers.
	if got := partitionOf("spark", 7); got != int(fnv64a("spark")%7) {
		t.Errorf("partitionOf(spark, 7) = %d", got)
	}
}

func fnv64a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := range len(s) {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
