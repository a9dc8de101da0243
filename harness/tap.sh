#!/bin/sh
# tap.sh: number the "ok - ..." / "not ok - ..." lines of stdin and print
# them as a TAP file: version, plan, points, with "# ..." lines as they
# come.
# tap.sh --append FILE: number them after the points FILE has, add them to
# it and print them.  FILE starts with its plan, written before anything
# ran, so that a stage that stops early leaves fewer points than that plan
# (summary.sh fails it).
set -eu
if [ "${1:-}" = --append ]; then
	k=$(grep -c -E '^(not )?ok ' "$2" || true)
	awk -v n="${k:-0}" '/^(not )?ok / { sub(/ok /, "ok " ++n " ") } { print }' | tee -a "$2"
	exit 0
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cat >"$tmp"
echo "TAP version 13"
echo "1..$(grep -c -E '^(not )?ok ' "$tmp" || true)"
awk '/^(not )?ok / { sub(/ok /, "ok " ++n " ") } { print }' "$tmp"
