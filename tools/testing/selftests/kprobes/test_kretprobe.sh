#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the kretprobe contract cases of test_kretprobe.ko, one TAP test point
# per case.  The module does the work; this script loads it, runs each case
# through debugfs and reports what the module found.

DIR=$(dirname "$0")
MOD=test_kretprobe
DBG=/sys/kernel/debug/$MOD
KSFT_SKIP=4

echo "TAP version 13"

skip_all() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

[ "$(id -u)" = 0 ] || skip_all "must be run as root"
if ! grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; then
	mount -t debugfs none /sys/kernel/debug || skip_all "no debugfs"
fi
if ! modprobe -q "$MOD" 2>/dev/null &&
   ! insmod "$DIR/test_modules/$MOD.ko"; then
	skip_all "cannot load $MOD (CONFIG_KPROBES, CONFIG_MODULES?)"
fi
trap 'rmmod "$MOD"' EXIT

cases=$(cat "$DBG/cases")
echo "1..$(echo "$cases" | wc -l)"
n=0
failed=0
for c in $cases; do
	n=$((n + 1))
	echo "$c" >"$DBG/run"
	result=$(cat "$DBG/result")
	if [ "$result" = pass ]; then
		echo "ok $n $c"
	else
		echo "not ok $n $c"
		echo "# $c: $result"
		failed=$((failed + 1))
	fi
done
echo "# Totals: pass:$((n - failed)) fail:$failed xfail:0 xpass:0 skip:0 error:0"
[ "$failed" = 0 ]
