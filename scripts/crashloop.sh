#!/usr/bin/env bash
# Crash loop: N random SIGKILLs of the daemon under a storm feed and a failing, stalling webhook
# receiver, then a drain; checks 0 events lost, one Idempotency-Key per event, PRAGMA
# integrity_check and live transitions == `liqwatch backtest` (tests/e2e/crashloop.py).
# CI runs a short one (tests/e2e/test_crash_loop.py); this is for long runs.
#
# Usage: scripts/crashloop.sh [N=100] [--seed S] [--keep DIR] [other crashloop.py crash options]
# Needs a built binary: $LIQWATCH_BIN, default build/liqwatch.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100}"
[[ $# -gt 0 ]] && shift
export LIQWATCH_BIN="${LIQWATCH_BIN:-$PWD/build/liqwatch}"
export LIQWATCH_SOURCE_DIR="$PWD"
exec /usr/bin/python3 tests/e2e/crashloop.py crash --kills "$n" "$@"
