#!/bin/sh
# selftest.sh: the harness's own tests, TAP on stdout.  Each way a failure
# could hide is fed to the script that must catch it: canned consoles and
# kernel logs to results.sh (against a small expectations file), canned
# result files to summary.sh, a stand-in base to apply.sh and
# check-series.sh, a KSRC of another version to base.sh.
#
# selftest.sh hang ARCH VARIANT: a real boot of the build made before
# (out/build/VARIANT-ARCH) whose guest hangs; it must be stopped at its
# limit and fail.
set -eu
h=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
n=0
point() { # point OK|FAIL DESCRIPTION [FILE-TO-SHOW]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - harness: $2"
	else
		echo "not ok $n - harness: $2"
		[ -z "${3:-}" ] || sed 's/^/# /' "$3"
	fi
}

if [ "${1:-}" = hang ]; then
	echo "1..1"
	limit=40
	t0=$(date +%s)
	LABEL=hang BOOT_TIMEOUT=$limit KTARGETS=kprobes RUN_ARGS= \
		GUEST_CMD='echo "KR-HARNESS: hanging on purpose"; sleep 100000' \
		sh "$h/boot.sh" "$2" "$3" >"$tmp/log" 2>&1 || true
	secs=$(($(date +%s) - t0))
	. "$h/lib.sh"
	res=$OUT/results/$3-$2-hang.tap
	if grep -q '^KR-HARNESS: hanging on purpose' "$OUT/run/$3-$2-hang/console.txt" &&
	   grep -q "^not ok .*: guest did not finish within $limit s" "$res" &&
	   [ $secs -le $((limit + 30)) ]; then
		point OK "a guest that hangs ($2, booted) is stopped at its limit ($limit s; $secs s in all) and fails"
	else
		point FAIL "a guest that hangs ($2) is stopped at its limit and fails ($secs s)" "$tmp/log"
	fi
	rm -f "$res"
	exit 0
fi

echo "1..31"

# The expectations of the canned boots.
cat >"$tmp/expected" <<'EOF'
suite *		kprobes:test_kretprobe.sh	series	2
suite *		ftrace:ftracetest-kprobe	upstream 1
suite *		kunit:kprobes_test		upstream 1
skip *-i386	kprobes:test_kretprobe.sh return_value a skip harness/expected allows
EOF

krt='# selftests: kprobes: test_kretprobe.sh
# TAP version 13
# 1..2
# ok 1 pairing
# ok 2 return_value
ok 1 selftests: kprobes: test_kretprobe.sh'
ftrace='# selftests: ftrace: ftracetest-kprobe
# TAP version 13
# 1..1
# ok 1 Kprobe dynamic event
ok 2 selftests: ftrace: ftracetest-kprobe'
kunit='<6>[    0.500000]     KTAP version 1
<6>[    0.500000]     # Subtest: kprobes_test
<6>[    0.500000]     1..1
<6>[    0.600000]     ok 1 test_kprobe
<6>[    0.600000] ok 1 kprobes_test'
log_end='<12>[    9.000000] KR-HARNESS: LOG END'

# console KSELFTEST-OUTPUT: a console of a guest that ran it and finished.
console() {
	printf 'KR-HARNESS: TAP BEGIN\nTAP version 13\n1..2\n%s\nKR-HARNESS: TAP END rc=0\n' \
		"$1" >"$tmp/console"
}
kmsg() { printf '<6>[    0.100000] Linux version 7.2.13\n%s\n' "$@" >"$tmp/kmsg"; }
good() { console "$krt
$ftrace"; kmsg "$kunit" "$log_end"; }

# expect NAME PASSED FAILED SKIPPED PATTERN [QEMU-EXIT [VARIANT-ARCH]]:
# results.sh on $tmp/console and $tmp/kmsg, counted by summary.sh; the
# counts must be these and a line must match PATTERN.
expect() {
	EXPECTED=$tmp/expected KTARGETS="kprobes ftrace" sh "$h/results.sh" x86_64 \
		"${7:-series-x86_64}" "$tmp/console" "$tmp/kmsg" "${6:-0}" 5 60 >"$tmp/out"
	sh "$h/summary.sh" "$tmp/out" >"$tmp/sum" 2>&1 || true
	if tail -n 1 "$tmp/sum" | grep -qx "$2 passed, $3 failed, $4 skipped" &&
	   grep -q -- "$5" "$tmp/out"; then
		point OK "$1"
	else
		point FAIL "$1 (summary: $(tail -n 1 "$tmp/sum"))" "$tmp/out"
	fi
}

# A clean boot: 4 test points, 3 suites, the boot, the kernel log.
good
expect "a clean run passes" 9 0 0 '^ok 5 - x86_64: kprobes:test_kretprobe.sh: 2 of 2 points reported, exit 0'

good
sed -i 's/^# ok 2 return_value/# not ok 2 return_value/; s/^ok 1 selftests: kprobes/not ok 1 selftests: kprobes/' "$tmp/console"
expect "a failing test point fails and is named" 7 2 0 'not ok 2 - x86_64: kprobes:test_kretprobe.sh: return_value'

good
sed -i 's/^ok 1 selftests: kprobes: test_kretprobe.sh/not ok 1 selftests: kprobes: test_kretprobe.sh # exit=1/' "$tmp/console"
expect "a script that exits non-zero after its points fails" 8 1 0 'runner: not ok # exit=1'

good
sed -i '/^# ok 2 return_value/d; s/^ok 1 selftests: kprobes: test_kretprobe.sh/not ok 1 selftests: kprobes: test_kretprobe.sh # TIMEOUT 300 seconds/' "$tmp/console"
expect "a kselftest timeout fails, shown as a timeout" 7 1 0 'timed out: TIMEOUT 300 seconds'

console "$krt"; kmsg "$kunit" "$log_end"
expect "a suite that does not report fails" 7 1 0 'ftrace:ftracetest-kprobe: did not report (1 points expected)'

good
sed -i '/^# ok 2 return_value/d' "$tmp/console"
expect "a plan that comes up short fails" 7 1 0 '1 points of the 2 announced'

good
sed -i '/^# ok 2 return_value/d; s/^# 1\.\.2/# 1..1/' "$tmp/console"
expect "a plan smaller than harness/expected fails" 7 1 0 'its plan announced 1 points, harness/expected says 2'

krt_skipped='# selftests: kprobes: test_kretprobe.sh
# TAP version 13
# 1..0 # SKIP cannot load test_kretprobe
ok 1 selftests: kprobes: test_kretprobe.sh # SKIP'
console "$krt_skipped
$ftrace"; kmsg "$kunit" "$log_end"
expect "a series suite skipped as a whole fails on the patched kernel" 6 1 0 \
	'not ok .*kprobes:test_kretprobe.sh (the whole suite): SKIP (cannot load test_kretprobe) on the patched kernel'
expect "a series suite skipped as a whole is counted as skipped on the base" 6 0 1 \
	'^ok .*kprobes:test_kretprobe.sh (the whole suite) # SKIP cannot load' 0 base-x86_64

console "$krt
# selftests: ftrace: ftracetest-kprobe
# 1..0 # SKIP no tracefs
ok 2 selftests: ftrace: ftracetest-kprobe # SKIP"; kmsg "$kunit" "$log_end"
expect "an upstream suite skipped as a whole is counted as skipped, with its reason" 7 0 1 \
	'^ok .*ftrace:ftracetest-kprobe (the whole suite) # SKIP no tracefs'

good
sed -i 's/^# ok 2 return_value/# ok 2 return_value # SKIP no reason/' "$tmp/console"
expect "a series test point skipped on the patched kernel fails" 8 1 0 \
	'not ok .*: return_value: SKIP (no reason) on the patched kernel'
expect "a skip that harness/expected allows is counted as skipped" 8 0 1 \
	'^ok .*: return_value # SKIP no reason' 0 series-i386

good
sed -i 's/^# ok 2 return_value/# ok 2 return_value # XFAIL known bug/; s/^# ok 1 Kprobe dynamic event/# not ok 1 Kprobe dynamic event # TODO later/' "$tmp/console"
expect "XFAIL and TODO are not passes: a failure in the series' suites, a skip upstream" 7 1 1 \
	'^ok .*Kprobe dynamic event # SKIP TODO: later'

good
sed -i 's/^# ok 2 return_value/# ok 2 return_value # skip lower case/' "$tmp/console"
expect "a lower-case skip is a skip" 8 1 0 'return_value: SKIP (lower case) on the patched kernel'

console "$krt
$ftrace
# selftests: other: test_other.sh
# 1..1
# ok 1 other
ok 3 selftests: other: test_other.sh"; kmsg "$kunit" "$log_end"
expect "a suite that harness/expected does not list fails" 10 1 0 \
	'other:test_other.sh: ran, but harness/expected does not expect it'

good; kmsg "$log_end"
expect "a KUnit suite that does not report fails" 7 1 0 'kunit:kprobes_test: did not report'

good
kmsg "$kunit" '<4>[    5.000000] ------------[ cut here ]------------' \
	'<4>[    5.000000] WARNING: CPU: 0 PID: 1 at kernel/kprobes.c:1 x+0x1/0x2' \
	'<4>[    5.000000] Call Trace:' "$log_end"
expect "a kernel warning in the log fails, with the report shown" 8 1 0 '^# Call Trace:'

good
kmsg "$kunit" '<3>[    5.000000] BUG: KFENCE: use-after-free read in x+0x1/0x2' "$log_end"
expect "a KFENCE report fails" 8 1 0 'kernel log reports: BUG: KFENCE'

good
kmsg "$kunit" '<3>[    9.000000] kmemleak: unreferenced object 0xffff888003a1c000 (size 64):' \
	'<3>[    9.000000] kmemleak:   comm "insmod", pid 90, jiffies 4294893122' "$log_end"
expect "a kmemleak report fails, with the report shown" 8 1 0 '^# kmemleak:   comm "insmod"'

good
sed -i '/TAP END/,$d' "$tmp/console"
echo '[    2.000000] Kernel panic - not syncing: Fatal exception' >>"$tmp/console"
kmsg "$kunit"
expect "a panic fails the boot and the kernel log" 7 2 0 'guest stopped before the tests finished: .*Kernel panic'

good
sed -i '/TAP END/,$d' "$tmp/console"
expect "a hung guest fails within its limit" 8 1 0 'did not finish within 60 s' 124

: >"$tmp/console"; : >"$tmp/kmsg"
expect "a silent guest fails" 0 5 0 'guest stopped before the tests finished: QEMU exit 1' 1

good; kmsg "$kunit"
expect "a kernel log cut before its last line fails" 8 1 0 'the kernel log stopped before its last line'

console '# selftests: kprobes: test_kretprobe.sh
# 1..3
# ok 1 pairing
# ok 2 pairing (round 2)
# ok 3 unload_in_flight
ok 1 selftests: kprobes: test_kretprobe.sh'; kmsg "$kunit" "$log_end"
KRT_CASES="pairing unload_in_flight" KRT_REPEAT=2 RUN_ARGS="-o 99 -t kprobes:test_kretprobe.sh" \
	expect "chosen cases and rounds (KRT_CASES, KRT_REPEAT, RUN_ARGS -t) set the plan and the suites expected" \
	8 0 0 'kprobes:test_kretprobe.sh: 3 of 3 points reported'

# summary.sh on result files: counts, missing file, no plan, short plan.
printf 'TAP version 13\n1..4\nok 1 - a\nok 2 - b # SKIP why\nok 3 - c # xfail why\nnot ok 4 - d # TODO why\n' >"$tmp/a.tap"
if sh "$h/summary.sh" "$tmp/a.tap" >"$tmp/sum" && tail -n 1 "$tmp/sum" | grep -qx '1 passed, 0 failed, 3 skipped'; then
	point OK "summary.sh counts passes and skips (XFAIL, TODO, lower case) and exits 0"
else
	point FAIL "summary.sh counts passes and skips and exits 0" "$tmp/sum"
fi
printf 'TAP version 13\n1..3\nok 1 - a\nok 2 - b\n' >"$tmp/short.tap"
printf 'ok 1 - a\n' >"$tmp/noplan.tap"
printf '1..2\nok 1 - a\nnot ok 2 - b\n' >"$tmp/fail.tap"
if sh "$h/summary.sh" "$tmp/a.tap" "$tmp/short.tap" "$tmp/noplan.tap" "$tmp/fail.tap" \
	"$tmp/missing.tap" >"$tmp/sum"; then
	point FAIL "summary.sh exits 0 on failures" "$tmp/sum"
elif tail -n 1 "$tmp/sum" | grep -qx '5 passed, 4 failed, 3 skipped' &&
     grep -q 'short.tap: 2 points, its plan announced 3' "$tmp/sum" &&
     grep -q 'noplan.tap: no plan line' "$tmp/sum" &&
     grep -q 'missing.tap: missing' "$tmp/sum"; then
	point OK "summary.sh fails a failed point, a short plan, no plan and a missing file, exit 1"
else
	point FAIL "summary.sh fails a short plan, no plan and a missing file" "$tmp/sum"
fi

# A stage of the harness that stops is a failure, with its reason.
(
	OUT=$tmp/st
	. "$h/lib.sh"
	run_stage st-demo "demo stage" sh -c 'echo "error: something broke"; exit 3' >/dev/null
	run_stage st-ok "other stage" true >/dev/null
)
if grep -qx 'not ok - demo stage stopped: exit 3: error: something broke (log: .*)' \
	"$tmp/st/results/stages.lines" &&
   grep -qx 'ok - other stage ran to the end' "$tmp/st/results/stages.lines"; then
	point OK "a harness stage that stops is a failure, with its exit and last log line"
else
	point FAIL "a harness stage that stops is a failure" "$tmp/st/results/stages.lines"
fi

# apply.sh and check-series.sh on a small stand-in base.
mkbase() {
	git init -q "$tmp/base"
	printf 'one\ntwo\nthree\n' >"$tmp/base/file"
	git -C "$tmp/base" add file
	git -C "$tmp/base" -c user.name=t -c user.email=t@t commit -qm base
	mkdir -p "$tmp/o" "$tmp/patches"
	cat >"$tmp/o/base.env" <<-EOF
	BASE_REPO='$tmp/base'
	BASE_COMMIT='$(git -C "$tmp/base" rev-parse HEAD)'
	BASE_VERSION='stand-in'
	EOF
	git clone -q "$tmp/base" "$tmp/work"
	sed -i 's/two/TWO/' "$tmp/work/file"
	git -C "$tmp/work" -c user.name=t -c user.email=t@t commit -qam change
	git -C "$tmp/work" format-patch -q -o "$tmp/patches" HEAD~1
}
mkbase
if BASE=7.2 OUT=$tmp/o PATCHES=$tmp/patches SERIES= sh "$h/apply.sh" >"$tmp/o/log" 2>&1; then
	point OK "a good patch applies"
else
	point FAIL "a good patch applies" "$tmp/o/log"
fi

# The series checks refuse a work tree that is not the series, and the
# refusal fails the run (v1 swallowed it and went on).
echo edited >>"$tmp/o/linux/file"
if BASE=7.2 OUT=$tmp/o PATCHES=$tmp/patches SERIES= BISECT_ARCHES=x86_64 sh "$h/check-series.sh" \
	>"$tmp/o/log" 2>&1; then
	point FAIL "series checks refuse an edited work tree" "$tmp/o/log"
elif ! sh "$h/summary.sh" "$tmp/o/results/series.tap" >"$tmp/sum" &&
     grep -q 'series.tap: 1 points, its plan announced 3' "$tmp/sum"; then
	point OK "series checks that stop early (an edited work tree) fail the run"
else
	point FAIL "series checks that stop early fail the run" "$tmp/sum"
fi
git -C "$tmp/o/linux" checkout -q file

sed -i 's/^ three/ THREE/' "$tmp/patches/0001-change.patch"
mv "$tmp/patches/0001-change.patch" "$tmp/patches/0001-broken.patch"
if BASE=7.2 OUT=$tmp/o PATCHES=$tmp/patches SERIES= sh "$h/apply.sh" >"$tmp/o/log" 2>&1; then
	point FAIL "a patch with a changed context line stops apply" "$tmp/o/log"
elif grep -q 'patch 0001-broken.patch does not apply' "$tmp/o/log"; then
	point OK "a patch with a changed context line stops apply, named"
else
	point FAIL "apply failed without naming the patch" "$tmp/o/log"
fi

# A KSRC that is not the series' base line is refused, with what is
# expected; ANY_VERSION=1 takes it anyway (a 7.3-rc, say).
mkdir -p "$tmp/k73"
printf 'VERSION = 7\nPATCHLEVEL = 3\nSUBLEVEL = 0\nEXTRAVERSION = -rc7\n' >"$tmp/k73/Makefile"
if env -u ANY_VERSION KSRC=$tmp/k73 OUT=$tmp/o73 KR_CACHE=$tmp/c BASE=7.2 \
	sh "$h/base.sh" >"$tmp/log73" 2>&1; then
	point FAIL "a 7.3-rc KSRC was taken for 7.2.y"
elif ! grep -q 'is Linux 7.3.0-rc7; the series is for 7.2.y' "$tmp/log73"; then
	point FAIL "a 7.3-rc KSRC was refused without saying why" "$tmp/log73"
elif ! KSRC=$tmp/k73 OUT=$tmp/o73 KR_CACHE=$tmp/c BASE=7.2 ANY_VERSION=1 \
	sh "$h/base.sh" >"$tmp/log73" 2>&1; then
	point FAIL "ANY_VERSION=1 did not take a 7.3-rc KSRC" "$tmp/log73"
else
	point OK "a KSRC of another version is refused, and taken with ANY_VERSION=1"
fi

# The plan above is right: a point added or lost shows here.
[ $n = 31 ] || echo "not ok - harness: the self-test ran $n points, its plan says 31"
