#!/usr/bin/env bash
# Stop a ResourceManager started by start-resourcemanager.sh: stop-resourcemanager.sh [NAME]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
stop_daemon "${1:-rm}"
