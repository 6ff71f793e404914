#!/usr/bin/env bash
# Installs what is missing (Debian 12), builds, and runs the daemon in the foreground with the
# shipped watchlist (config/liqwatch.yaml) and its SQLite state in ./var/liqwatch.db.
# Extra arguments go to `liqwatch run` (e.g. --log-level debug). Stop with Ctrl-C.
# Environment: LIQWATCH_CONFIG (default config/liqwatch.yaml), BUILD_DIR (default build).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=${BUILD_DIR:-build}
config=${LIQWATCH_CONFIG:-config/liqwatch.yaml}

./scripts/setup-deps.sh build

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
ninja -C "$build_dir" -j"$(nproc)" liqwatch

mkdir -p var
echo "run.sh: starting $build_dir/liqwatch with $config, state in var/liqwatch.db (Ctrl-C to stop)" >&2
exec "$build_dir/liqwatch" run --config "$config" --db var/liqwatch.db "$@"
