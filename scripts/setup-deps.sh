#!/usr/bin/env bash
# Installs what liqwatch needs to build, run and test on Debian 12, and nothing if it is all there.
# Usage: scripts/setup-deps.sh [build|test|sanitize]
#   test      adds the tools the test suite drives
#   sanitize  test, plus clang with its sanitizer and libFuzzer runtimes and llvm-symbolizer
#             (scripts/sanitize.sh, scripts/fuzz.sh)
set -euo pipefail
mode=${1:-build}

build_pkgs=(build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev libspdlog-dev libfmt-dev libcurl4-openssl-dev libsqlite3-dev libyaml-cpp-dev
  libssl-dev libxml2-dev libhowardhinnant-date-dev libcli11-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev help2man)
# help2man (build): the man pages are generated from --help (cmake/install.cmake).
# prometheus-alertmanager: the HA tests run two clustered replicas of it on loopback ports.
# lintian: the packaging test runs it on the .deb.
test_pkgs=(python3 python3-aiosmtpd sqlite3 curl systemd chromium prometheus dpkg-dev file
  prometheus-alertmanager lintian)
sanitize_pkgs=(clang libclang-rt-14-dev llvm)

pkgs=("${build_pkgs[@]}")
case "$mode" in
  build) ;;
  test) pkgs+=("${test_pkgs[@]}") ;;
  sanitize) pkgs+=("${test_pkgs[@]}" "${sanitize_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|sanitize]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Debian starts the packaged Alertmanager as a service (web :9093, cluster :9094 on every
# address) where systemd runs. The tests start their own replicas on free loopback ports and
# need no system instance, so do not leave one listening.
if [[ " ${missing[*]} " == *" prometheus-alertmanager "* ]] && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now prometheus-alertmanager.service >/dev/null 2>&1 || true
fi
