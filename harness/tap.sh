#!/bin/sh
# tap.sh: number the "ok - ..." / "not ok - ..." lines of stdin and print
# them as a TAP file: version, plan, points, with "# ..." lines as they
# come.
set -eu
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cat >"$tmp"
echo "TAP version 13"
echo "1..$(grep -c -E '^(not )?ok ' "$tmp" || true)"
awk '/^(not )?ok / { sub(/ok /, "ok " ++n " ") } { print }' "$tmp"
