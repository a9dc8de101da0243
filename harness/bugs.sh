#!/bin/sh
# bugs.sh ARCH...: each bug that the fix series fix, shown on the
# unpatched base for the ARCHes given, as TAP in $OUT/results/bugs.tap, by
# bounded boots that the base must fail (a case fails, or the kernel
# reports, oopses or hangs):
#  - kprobes-unregister: one boot per case of the base built with the
#    debug options (KASAN, lockdep, debug objects) for x86_64, running that
#    case of test_kretprobe.sh alone;
#  - powerpc-r13: one boot of the ppc64le base running the r13 detector
#    (harness/tests/r13), one point per path, with how many of its rounds
#    and calls failed.
# The series passes the same cases in its own boots.
. "$(dirname "$0")/lib.sh"
res=$OUT/results/bugs.tap
rm -f "$res"

# The kprobes fix (kprobes-unregister): test_kretprobe.sh cases.
KPROBES_BUG_CASES="unregister_twice unregister_failed"

# failure_of RESULT-FILE CASE: the line that shows the base failing: the
# case itself, else the kernel's report, else the guest stopping.
failure_of() {
	for re in "test_kretprobe.sh: $2\$" "kernel log reports" "guest stopped|did not finish"; do
		grep -m1 -E "^not ok .*($re)" "$1" | sed 's/^not ok [0-9]* - //' | grep . && return
	done
	return 0
}

# r13_path RESULT-FILE CONSOLE PATH: one point, the base failing the r13
# detector on PATH in some of its rounds, or stopping before it finished.
r13_path() {
	failed=$(grep -c "^not ok .* r13:r13_detector.sh: $3 round" "$1" || true)
	passed=$(grep -c "^ok .* r13:r13_detector.sh: $3 round" "$1" || true)
	calls=$(sed -n "s/^# # $3 round [0-9]*: fail: r13 was another CPU's PACA after \([0-9]*\) of \([0-9]*\) calls.*/\1 \2/p" "$2" |
		awk '{ bad += $1; all += $2 } END { printf "%d of %d", bad, all }')
	first=$(grep -m1 "^# # $3 round [0-9]*: fail:" "$2" | sed 's/^# # //')
	stopped=$(grep -m1 -E "^not ok .*(guest stopped|did not finish|kernel log reports)" "$1" |
		sed 's/^not ok [0-9]* - //')
	if [ "$failed" -gt 0 ]; then
		echo "ok - the unpatched ppc64le base fails the r13 detector ($3) in $failed of $((failed + passed)) rounds, r13 foreign after $calls calls"
		echo "# $first"
	elif [ -n "$stopped" ]; then
		echo "ok - the unpatched ppc64le base stops in the r13 detector ($3) after $passed rounds: $stopped"
	else
		echo "not ok - the unpatched ppc64le base passes the r13 detector ($3) in $passed rounds: the bug is not shown (log: $LOGS/bug-r13.log)"
	fi
}

r13_on_base() {
	if ! run_logged build-base-ppc64le sh "$TOP/harness/build.sh" ppc64le base >&2; then
		echo "not ok - the ppc64le base kernel did not build (log: $LOGS/build-base-ppc64le.log)"
		return
	fi
	LABEL=bug-r13 BOOT_TIMEOUT=300 RUN_ARGS="-t r13:r13_detector.sh" \
		sh "$TOP/harness/boot.sh" ppc64le base >"$LOGS/bug-r13.log" 2>&1 || true
	for p in optprobe ftrace; do
		r13_path "$OUT/results/base-ppc64le-bug-r13.tap" \
			"$OUT/run/base-ppc64le-bug-r13/console.txt" $p
	done
	rm -f "$OUT/results/base-ppc64le-bug-r13.tap"
}

kprobes_on_base() {
	if [ -n "${NO_DEBUG:-}" ]; then
		echo "ok - the kprobes bugs on the base # SKIP NO_DEBUG is set: they need the debug kernel"
		return
	fi
	if run_logged build-basedebug-x86_64 sh "$TOP/harness/build.sh" x86_64 basedebug >&2; then
		for c in $KPROBES_BUG_CASES; do
			# A report stops the guest at once: the base can go on
			# to hang after it.
			LABEL=bug-$c KRT_CASES=$c KTARGETS=kprobes BOOT_TIMEOUT=300 \
				APPEND="kasan.fault=panic panic_on_warn=1" \
				RUN_ARGS="-t kprobes:test_kretprobe.sh" \
				sh "$TOP/harness/boot.sh" x86_64 basedebug >"$LOGS/bug-$c.log" 2>&1 || true
			why=$(failure_of "$OUT/results/basedebug-x86_64-bug-$c.tap" "$c")
			if [ -n "$why" ]; then
				echo "ok - the unpatched base fails $c: $why"
			else
				echo "not ok - the unpatched base passes $c: the bug is not shown (log: $LOGS/bug-$c.log)"
			fi
			rm -f "$OUT/results/basedebug-x86_64-bug-$c.tap"
		done
	else
		echo "not ok - the debug base kernel did not build (log: $LOGS/build-basedebug-x86_64.log)"
	fi
}

{
	case " $* " in *" ppc64le "*) r13_on_base ;; esac
	case " $* " in *" x86_64 "*) kprobes_on_base ;; esac
} | sh "$TOP/harness/tap.sh" >"$res"
cat "$res"
