#!/bin/sh
# results.sh LABEL VARIANT-ARCH CONSOLE KMSG QEMU_EXIT SECONDS LIMIT: the
# TAP result of one boot: a point per test point of every suite
# (kselftests from the console, KUnit from the kernel log), a point per
# suite harness/expected expects (it reported, with the points its plan
# announced, and exited 0), one for the boot itself and one for the kernel
# log.  See harness/results.awk.  A boot that results.awk cannot read is
# one failing point, with awk's error.
set -eu
h=$(cd "$(dirname "$0")" && pwd)
label=$1 key=$2 console=$3 kmsg=$4 qrc=$5 secs=$6 limit=$7

# The tests RUN_ARGS chose with -t/-c (run_kselftest.sh's options).
chosen=$(set -- ${RUN_ARGS:-}
	while [ $# -gt 1 ]; do
		case $1 in
		-t|--test|-c|--collection) echo "$2"; shift ;;
		esac
		shift
	done)

# awk's output goes to a file, not down a pipe: the shell would lose its
# exit status, and a boot that cannot be read would come out as "1..0".
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
if awk -v label="$label" -v key="$key" -v variant="${key%%-*}" \
	-v ktargets="${KTARGETS:-}" -v chosen="$(echo $chosen)" \
	-v krt_cases="${KRT_CASES:-}" -v krt_repeat="${KRT_REPEAT:-1}" \
	-v qrc="$qrc" -v secs="$secs" -v limit="$limit" \
	-f "$h/results.awk" "${EXPECTED:-$h/expected}" "$console" "$kmsg" >"$out" 2>"$err"; then
	sh "$h/tap.sh" <"$out"
else
	rc=$?
	cat "$err" >&2
	{
		cat "$out"
		echo "not ok - $label: results.awk failed (exit $rc: $(tail -n 1 "$err")) on console $console and kernel log $kmsg: this boot's points are not known"
	} | sh "$h/tap.sh"
fi
