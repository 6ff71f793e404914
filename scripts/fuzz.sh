#!/usr/bin/env bash
# Runs the libFuzzer harnesses of fuzz/ (docs/testing.md).
# Usage: scripts/fuzz.sh [--ci] [--time SECONDS] [--jobs N] [NAME...]
#   NAME      harnesses to run (default: all): expr config api fred_json fredgraph_csv
#             nyfed_rates nyfed_operations treasury html_table csv_table json_pointer fear_greed
#             html_points
#   --time    seconds per harness (default 600; --ci: 30)
#   --jobs    harnesses run at once (default: nproc)
#   --ci      short fixed run from the seed corpus only (fresh working corpus each time)
# Builds build-asan (clang, ASan + UBSan, -DLIQWATCH_FUZZ=ON: the build scripts/sanitize.sh
# asan uses). Each harness starts from fuzz/corpus/NAME (read only) plus a working corpus in
# build-asan/fuzz-work/NAME that outlives runs (not with --ci). A crash, a sanitizer report or a
# violated property writes build-asan/fuzz-work/NAME/crash-* and fails the script; reproduce
# with build-asan/fuzz/fuzz_NAME <that file>. To keep what a long run found as seeds:
#   build-asan/fuzz/fuzz_NAME -merge=1 fuzz/corpus/NAME build-asan/fuzz-work/NAME/corpus
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}  # see test.sh

all=(expr config api fred_json fredgraph_csv nyfed_rates nyfed_operations treasury html_table
  csv_table json_pointer fear_greed html_points)
ci=0 seconds="" jobs=$(nproc) names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) ci=1 ;;
    --time) seconds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) names+=("$1") ;;
  esac
  shift
done
[ ${#names[@]} -eq 0 ] && names=("${all[@]}")
[ -z "$seconds" ] && { [ $ci = 1 ] && seconds=30 || seconds=600; }

# Largest input per harness: an expression is a line, a config a file, a request is bounded
# by the server's header + body limits; feed bodies up to 64 KiB.
max_len() {
  case "$1" in
    expr) echo 256 ;;
    config) echo 16384 ;;
    api) echo 25600 ;;
    *) echo 65536 ;;
  esac
}

./scripts/setup-deps.sh sanitize
b=build-asan
CC=clang CXX=clang++ cmake -S . -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DCMAKE_INSTALL_PREFIX=/usr -DLIQWATCH_BUILD_BENCH=OFF \
  -DLIQWATCH_SANITIZE=address,undefined -DLIQWATCH_FUZZ=ON >/dev/null
targets=()
for n in "${names[@]}"; do targets+=("fuzz_$n"); done
ninja -C "$b" -j"$(nproc)" "${targets[@]}"

export ASAN_OPTIONS="halt_on_error=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

run_one() {
  local n=$1 work=$b/fuzz-work/$1
  [ $ci = 1 ] && rm -rf "$work"
  mkdir -p "$work/corpus"
  rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
  "$b/fuzz/fuzz_$n" -max_total_time="$seconds" -max_len="$(max_len "$n")" -timeout=25 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/" \
    "$work/corpus" "fuzz/corpus/$n" >"$work/log" 2>&1
}

declare -A pid_of
failed=0
start=$(date +%s)
for n in "${names[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$n" &
  pid_of[$n]=$!
done
results=()
for n in "${names[@]}"; do
  if wait "${pid_of[$n]}"; then results+=("$n:ok"); else results+=("$n:FAIL"); failed=$((failed + 1)); fi
done

printf '\nfuzz: %s s per harness, %s at once, %s s in all\n' "$seconds" "$jobs" "$(( $(date +%s) - start ))"
printf '%-18s %-6s %12s %8s %8s %8s\n' harness result execs exec/s cov ft
passed=0
for r in "${results[@]}"; do
  n=${r%%:*} res=${r#*:} log=$b/fuzz-work/${r%%:*}/log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
  printf '%-18s %-6s %12s %8s %8s %8s\n' "$n" "$res" "${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}"
  [ "$res" = ok ] && passed=$((passed + 1))
done
for r in "${results[@]}"; do
  [ "${r#*:}" = ok ] && continue
  n=${r%%:*}
  echo
  echo "----- fuzz_$n failed; last lines of $b/fuzz-work/$n/log:"
  grep -v '^#' "$b/fuzz-work/$n/log" | tail -40 || true
  ls "$b/fuzz-work/$n/" | grep -E '^(crash|leak|timeout|oom)-' | sed "s|^|  reproduce: $b/fuzz/fuzz_$n $b/fuzz-work/$n/|" || true
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
