#!/bin/sh
# selftest.sh: the harness's own tests, TAP on stdout.  Each way a failure
# could hide is fed to the script that must catch it: canned consoles and
# kernel logs to results.sh (against a small expectations file), canned
# result files to summary.sh, a stand-in base to apply.sh and
# check-series.sh, a KSRC of another version to base.sh, canned boots of
# the base to bugs.sh's verdicts, a die half-way to bugs.sh and
# warnings.sh.
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

echo "1..48"

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

# results.sh: a boot that results.awk cannot read (no console) is a
# failing point, never a plan of 1..0 (awk's exit status kept).
good
sh "$h/results.sh" x86_64 series-x86_64 "$tmp/no-console" "$tmp/kmsg" 0 5 60 >"$tmp/out" 2>/dev/null
if grep -qx '1\.\.1' "$tmp/out" &&
   grep -q '^not ok 1 - x86_64: results.awk failed (exit [1-9].*no-console' "$tmp/out" &&
   ! sh "$h/summary.sh" "$tmp/out" >"$tmp/sum"; then
	point OK "a console that results.awk cannot read is a failing point, not 1..0"
else
	point FAIL "a console that results.awk cannot read is a failing point, not 1..0" "$tmp/out"
fi

# summary.sh: a plan of 1..0 is a failure.
printf 'TAP version 13\n1..0\n' >"$tmp/empty.tap"
if ! sh "$h/summary.sh" "$tmp/a.tap" "$tmp/empty.tap" >"$tmp/sum" &&
   grep -q 'empty.tap: its plan is 1\.\.0' "$tmp/sum"; then
	point OK "summary.sh fails a result file whose plan is 1..0"
else
	point FAIL "summary.sh fails a result file whose plan is 1..0" "$tmp/sum"
fi

# bugs.sh and warnings.sh write their plan first: a die half-way leaves a
# short file, which summary.sh fails.
set +e
(
	OUT=$tmp/bd BUGS_LIB=1
	. "$h/bugs.sh"
	r13_on_base() { echo "ok - canned r13 point"; echo "ok - canned r13 point"; }
	kprobes_on_base() { die "canned: a stop half-way"; }
	bugs_main ppc64le x86_64
) >"$tmp/log" 2>&1
rc=$?
set -e
if [ $rc != 0 ] && ! sh "$h/summary.sh" "$tmp/bd/results/bugs.tap" >"$tmp/sum" &&
   grep -q 'bugs.tap: 2 points, its plan announced 4' "$tmp/sum"; then
	point OK "bugs.sh stopped by a die half-way fails the run (plan first)"
else
	point FAIL "bugs.sh stopped by a die half-way fails the run (exit $rc)" "$tmp/sum"
fi
git init -q "$tmp/wo/linux"
for s in base one two; do
	echo "$s" >"$tmp/wo/linux/$s"
	git -C "$tmp/wo/linux" add "$s"
	git -C "$tmp/wo/linux" -c user.name=t -c user.email=t@t commit -qm "$s"
	[ $s != base ] || git -C "$tmp/wo/linux" branch base
done
git -C "$tmp/wo/linux" branch series
set +e
(
	OUT=$tmp/wo WARNINGS_LIB=1
	. "$h/warnings.sh"
	warnings_at() {
		[ "$(git -C "$wt" log -1 --format=%s)" != two ] || die "canned: no build to take a configuration from"
	}
	write_plan
	new_worktree
	check_range
) >"$tmp/log" 2>&1
rc=$?
set -e
if [ $rc != 0 ] && ! sh "$h/summary.sh" "$tmp/wo/results/warnings.tap" >"$tmp/sum" &&
   grep -q 'warnings.tap: 1 points, its plan announced 2' "$tmp/sum"; then
	point OK "warnings.sh stopped by a die half-way fails the run (plan first)"
else
	point FAIL "warnings.sh stopped by a die half-way fails the run (exit $rc)" "$tmp/sum"
fi

# bugs.sh's verdicts on canned boots of the base, as boot.sh leaves them
# (console, kernel log, results.sh's result): a point passes on its bug's
# own signature only, never on a boot that stopped for another reason.
bo=$tmp/bo
mkdir -p "$bo/results"
# bugs FUNCTION ARGS...: a function of bugs.sh, with OUT=$bo.
bugs() (
	OUT=$bo BUGS_LIB=1
	. "$h/bugs.sh"
	"$@"
)
# base_boot NAME QEMU-EXIT KRT_CASES CONSOLE KMSG: boot NAME
# (VARIANT-ARCH-LABEL) of the base, canned.
base_boot() {
	mkdir -p "$bo/run/$1"
	printf '%s\n' "$4" >"$bo/run/$1/console.txt"
	printf '%s\n' "$5" >"$bo/run/$1/kmsg.txt"
	case $1 in
	*-bug-r13) ra="-t r13:r13_detector.sh" ;;
	*) ra="-t kprobes:test_kretprobe.sh" ;;
	esac
	KTARGETS="kprobes r13" KRT_CASES=$3 RUN_ARGS=$ra sh "$h/results.sh" canned \
		"$(echo "$1" | cut -d- -f1,2)" "$bo/run/$1/console.txt" \
		"$bo/run/$1/kmsg.txt" "$2" 5 300 >"$bo/results/$1.tap"
}
# verdict OK|FAIL DESCRIPTION PATTERN FUNCTION ARGS...: the bugs.sh
# function prints one point, ok or not ok, that matches PATTERN.
verdict() {
	want=$1 what=$2 pat=$3
	shift 3
	bugs "$@" >"$tmp/v" 2>&1 || true
	if [ $want = OK ]; then re='^ok - '; else re='^not ok - '; fi
	if [ "$(grep -c -E '^(not )?ok ' "$tmp/v")" = 1 ] && grep -q "$re" "$tmp/v" &&
	   grep -q -- "$pat" "$tmp/v"; then
		point OK "bugs.sh: $what"
	else
		point FAIL "bugs.sh: $what" "$tmp/v"
	fi
}

kb=basedebug-x86_64-bug-unregister_twice
krt_begin='KR-HARNESS: TAP BEGIN
TAP version 13
1..1
# selftests: kprobes: test_kretprobe.sh
# TAP version 13
# 1..1'
linux='<6>[    0.100000] Linux version 7.2.13'
base_boot $kb 1 unregister_twice "$krt_begin" "$linux"
verdict FAIL "a debug base boot that stops (QEMU exit 1) with no report does not show the kprobes bug" \
	'did not report; guest stopped before the tests finished: QEMU exit 1' \
	kprobes_verdict unregister_twice $kb log
base_boot $kb 0 unregister_twice "$krt_begin
# not ok 1 unregister_twice
# # unregister_twice: fail: register_kretprobe: -22
not ok 1 selftests: kprobes: test_kretprobe.sh # exit=1
KR-HARNESS: TAP END rc=1" "$linux
<3>[    5.000000] BUG: KASAN: slab-use-after-free in rethook_free_task+0x24/0x90
<4>[    5.000000] RIP: 0010:rethook_free_task+0x24/0x90
<12>[    9.000000] KR-HARNESS: LOG END"
verdict FAIL "a case that fails another way, with a report elsewhere (rethook_free_task), does not show the kprobes bug" \
	'unregister_twice fails: register_kretprobe: -22; kernel log reports: BUG: KASAN' \
	kprobes_verdict unregister_twice $kb log
base_boot $kb 0 unregister_twice "$krt_begin
[    5.100000] BUG: KASAN: null-ptr-deref in rethook_free+0x2c/0x90
[    5.200000] Kernel panic - not syncing: kasan.fault=panic set ..." "$linux"
verdict OK "a KASAN report in rethook_free shows the kprobes bug" \
	'^ok - the unpatched base fails unregister_twice: BUG: KASAN: null-ptr-deref in rethook_free+0x2c' \
	kprobes_verdict unregister_twice $kb log
base_boot $kb 0 unregister_twice "$krt_begin
[    5.100000] Oops: general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1] SMP KASAN NOPTI
[    5.100000] KASAN: null-ptr-deref in range [0x0000000000000008-0x000000000000000f]
[    5.100000] CPU: 0 UID: 0 PID: 95 Comm: sh Not tainted 7.2.13 #1
[    5.100000] RIP: 0010:rethook_free+0x1c/0x70" "$linux"
verdict OK "a general protection fault at rethook_free shows the kprobes bug" \
	'general protection fault.*(RIP: 0010:rethook_free+0x1c/0x70)' \
	kprobes_verdict unregister_twice $kb log
base_boot $kb 0 unregister_twice "$krt_begin
[    6.000000] Kernel panic - not syncing: kernel: panic_on_warn set ..." "$linux
<4>[    6.000000] ------------[ cut here ]------------
<4>[    6.000000] ODEBUG: activate active (active state 1) object: 00000000c1e5a1f2 object type: rcu_head hint: 0x0
<4>[    6.000000] WARNING: CPU: 1 PID: 95 at lib/debugobjects.c:612 debug_print_object+0xd5/0x160"
verdict OK "the ODEBUG report on an rcu_head (kernel log only) shows the kprobes bug" \
	'fails unregister_twice: ODEBUG: activate active .*object type: rcu_head' \
	kprobes_verdict unregister_twice $kb log

# r13_console RESULT: the r13 detector's console, each round of both
# paths ending with RESULT.
r13_console() {
	printf 'KR-HARNESS: TAP BEGIN\nTAP version 13\n1..1\n# selftests: r13: r13_detector.sh\n# TAP version 13\n# 1..20\n'
	i=0
	for p in optprobe ftrace; do
		for r in 1 2 3 4 5 6 7 8 9 10; do
			i=$((i + 1))
			echo "# # $p round $r: $1"
			echo "# not ok $i $p round $r"
		done
	done
	printf 'not ok 1 selftests: r13: r13_detector.sh # exit=1\nKR-HARNESS: TAP END rc=0\n'
}
rb=base-ppc64le-bug-r13
base_boot $rb 0 "" "$(r13_console 'fail: register_kprobe(r13_target): -22')" "$linux
<12>[    9.000000] KR-HARNESS: LOG END"
verdict FAIL "r13 rounds that fail with 0 of 0 calls (register_kprobe: -22) do not show the r13 bug" \
	'after 0 of 0 calls; 10 of 10 rounds failed (ftrace round 1: fail: register_kprobe' \
	r13_verdict ftrace $rb log
base_boot $rb 1 "" "KR-HARNESS: TAP BEGIN
TAP version 13
1..1
# selftests: r13: r13_detector.sh
# TAP version 13
# 1..20
[    3.000000] Kernel panic - not syncing: Fatal exception" "$linux"
verdict FAIL "a ppc64le base boot that stops before its rounds does not show the r13 bug" \
	'0 of 0 rounds failed; guest stopped before the tests finished: .*Kernel panic' \
	r13_verdict optprobe $rb log
base_boot $rb 0 "" "$(r13_console "fail: r13 was another CPU's PACA after 200 of 200 calls (200 moved to another CPU); first: r13 c000000002f10000, SPRG_PACA c000000002f20000")" "$linux
<12>[    9.000000] KR-HARNESS: LOG END"
verdict OK "r13 rounds with 200 of 200 calls finding another CPU's PACA show the r13 bug" \
	'in 10 of 10 rounds, after 2000 of 2000 calls' r13_verdict optprobe $rb log

# The lossless cases on the base: each must fail by missing returns.
lb=basedebug-x86_64-bug-lossless
ll_cases="exhaustion deep_recursion burst interrupt_context tracefs_crowd"
ll_exhaustion='# not ok 1 exhaustion
# # exhaustion: fail: krt_park: 4096 calls: 10 entries, 10 returns, 4086+0 missed'
ll_deep='# not ok 2 deep_recursion
# # deep_recursion: fail: krt_recurse: 129 calls: 10 entries, 10 returns, 119+0 missed'
ll_burst='# not ok 3 burst
# # burst: fail: krt_recurse: 129 calls: 10 entries, 10 returns, 117+2 missed'
ll_irq='# not ok 4 interrupt_context
# # interrupt_context: fail: 0 entries in IRQ context, expected 220'
ll_crowd='# # tracefs_crowd: 1000 sleepers, 10 return events, 990 missed
# not ok 5 tracefs_crowd
# # tracefs_crowd: fail: 1000 sleepers: 10 return events, 990 missed'
ll_end='not ok 1 selftests: kprobes: test_kretprobe.sh # exit=1
KR-HARNESS: TAP END rc=0'
ll_log="$linux
<6>[   50.000000] test_kretprobe: interrupt_context: 64 tasks, 200 hard IRQ and 20 softirq calls, maxactive 10: 10 entries (0 in IRQ), 10 returns, 274 missed
<12>[   90.000000] KR-HARNESS: LOG END"
ll_begin='KR-HARNESS: TAP BEGIN
TAP version 13
1..1
# selftests: kprobes: test_kretprobe.sh
# TAP version 13
# 1..5'
base_boot $lb 0 "$ll_cases" "$ll_begin
$ll_exhaustion
$ll_deep
$ll_burst
$ll_irq
$ll_crowd
$ll_end" "$ll_log"
: >"$tmp/v"
for c in $ll_cases; do
	bugs lossless_verdict $c $lb log >>"$tmp/v" 2>&1 || true
done
if [ "$(grep -c '^ok - ' "$tmp/v")" = 5 ] && [ "$(grep -c '^not ok' "$tmp/v")" = 0 ] &&
   grep -q '^ok - .* misses 4086 returns in exhaustion' "$tmp/v" &&
   grep -q '^ok - .* misses 119 returns in burst' "$tmp/v" &&
   grep -q '^ok - .* misses 274 returns in interrupt_context' "$tmp/v" &&
   grep -q '^ok - .* misses 990 returns in tracefs_crowd' "$tmp/v"; then
	point OK "bugs.sh: the lossless cases failing on the base by missed returns (calls, IRQ entries, return events) show the loss"
else
	point FAIL "bugs.sh: the lossless cases failing on the base by missed returns show the loss" "$tmp/v"
fi
base_boot $lb 0 "$ll_cases" "$ll_begin
$ll_exhaustion
$ll_deep
# ok 3 burst
$ll_irq
$ll_crowd
$ll_end" "$ll_log"
verdict FAIL "a lossless case that passes on the base does not show the loss" \
	'burst missing returns: it passes' lossless_verdict burst $lb log
base_boot $lb 0 "$ll_cases" "$ll_begin
$ll_exhaustion
$ll_deep
# not ok 3 burst
# # burst: fail: krt_recurse: 129 calls: 129 entries, 128 returns, 0+0 missed
$ll_irq
$ll_crowd
$ll_end" "$ll_log"
verdict FAIL "a lossless case that fails on the base with 0+0 missed does not show the loss" \
	'burst missing returns: it fails another way: krt_recurse: 129 calls: 129 entries, 128 returns, 0+0 missed' \
	lossless_verdict burst $lb log
base_boot $lb 0 "$ll_cases" "$ll_begin
$ll_exhaustion
$ll_deep
$ll_burst
# not ok 4 interrupt_context
# # interrupt_context: fail: 219 entries in IRQ context, expected 220
$ll_crowd
$ll_end" "$linux
<6>[   50.000000] test_kretprobe: interrupt_context: 64 tasks, 200 hard IRQ and 20 softirq calls, maxactive 10: 283 entries (219 in IRQ), 283 returns, 0 missed
<12>[   90.000000] KR-HARNESS: LOG END"
verdict FAIL "interrupt_context short of IRQ entries with 0 missed does not show the loss" \
	'it fails another way: 219 entries in IRQ context' lossless_verdict interrupt_context $lb log
base_boot $lb 124 "$ll_cases" "$ll_begin
$ll_exhaustion
$ll_deep" "$linux"
verdict FAIL "a lossless case that the base boot did not reach (hung) does not show the loss" \
	'burst missing returns: it did not report: guest did not finish within 300 s' \
	lossless_verdict burst $lb log

# The plan above is right: a point added or lost shows here.
[ $n = 48 ] || echo "not ok - harness: the self-test ran $n points, its plan says 48"
