#!/usr/bin/env bash
# make bench: every benchmark, printing its own figures and the conditions.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== conditions: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3-)"
echo "== scheduler: containers placed per second (target >= 50,000/s on 5,000 nodes)"
go test -run '^$' -bench 'BenchmarkSchedule' -benchtime 20x ./resourcemanager/scheduler/
echo
echo "== failover: active RM down -> another RM accepting a submission (3 RMs, 3-server ZooKeeper on loopback)"
echo "   target: ZooKeeper session timeout + 1 s after kill -9; a graceful stop (SIGTERM) hands over at once"
GOYARN_BIN_DIR=${GOYARN_BIN_DIR:-$PWD/bin} go test -run '^$' -bench 'BenchmarkFailover' -benchtime 5x ./test/e2e/ | grep -E '^(Benchmark|ok|FAIL)'
echo
echo "== first executor: gosubmit started -> the driver's first executor registered (client mode, 2 NMs on loopback)"
echo "   targets: < 1 s with the process runtime, < 2 s with Docker"
GOYARN_BIN_DIR=${GOYARN_BIN_DIR:-$PWD/bin} go test -run '^$' -bench 'BenchmarkFirstExecutor' -benchtime 5x ./test/e2e/ | grep -E '^(Benchmark|ok|FAIL|\s+\S+_test.go)'
echo
echo "== host loss: the seed's three simulated hosts (network namespaces), every process of the active RM's host killed"
echo "   (its ZooKeeper server, RM and NodeManager) -> an RM on another host accepting a submission; ZooKeeper session 4 s"
echo "   (needs root, ZooKeeper and SeaweedFS: scripts/install-weed.sh)"
GOYARN_BIN_DIR=${GOYARN_BIN_DIR:-$PWD/bin} go test -run '^$' -bench 'BenchmarkSeedHostLoss' -benchtime 3x ./test/multihost/ | grep -E '^(Benchmark|ok|FAIL|---|\s+\S+_test.go)'
