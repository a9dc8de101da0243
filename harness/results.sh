#!/bin/sh
# results.sh ARCH CONSOLE QEMU_EXIT SECONDS LIMIT: print one TAP line per
# kselftest test point found in a guest console, plus one for the boot
# itself and one for the kernel log.  Nothing found is a failure.
set -eu
arch=$1 console=$2 qrc=$3 secs=$4 limit=$5

awk -v arch="$arch" '
/^KR-HARNESS: TAP BEGIN/ { intap = 1; next }
/^KR-HARNESS: TAP END/ { intap = 0; next }
!intap { next }
/^# selftests: / { script = $3 $4; sub(/:/, "/", script); subfail = 0; nsub = 0; next }
/^# (not )?ok [0-9]+ / {
	line = substr($0, 3)
	ok = (line ~ /^ok/)
	sub(/^(not )?ok [0-9]+ /, "", line)
	printf "%s - %s: %s: %s\n", ok ? "ok" : "not ok", arch, script, line
	nsub++
	if (!ok) subfail++
	next
}
/^(not )?ok [0-9]+ selftests: / {
	ok = ($1 == "ok")
	line = $0
	sub(/^(not )?ok [0-9]+ selftests: /, "", line)
	if (nsub == 0)
		printf "%s - %s: %s\n", ok ? "ok" : "not ok", arch, line
	else if (!ok && subfail == 0)
		printf "not ok - %s: %s (script failed after its test points)\n", arch, line
}' "$console" >"$console.points"

# KUnit suites print KTAP into the kernel log at boot: one point per case,
# taken from the log the guest dumps at the end (only complete boots).
sed -n '/^KR-HARNESS: DMESG BEGIN/,/^KR-HARNESS: DMESG END/p' "$console" |
sed 's/^\[ *[0-9]*\.[0-9]*\] //' | awk -v arch="$arch" '
/^    # Subtest: / { suite = $3; next }
/^    (not )?ok [0-9]+ / && suite != "" {
	ok = ($1 == "ok")
	line = $0
	sub(/^    (not )?ok [0-9]+ /, "", line)
	printf "%s - %s: kunit/%s: %s\n", ok ? "ok" : "not ok", arch, suite, line
}
/^(not )?ok [0-9]+ / { suite = "" }' >>"$console.points"
for s in ${EXPECT_KUNIT:-}; do
	grep -q "kunit/$s: " "$console.points" ||
		echo "not ok - $arch: kunit/$s: the suite did not run" >>"$console.points"
done
cat "$console.points"

if [ ! -s "$console.points" ]; then
	echo "not ok - $arch: no kselftest result in the console"
fi

if grep -q '^KR-HARNESS: TAP END' "$console" && [ "$qrc" = 0 ]; then
	echo "ok - $arch: guest ran the tests and powered off in $secs s"
elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "not ok - $arch: guest did not finish within $limit s (hung?)"
else
	why=$(grep -m1 -E 'Kernel panic|Oops|BUG:' "$console" || echo "QEMU exit $qrc")
	echo "not ok - $arch: guest stopped before the tests finished: $why"
fi

# Kernel log lines carry a [seconds] stamp; test output does not.  Match
# reports, not the banners of the debug options ("RCU lockdep checking is
# enabled", "KernelAddressSanitizer initialized").
report=$(grep -E '^\[ *[0-9]+\.[0-9]+\] ' "$console" | grep -m1 -E \
	'WARNING:|BUG:|Oops|Kernel panic|kernel BUG|general protection|Call Trace:|DEBUG_LOCKS_WARN_ON|turning off the locking correctness validator|possible (recursive|circular) locking|inconsistent lock state|suspicious RCU usage|rcu: INFO|self-detected stall|KASAN:|UBSAN:|blocked for more than' ||
	true)
if [ -z "$report" ]; then
	echo "ok - $arch: kernel log has no warning, BUG, lockdep, RCU or KASAN report"
else
	echo "not ok - $arch: kernel log reports: $report"
fi
