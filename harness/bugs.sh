#!/bin/sh
# bugs.sh: each bug that the fix series fix, shown on the unpatched base,
# as TAP in $OUT/results/bugs.tap: one bounded boot per case of the base
# built with the debug options (KASAN, lockdep, debug objects) for x86_64,
# running that case alone, which the base must fail: the case fails, or
# the kernel reports, oopses or hangs.  The series passes the same cases
# in its own boots.
. "$(dirname "$0")/lib.sh"
res=$OUT/results/bugs.tap
rm -f "$res"

# The kprobes fix (kprobes-unregister): test_kretprobe.sh cases.
KPROBES_BUG_CASES="unregister_twice unregister_failed"

# failure_of RESULT-FILE CASE: the first line that shows the base failing.
failure_of() {
	grep -m1 -E "^not ok .*(test_kretprobe.sh: $2\$|guest stopped|did not finish|kernel log reports)" "$1" |
		sed 's/^not ok [0-9]* - //'
}

{
	if run_logged build-basedebug-x86_64 sh "$TOP/harness/build.sh" x86_64 basedebug >&2; then
		for c in $KPROBES_BUG_CASES; do
			LABEL=bug-$c KRT_CASES=$c KTARGETS=kprobes BOOT_TIMEOUT=300 \
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
} | sh "$TOP/harness/tap.sh" >"$res"
cat "$res"
