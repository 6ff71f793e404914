#!/usr/bin/env bash
# Soak run: the daemon under a storm feed (a new date every 0.5 s, all four rules firing or
# resolving on every date, every event delivered to a webhook) for a configurable time,
# sampling its RSS (VmRSS) every few seconds; prints the series and the least-squares slope in
# KB/min, so a leak shows as a slope (tests/e2e/crashloop.py soak).
#
# Usage: scripts/soak.sh [--minutes N=10] [--sample SECONDS=5] [--step S] [--poll DURATION]
# Needs a built binary: $LIQWATCH_BIN, default build/liqwatch.
set -euo pipefail
cd "$(dirname "$0")/.."
export LIQWATCH_BIN="${LIQWATCH_BIN:-$PWD/build/liqwatch}"
export LIQWATCH_SOURCE_DIR="$PWD"
exec /usr/bin/python3 tests/e2e/crashloop.py soak "$@"
