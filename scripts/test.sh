#!/usr/bin/env bash
# Installs what is missing (Debian 12), configures, builds and runs every test through ctest.
# Exits non-zero on any failure. Usage: ./scripts/test.sh   (from anywhere)
# Environment: BUILD_DIR (default build), CTEST_PARALLEL (default 2), CTEST_ARGS (extra args).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=${BUILD_DIR:-build}
# ccache keys on paths relative to the checkout, so a fresh clone in any folder (CI's) reuses
# what an earlier build on this machine compiled.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

./scripts/setup-deps.sh test

# Prefix /usr: the packaging tests build the .deb from this tree, and a .deb installs under /usr.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr
ninja -C "$build_dir" -j"$(nproc)"

# shellcheck disable=SC2086  # CTEST_ARGS is a list of words on purpose
ctest --test-dir "$build_dir" --output-on-failure -j"${CTEST_PARALLEL:-2}" --timeout 300 ${CTEST_ARGS:-}
