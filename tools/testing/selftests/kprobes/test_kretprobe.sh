#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the kretprobe contract cases of test_kretprobe.ko, one TAP test point
# per case.  The module does the work; this script loads it, runs each case
# through debugfs and reports what the module found.  Then a kprobe_events
# return probe with the default maxactive sees many sleepers at once, and
# the last case unloads the module while calls of one of its kretprobes are
# still in flight.

DIR=$(dirname "$0")
MOD=test_kretprobe
DBG=/sys/kernel/debug/$MOD
KSFT_SKIP=4
SLEEPERS=8
SLEEP=5
CROWD=1000		# sleepers of the tracefs case
CROWD_WAIT=120		# seconds they may take to fall asleep, well within
			# the 300 of settings, so that this case says why
TRACEFS=/sys/kernel/tracing
FORK_NTH=40		# allocations failed in turn in the fork_failure case

echo "TAP version 13"

skip_all() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# A module that is not there is a skip; one that is there but does not
# load is a failure: its init registers the kretprobes under test.
bail_out() {
	echo "Bail out! $*"
	exit 1
}

load_module() {
	modprobe -q "$MOD" 2>/dev/null && return
	[ -f "$DIR/test_modules/$MOD.ko" ] ||
		skip_all "no $MOD module (CONFIG_KPROBES, CONFIG_MODULES?)"
	insmod "$DIR/test_modules/$MOD.ko" || bail_out "cannot load $MOD"
}

[ "$(id -u)" = 0 ] || skip_all "must be run as root"
if ! grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; then
	mount -t debugfs none /sys/kernel/debug || skip_all "no debugfs"
fi
load_module
trap 'rmmod "$MOD" 2>/dev/null' EXIT

# KRT_CASES="name ...": run only these cases (default: all of them).
want() {
	[ -z "${KRT_CASES:-}" ] && return 0
	case " $KRT_CASES " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}
cases=$(for c in $(cat "$DBG/cases"); do ! want "$c" || echo "$c"; done)
# KRT_REPEAT=N: run the chosen cases N times in a row (unload_in_flight,
# which unloads the module, once at the end).
rounds=${KRT_REPEAT:-1}
plan=$(echo "$cases" | grep -c .)
for c in tracefs_crowd fork_failure; do
	! want $c || plan=$((plan + 1))
done
plan=$((plan * rounds))
! want unload_in_flight || plan=$((plan + 1))
echo "1..$plan"
n=0
failed=0
skipped=0

report() { # report RESULT NAME
	n=$((n + 1))
	case $1 in
	pass)	echo "ok $n $2" ;;
	skip:*)	echo "ok $n $2 # SKIP ${1#skip: }"
		skipped=$((skipped + 1)) ;;
	*)	echo "not ok $n $2"
		echo "# $2: $1"
		failed=$((failed + 1)) ;;
	esac
}

# name CASE ROUND: the test point's name, with the round when repeated.
name() {
	if [ "$rounds" = 1 ]; then echo "$1"; else echo "$1 (round $2)"; fi
}

run_cases() { # run_cases ROUND
	for c in $cases; do
		if echo "$c" >"$DBG/run"; then
			report "$(cat "$DBG/result")" "$(name "$c" "$1")"
		else
			report "fail: writing $c to $DBG/run failed" "$(name "$c" "$1")"
		fi
	done
}

# count_asleep PID...: how many of them are sleep processes, asleep.
count_asleep() {
	count=0
	for p in "$@"; do
		read -r stat <"/proc/$p/stat" 2>/dev/null || continue
		case $stat in
		*" (sleep) S "*) count=$((count + 1)) ;;
		esac
	done
	echo $count
}

# A return probe from kprobe_events, with no MAXACTIVE (the default, as
# perf and BPF use), on a function $CROWD sleepers are inside at once: one
# event per sleeper, and nothing missed in kprobe_profile.
tracefs_crowd() {
	grep -q ' hrtimer_nanosleep$' /proc/kallsyms ||
		{ echo "skip: no hrtimer_nanosleep"; return; }
	if [ ! -f "$TRACEFS/kprobe_events" ]; then
		mount -t tracefs nodev "$TRACEFS" 2>/dev/null ||
			{ echo "skip: no tracefs"; return; }
	fi
	[ -f "$TRACEFS/kprobe_events" ] || { echo "skip: no kprobe_events"; return; }
	ev=$TRACEFS/events/kprobes/krt_crowd
	echo 'r:krt_crowd hrtimer_nanosleep ret=$retval' >>"$TRACEFS/kprobe_events" ||
		{ echo "fail: cannot add a return probe to kprobe_events"; return; }
	echo 'comm == "sleep"' >"$ev/filter"
	echo >"$TRACEFS/trace"
	echo 1 >"$ev/enable"
	# They sleep until killed, so that all of them are inside at once
	# however slowly they start; a signal ends the sleep through a normal
	# return.
	pids=""
	for i in $(seq $CROWD); do
		sleep 1000 &
		pids="$pids $!"
	done
	waited=0
	while :; do
		asleep=$(count_asleep $pids)
		[ "$asleep" -lt $CROWD ] && [ $waited -lt $CROWD_WAIT ] || break
		sleep 1
		waited=$((waited + 1))
	done
	kill $pids 2>/dev/null
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	echo 0 >"$ev/enable"
	# Events of our sleepers (the polling sleep above makes some too).
	events=$(awk -v pids="$pids" '
		BEGIN { n = split(pids, p, " "); for (i = 1; i <= n; i++) ours[p[i]] = 1 }
		/ krt_crowd: / { t = $1; sub(/.*-/, "", t); if (t in ours) c++ }
		END { print c + 0 }' "$TRACEFS/trace")
	missed=$(awk '$1 == "krt_crowd" { print $3 }' "$TRACEFS/kprobe_profile")
	echo '-:krt_crowd' >>"$TRACEFS/kprobe_events"
	echo "# tracefs_crowd: $CROWD sleepers, $events return events, $missed missed" >&2
	if [ $asleep != $CROWD ]; then
		echo "fail: only $asleep of $CROWD sleepers were asleep together"
	elif [ "$events" != $CROWD ] || [ "$missed" != 0 ]; then
		echo "fail: $CROWD sleepers: $events return events, $missed missed"
	else
		echo pass
	fi
}

# Forks that fail, with a kretprobe registered (so every task has a
# rethook stack): the Nth fault-injection point of a fork fails, N = 1 to
# $FORK_NTH (fail_nth, failslab for GFP_KERNEL too), and the parent goes on
# and exits.  A child freed on an early error path of copy_process() must
# never free what dup_task_struct() copied of its parent's stack: KASAN
# reports that as a double free or a use after free.  Needs the debug
# kernel's CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB and
# CONFIG_FAULT_INJECTION_DEBUG_FS; KASAN makes the report certain.
fork_failure() {
	fs=/sys/kernel/debug/failslab
	[ -e /proc/self/fail-nth ] ||
		{ echo "skip: no fail_nth (CONFIG_FAULT_INJECTION)"; return; }
	if [ ! -w "$fs/ignore-gfp-wait" ]; then
		echo "skip: no failslab (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)"
		return
	fi
	echo 1 >"$DBG/sleep_probe" || { echo "fail: cannot arm the sleep probe"; return; }
	gfp_wait=$(cat "$fs/ignore-gfp-wait")
	verbose=$(cat "$fs/verbose")
	echo N >"$fs/ignore-gfp-wait"
	echo 0 >"$fs/verbose"
	canary="test_kretprobe: fork_failure $$ $(date +%s)"
	echo "$canary" >/dev/kmsg
	failed=0
	for nth in $(seq $FORK_NTH); do
		# The subshell is the fork that fails; its parent then exits.
		sh -c "echo $nth >/proc/self/fail-nth; ( exit 0 ) || exit 1; :" \
			2>/dev/null || failed=$((failed + 1))
	done
	echo "$gfp_wait" >"$fs/ignore-gfp-wait"
	echo "$verbose" >"$fs/verbose"
	sleep 1		# the parents' task_structs are freed after RCU
	report=$(dmesg | sed -n "/$canary/,\$p" | grep -m1 -E \
		'BUG: KASAN|double-free|invalid-free|use-after-free')
	echo "# fork_failure: $failed of $FORK_NTH forks failed" >&2
	if [ -n "$report" ]; then
		echo "fail: $report"
	elif [ $failed = 0 ]; then
		echo "fail: no fork failed: fail_nth did not reach copy_process()"
	else
		echo pass
	fi
}
round=1
while [ $round -le "$rounds" ]; do
	run_cases $round
	! want tracefs_crowd || report "$(tracefs_crowd)" "$(name tracefs_crowd $round)"
	! want fork_failure || report "$(fork_failure)" "$(name fork_failure $round)"
	round=$((round + 1))
done

# Unload the module while $SLEEPERS tasks sleep inside a function it
# probes: the unload must succeed while they sleep, and every sleeper come
# back normally through the return hook of a kretprobe that is gone.
unload_in_flight() {
	grep -q ' hrtimer_nanosleep$' /proc/kallsyms ||
		{ echo "skip: no hrtimer_nanosleep"; return; }
	echo 1 >"$DBG/sleep_probe" || { echo "fail: cannot arm the sleep probe"; return; }
	pids=""
	for i in $(seq $SLEEPERS); do
		sleep $SLEEP &
		pids="$pids $!"
	done
	tries=0
	while [ "$(cat "$DBG/inflight")" -lt $SLEEPERS ] && [ $tries -lt 50 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	inflight=$(cat "$DBG/inflight")
	rmmod "$MOD" || { echo "fail: rmmod with $inflight calls in flight"; return; }
	asleep=0
	for p in $pids; do
		! kill -0 "$p" 2>/dev/null || asleep=$((asleep + 1))
	done
	bad=0
	for p in $pids; do
		wait "$p" || bad=$((bad + 1))
	done
	if [ "$inflight" -lt $SLEEPERS ]; then
		echo "fail: only $inflight of $SLEEPERS sleepers were seen in flight"
	elif [ $asleep -lt $SLEEPERS ]; then
		echo "fail: only $asleep of $SLEEPERS sleepers were still asleep at unload"
	elif [ $bad -ne 0 ]; then
		echo "fail: $bad sleepers did not exit normally"
	else
		echo pass
	fi
}
! want unload_in_flight || report "$(unload_in_flight)" unload_in_flight

echo "# Totals: pass:$((n - failed - skipped)) fail:$failed xfail:0 xpass:0 skip:$skipped error:0"
[ "$failed" = 0 ]
