#!/usr/bin/env bash
# make bench: every benchmark, printing its own figures and the conditions.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== conditions: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3-)"
echo "== scheduler: containers placed per second (target >= 50,000/s on 5,000 nodes)"
go test -run '^$' -bench 'BenchmarkSchedule' -benchtime 20x ./resourcemanager/scheduler/
