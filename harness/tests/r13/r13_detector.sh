#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# r13_detector.sh: the ppc64 r13 detector (r13_detector.ko), ROUNDS rounds
# of CALLS calls on each path, one test point per round: the optimized
# kprobe's detour, then ftrace_regs_caller (a kprobe on the function entry,
# with debug.kprobes-optimization=0).  Each call moves the task to the
# other CPU inside the probe; a round fails if r13 was another CPU's PACA
# after any call.  The unpatched 7.2 kernel fails every round (bugs.sh
# shows it); with the powerpc-r13 series none.
DIR=$(dirname "$0")
. "$DIR/../kselftest/ktap_helpers.sh"
MOD=r13_detector
DBG=/sys/kernel/debug/$MOD
OPT=/proc/sys/debug/kprobes-optimization
ROUNDS=${R13_ROUNDS:-10}
CALLS=${R13_CALLS:-200}

ktap_print_header
[ "$(id -u)" = 0 ] || { ktap_skip_all "must be run as root"; exit "$KSFT_SKIP"; }
[ -f "$DIR/$MOD.ko" ] || { ktap_skip_all "no $MOD module"; exit "$KSFT_SKIP"; }
if ! grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; then
	mount -t debugfs none /sys/kernel/debug ||
		{ ktap_skip_all "no debugfs"; exit "$KSFT_SKIP"; }
fi
insmod "$DIR/$MOD.ko" || ktap_exit_fail_msg "cannot load $MOD"
# debug.kprobes-optimization: 1 for the optprobe path, 0 for ftrace; a
# kernel without optprobes has no such file (its optprobe path skips).
saved=$(cat "$OPT" 2>/dev/null)
trap '[ -z "$saved" ] || echo "$saved" >"$OPT"; rmmod "$MOD" 2>/dev/null' EXIT
ktap_set_plan $((2 * ROUNDS))

for path in optprobe ftrace; do
	if [ -w "$OPT" ]; then
		if [ $path = optprobe ]; then echo 1 >"$OPT"; else echo 0 >"$OPT"; fi
	fi
	r=1
	while [ $r -le "$ROUNDS" ]; do
		name="$path round $r"
		if echo "$path $CALLS" >"$DBG/run"; then
			res=$(cat "$DBG/result")
		else
			res="fail: writing '$path $CALLS' to $DBG/run failed"
		fi
		ktap_print_msg "$name: $res"
		case $res in
		pass:*) ktap_test_pass "$name" ;;
		skip:*) ktap_test_skip "$name" ;;
		*) ktap_test_fail "$name" ;;
		esac
		r=$((r + 1))
	done
done
ktap_finished
