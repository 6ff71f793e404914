#!/usr/bin/env bash
# Sanitizer passes (docs/testing.md). Usage: scripts/sanitize.sh [asan|tsan]...  (default: both)
#   asan  clang -O1, ASan + UBSan, in build-asan (the same build holds the libFuzzer harnesses,
#         which scripts/fuzz.sh reuses): every unit test and every end-to-end test except the
#         packaging one (it builds a .deb, nothing to sanitize).
#   tsan  clang -O1, TSan, in build-tsan: the tests that run the store threads and the event
#         loop together: StoreWorker and HTTP client unit tests, and end-to-end tests that
#         poll feeds, store, serve the API and notify in one daemon.
# A failed test or any sanitizer report fails the pass; reports are kept in
# <build dir>/sanitizer-reports/ and printed. Environment: CTEST_PARALLEL (default 2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}  # see test.sh
repo=$(pwd)

passes=("$@")
[ ${#passes[@]} -eq 0 ] && passes=(asan tsan)

./scripts/setup-deps.sh sanitize

# Debug (no NDEBUG: assertions on) at -O1 with clang; no benchmarks.
configure() {
  local dir=$1 sanitizers=$2 fuzz=$3
  CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DCMAKE_INSTALL_PREFIX=/usr -DLIQWATCH_BUILD_BENCH=OFF \
    -DLIQWATCH_SANITIZE="$sanitizers" -DLIQWATCH_FUZZ="$fuzz" >/dev/null
}

# Fails if the sanitizers wrote any report, printing them.
check_reports() {
  local dir=$1 name=$2
  shopt -s nullglob
  local reports=("$dir"/*)
  shopt -u nullglob
  if [ ${#reports[@]} -gt 0 ]; then
    echo "sanitize $name: ${#reports[@]} sanitizer report(s) in $dir:"
    for r in "${reports[@]}"; do echo "----- $r"; head -c 6000 "$r"; done
    return 1
  fi
}

run_asan() {
  local b=build-asan reports
  reports=$repo/$b/sanitizer-reports
  configure "$b" address,undefined ON
  local units
  units=$(ninja -C "$b" -t targets all | sed -n 's/^\(liqwatch_[a-z]*_tests\): .*/\1/p' | sort -u)
  # shellcheck disable=SC2086  # a list of targets
  ninja -C "$b" -j"$(nproc)" liqwatch $units fuzzers
  rm -rf "$reports" && mkdir -p "$reports"
  # log_path: reports go to files, so none is lost in a test's captured stderr or a daemon
  # killed by an e2e test. Leak checking stays on (the default).
  ASAN_OPTIONS="log_path=$reports/asan:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1" \
  UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1" \
    ctest --test-dir "$b" --output-on-failure -j"${CTEST_PARALLEL:-2}" --timeout 600 \
      -E '^e2e\.test_package$'
  check_reports "$reports" asan
}

run_tsan() {
  local b=build-tsan reports
  reports=$repo/$b/sanitizer-reports
  configure "$b" thread OFF
  ninja -C "$b" -j"$(nproc)" liqwatch liqwatch_store_tests liqwatch_http_tests
  rm -rf "$reports" && mkdir -p "$reports"
  export TSAN_OPTIONS="log_path=$reports/tsan:halt_on_error=1:second_deadlock_stack=1:suppressions=$repo/scripts/tsan.supp"
  "$b"/daemon/liqwatch_store_tests --gtest_filter='StoreWorker.*'
  "$b"/daemon/liqwatch_http_tests
  ctest --test-dir "$b" --output-on-failure -j"${CTEST_PARALLEL:-2}" --timeout 600 \
    -R '^e2e\.test_(api_contract|sources_feeds|service_lifecycle|notify_delivery|rules_api)$'
  unset TSAN_OPTIONS
  check_reports "$reports" tsan
}

for p in "${passes[@]}"; do
  start=$(date +%s)
  case "$p" in
    asan) run_asan ;;
    tsan) run_tsan ;;
    *) echo "usage: $0 [asan|tsan]..." >&2; exit 2 ;;
  esac
  echo "sanitize $p: passed, no sanitizer reports ($(( $(date +%s) - start )) s)"
done
