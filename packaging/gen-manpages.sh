#!/usr/bin/env bash
# Writes the man pages of liqwatch and of every subcommand, from the binary's own --help, as
# gzipped section-1 pages: liqwatch.1.gz, liqwatch-<command>.1.gz, liqwatch-<command>-<sub>.1.gz.
# Subcommands are read from each "Subcommands:" list, so a new command gets its page unasked.
# Usage: packaging/gen-manpages.sh <liqwatch binary> <version> <changelog> <out dir>
# Needs help2man and gzip. The pages are dated from the changelog's newest entry (or from
# SOURCE_DATE_EPOCH when set), so rebuilding the same version gives the same bytes.
set -euo pipefail

if [ $# -ne 4 ]; then
    echo "usage: $0 <liqwatch binary> <version> <changelog> <out dir>" >&2
    exit 2
fi
bin=$1 version=$2 changelog=$3 out=$4
command -v help2man >/dev/null || { echo "$0: help2man not found: apt-get install help2man" >&2; exit 1; }
[ -x "$bin" ] || { echo "$0: $bin is not an executable" >&2; exit 1; }

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    stamp=$(sed -n 's/^ -- .*>  //p' "$changelog" | head -n 1)
    SOURCE_DATE_EPOCH=$(date -d "$stamp" +%s)
fi
export SOURCE_DATE_EPOCH

# CLI11 prints argv[0] in "Usage:"; run the binary as plain `liqwatch` so no build path leaks in.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$(realpath "$bin")" "$work/liqwatch"
PATH=$work:$PATH
export PATH

# Names listed under "Subcommands:" in `liqwatch <words> --help` (entries are indented by two
# spaces; wrapped descriptions by more).
subcommands() {
    liqwatch "$@" --help | awk '/^Subcommands:/ {on = 1; next} on && /^$/ {on = 0}
                                on && /^  [^ ]/ {print $1}'
}

# The NAME line: the command's description up to its first full stop, without the version
# banner the top-level description starts with.
summary() {
    liqwatch "$@" --help | sed -n '1,/^Usage:/p' | sed '$d' | tr '\n' ' ' |
        sed -e 's/^liqwatch [^ ]* - //' -e 's/\. .*//' -e 's/\.* *$//'
}

rm -f "$out"/*.1.gz
mkdir -p "$out"

# page <parent page> <words>: liqwatch-<words joined by ->.1.gz, whose SEE ALSO names its
# parent's page and its children's.
page() {
    local parent=$1 name children c
    shift
    name=$(IFS=-; echo "liqwatch${*:+-$*}")
    children=$(subcommands "$@")
    {
        echo "[SEE ALSO]"
        for c in $parent; do echo ".BR ${c//-/\\-} (1),"; done
        for c in $children; do echo ".BR ${name//-/\\-}\\-${c//-/\\-} (1),"; done
        echo "and the full guide in"
        echo ".IR /usr/share/doc/liqwatch/cli.md ."
    } >"$work/see-also.h2m"
    help2man --no-info --section=1 --source="liqwatch $version" --manual="liqwatch manual" \
        --version-string="$name $version" --help-option="$* --help" \
        --name="$(summary "$@")" --include="$work/see-also.h2m" \
        --output="$work/$name.1" liqwatch
    gzip -9n -c "$work/$name.1" >"$out/$name.1.gz"
    for c in $children; do page "$name" "$@" "$c"; done
}
page ""
