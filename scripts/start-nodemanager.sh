#!/usr/bin/env bash
# Start a NodeManager in the background: start-nodemanager.sh [NAME] [nodemanager flags...]
# NAME defaults to nm; pid, log and ready files go to $GOYARN_RUN_DIR.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
name=nm
if [ $# -gt 0 ] && [[ $1 != -* ]]; then name=$1; shift; fi
start_daemon "$name" nodemanager "$@"
