#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# rethook_leak.sh: review M1 (rethook_leak.c says how): ROUNDS rounds of a
# kthread extending its rethook stack while an fprobe in the softirq tail
# of an interrupt extends it too, then a kmemleak scan.  Fails if a return
# was lost or kmemleak finds a rethook chunk nobody points to.  The v1
# 6.12 backport leaked a chunk in most rounds; v2 must leak none.
DIR=$(dirname "$0")
. "$DIR/../kselftest/ktap_helpers.sh"
MOD=rethook_leak
DBG=/sys/kernel/debug/$MOD
KML=/sys/kernel/debug/kmemleak
ROUNDS=${RL_ROUNDS:-50}

ktap_print_header
[ "$(id -u)" = 0 ] || { ktap_skip_all "must be run as root"; exit "$KSFT_SKIP"; }
[ -f "$DIR/$MOD.ko" ] || { ktap_skip_all "no $MOD module (fprobes not on rethook)"; exit "$KSFT_SKIP"; }
if ! grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; then
	mount -t debugfs none /sys/kernel/debug ||
		{ ktap_skip_all "no debugfs"; exit "$KSFT_SKIP"; }
fi
[ -w "$KML" ] || { ktap_skip_all "no kmemleak (CONFIG_DEBUG_KMEMLEAK)"; exit "$KSFT_SKIP"; }
insmod "$DIR/$MOD.ko" || ktap_exit_fail_msg "cannot load $MOD"
trap 'rmmod "$MOD" 2>/dev/null' EXIT
ktap_set_plan 3

# Leaks found before this test are not this test's.
echo clear >"$KML"
if echo "$ROUNDS" >"$DBG/run"; then
	res=$(cat "$DBG/result")
else
	res="fail: writing $ROUNDS to $DBG/run failed"
fi
ktap_print_msg "$res"
# Every kretprobe and fprobe return hooked, none missed.
case $res in
done:*) set -- $(echo "$res" | sed 's/[^0-9 ]//g')
	# rounds; kretprobe entries, returns, missed; tasklet runs, in the
	# kthread, in its rethook_try_get(), hrtimer hits there, fprobe
	# pushes that extended its stack there; fprobe entries, returns,
	# missed.  Each tasklet run makes 3 fprobe'd calls.
	if [ "$2" = $(($1 * 21)) ] && [ "$3" = "$2" ] && [ "$4" = 0 ] &&
	   [ "${10}" -gt 0 ] && [ $((${10} + ${12})) = $((3 * $5)) ] &&
	   [ "${10}" = "${11}" ] && [ "${12}" = 0 ]; then
		ktap_test_pass "no return lost"
	else
		ktap_test_fail "no return lost"
	fi
	# Without it this test proves nothing.
	name="the fprobe extended the kthread's stack from inside its rethook_try_get()"
	if [ "$9" -gt 0 ]; then
		ktap_test_pass "$name ($9 times)"
	else
		ktap_test_fail "$name (0 times)"
	fi ;;
*) ktap_test_fail "no return lost"
   ktap_test_fail "the fprobe extended the kthread's stack from inside its rethook_try_get()" ;;
esac

# kmemleak reports an object only once it is older than 5 s and a scan
# found no pointer to it; a second scan drops pointers that were in flight.
sleep 6
# A kmemleak that turned itself off refuses to scan (and finds nothing).
if ! echo scan >"$KML" || ! echo scan >"$KML"; then
	ktap_test_fail "no rethook chunk leaked: kmemleak cannot scan (disabled?)"
	ktap_finished
fi
leaks=$(awk '/^unreferenced object/ { n += obj; obj = 0; big = /size 8192/ }
	     big && /rethook/ { obj = 1 } END { print n + obj }' "$KML")
ktap_print_msg "kmemleak: $leaks unreferenced 8 KiB objects allocated in rethook"
[ "$leaks" = 0 ] || sed 's/^/# /' "$KML" | head -n 40
if [ "$leaks" = 0 ]; then
	ktap_test_pass "no rethook chunk leaked"
else
	ktap_test_fail "no rethook chunk leaked"
fi
ktap_finished
