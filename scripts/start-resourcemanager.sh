#!/usr/bin/env bash
# Start a ResourceManager in the background: start-resourcemanager.sh [NAME] [resourcemanager flags...]
# NAME defaults to rm; pid, log and ready files go to $GOYARN_RUN_DIR.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
name=rm
if [ $# -gt 0 ] && [[ $1 != -* ]]; then name=$1; shift; fi
start_daemon "$name" resourcemanager "$@"
