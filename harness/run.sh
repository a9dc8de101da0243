#!/bin/sh
# run.sh demo|check|check-full|warnings|build|boot|shell|clean|distclean: the jobs
# behind the Makefile.
#   demo:  build and boot the patched kernel (x86_64 unless KR_ARCH=), show
#          what the series' tests print, and a summary.
#   check: the test command (CI), sized to finish within 40 minutes from
#          empty caches on 2 cores (harness/ci-timing.sh measures it):
#          checkpatch and the footprint, then the series booted and tested
#          on ppc64le (with the r13 detector) and i386, and as the debug
#          kernel (lockdep, KASAN, fault injection) on x86_64, and a real
#          hung boot for the harness; ends with "N passed, N failed,
#          N skipped".
#   check-full: all of check, plus every prefix built for every arch, the
#          x86_64 series kernel without the debug options, each bug of the
#          fix series and the lossless cases shown failing on the
#          unpatched base (harness/bugs.sh), the lossless cases REPEAT (20)
#          times in a row on every arch, warnings, and check-full of the
#          6.12.y backport.
#   warnings: per patch, no warning its parent does not have (W=1,
#          sparse, kernel-doc, docs build; harness/warnings.sh).
#   build, boot: one stage for KR_ARCH= (default x86_64).
#   shell: build, then boot KR_ARCH (default x86_64) to a shell.
# VARIANT=base builds and tests the unpatched base with the same tests;
# VARIANT=debug the series with harness/configs/debug.config and the
# arch's kconfig_debug (harness/arch/ARCH.conf), VARIANT=basedebug the base
# with them.
. "$(dirname "$0")/lib.sh"

mode=${1:-demo}
variant=${VARIANT:-series}
case $mode in
check|check-full) arches=${KR_ARCH:-$ARCHES} ;;
*) arches=${KR_ARCH:-x86_64} ;;
esac
h=$TOP/harness
t_start=$(now)

# clean, distclean: what is under $OUT (BASE=6.12 and UPSTREAM=1 have
# their own OUT).
case $mode in
clean) say "removing $OUT/{build,run,results,logs}"
       rm -rf "$OUT/build" "$OUT/run" "$OUT/results" "$OUT/logs"; exit 0 ;;
distclean) say "removing $OUT"; rm -rf "$OUT"; exit 0 ;;
esac

prepare() {
	timed deps sh "$h/deps.sh" $arches
	timed base sh "$h/base.sh"
	timed apply sh "$h/apply.sh"
}

# The result files of this run, all counted by summary.sh: a file that is
# missing at the end fails.
results=
expect() { results="$results $OUT/results/$1.tap"; }

# build_and_boot ARCH: results in $OUT/results/$variant-ARCH.tap.
build_and_boot() {
	expect "$variant-$1"
	if run_logged "build-$variant-$1" sh "$h/build.sh" "$1" "$variant"; then
		say "==> boot-$variant-$1"
		timed "boot-$variant-$1" sh "$h/boot.sh" "$1" "$variant" ||
			stage FAIL "boot of $variant-$1 stopped" "exit $?"
	else
		echo "not ok - $1: $variant kernel or kselftests did not build (log: $LOGS/build-$variant-$1.log)" |
			sh "$h/tap.sh" >"$OUT/results/$variant-$1.tap"
	fi
}

# boot_again ARCH: one more boot of a build made before (LABEL names it).
boot_again() {
	expect "$variant-$1-$LABEL"
	say "==> boot-$variant-$1-$LABEL"
	timed "boot-$variant-$1-$LABEL" sh "$h/boot.sh" "$1" "$variant" ||
		stage FAIL "boot of $variant-$1-$LABEL stopped" "exit $?"
}

# The cases that show that no return is lost with the default maxactive.
LOSSLESS_CASES="exhaustion deep_recursion burst interrupt_context tracefs_crowd"

show_tap() { # the kselftest output of one boot, as the guest printed it
	sed -n '/^KR-HARNESS: TAP BEGIN/,/^KR-HARNESS: TAP END/p' \
		"$OUT/run/$variant-$1/console.txt" 2>/dev/null | sed '1d;$d'
}

# crowd_line ARCH VARIANT: what the tracefs_crowd case of that boot said:
# "N sleepers, N return events, N missed".
crowd_line() {
	sed -n 's/^[# ]*tracefs_crowd: \([0-9]* sleepers, .* missed\)$/\1/p' \
		"$OUT/run/$2-$1${3:+-$3}/console.txt" 2>/dev/null | tail -n 1
}

# base_crowd ARCH: the same return probe on the unpatched base, if its
# kernel was built (DEMO_BASE=1 builds it): one boot running that case.
base_crowd() {
	arch_vars "$1"
	if [ ! -f "$(obj_dir "$1" base)/$KIMAGE" ] && [ -n "${DEMO_BASE:-}" ]; then
		echo "its kernel did not build (log: $LOGS/build-base-$1.log)"
		return
	elif [ ! -f "$(obj_dir "$1" base)/$KIMAGE" ]; then
		echo "not built here; 'make demo DEMO_BASE=1' builds it (one kernel build more) and shows it"
		return
	fi
	say "==> the unpatched base, $1: one boot running the same return probe" >&2
	LABEL=crowd KRT_CASES=tracefs_crowd KTARGETS=kprobes \
		RUN_ARGS="-t kprobes:test_kretprobe.sh" \
		sh "$h/boot.sh" "$1" base >"$LOGS/demo-base-$1-crowd.log" 2>&1 || true
	rm -f "$OUT/results/base-$1-crowd.tap"
	crowd_line "$1" base crowd | grep . ||
		echo "no result (log: $LOGS/demo-base-$1-crowd.log)"
}

# demo_screen ARCH SUMMARY-FILE: the last screen of make demo: the
# sample's lines, one return probe over a crowd of blocked tasks on the
# series and the base, and the count of every test of the boot.
demo_screen() {
	a=$1 con=$OUT/run/$variant-$1/console.txt
	base=$(base_crowd "$a")
	say ""
	say "======== Linux $BASE_VERSION with the kretprobe series, $a under QEMU ========"
	say ""
	say "The sample (samples/kprobes/kretprobe_openat.c): its entry handler keeps the"
	say "arguments of do_sys_openat2(), the pid, CPU and a timestamp in the kretprobe's"
	say "per-instance data pouch; its return handler logs them with the result:"
	{
		sed -n 's/^# # \(pid [0-9]* .* openat(.*\)$/    \1/p' "$con" |
			sed -n '2,3p;/ = -E/p' | head -n 4
		sed -n 's/^# ok [0-9]* unload: \(.* calls paired, .*\)$/    and at unload: \1/p' "$con" |
			head -n 1
	} 2>/dev/null | grep . ||
		say "    (nothing: the sample's test did not run or failed; see $LOGS/demo-$variant-$a.tap)"
	say ""
	say "One return probe, 'r:krt_crowd hrtimer_nanosleep' in kprobe_events with the"
	say "default maxactive (as perf and BPF use it), over 1000 sleep processes blocked"
	say "in hrtimer_nanosleep at once:"
	say "    with the series:  $(crowd_line "$a" "$variant" | grep . || echo "no result")"
	say "    unpatched base:   $base"
	say ""
	say "Every test of this boot: $(tail -n 1 "$2")"
	say "(failures and skips: $2; the tests' TAP: $LOGS/demo-$variant-$a.tap)"
}

# check_full_more: what check-full runs after all of check.
check_full_more() {
	# The bugs the fix series fix, each shown on the unpatched base
	# (powerpc's on ppc64le, the kprobes ones on the x86_64 debug base),
	# and the lossless cases failing on the ppc64le base.
	if [ "$variant" != series ]; then
		:
	elif [ -n "${NO_BUGS:-}" ]; then
		stage SKIP "bugs shown on the base" "NO_BUGS is set"
	elif echo " $arches " | grep -qE ' (ppc64le|x86_64) '; then
		expect bugs
		run_stage bugs "bugs shown on the base" sh "$h/bugs.sh" $arches
	else
		stage SKIP "bugs shown on the base" "they are shown on ppc64le and x86_64, not among $(echo $arches)"
	fi
	# What the feature fixes: the lossless cases miss returns on the
	# unpatched x86_64 debug base (the kernel the kprobes part built).
	if [ "$variant" != series ]; then
		:
	elif [ -n "${NO_BUGS:-}" ]; then
		stage SKIP "lossless cases shown failing on the base" "NO_BUGS is set"
	elif echo " $arches " | grep -q ' x86_64 ' && [ -z "${NO_DEBUG:-}" ]; then
		expect lossless-base
		run_stage lossless-base "lossless cases shown failing on the base" \
			sh "$h/bugs.sh" --lossless
	else
		stage SKIP "lossless cases shown failing on the base" "they run on the x86_64 debug base (x86_64 not among $(echo $arches), or NO_DEBUG)"
	fi
	# The lossless cases, REPEAT times in a row in one boot per arch.
	for a in $arches; do
		v=$variant
		[ "$a" != x86_64 ] || [ "$v" != series ] || [ -n "${NO_DEBUG:-}" ] || v=debug
		variant=$v LABEL=repeat KRT_REPEAT=${REPEAT:-20} \
			BOOT_TIMEOUT=${BOOT_TIMEOUT:-3600} \
			KRT_CASES="$LOSSLESS_CASES" KTARGETS=kprobes \
			RUN_ARGS="-o 3300 -t kprobes:test_kretprobe.sh" boot_again "$a"
	done
	# W=1, sparse, kernel-doc and docs: no new warning per patch (of the
	# 7.2 series; the backport's code is the same).
	if [ "$variant" = series ] && [ "$BASE" = 7.2 ]; then
		expect warnings
		run_stage warnings "no new warnings per patch" sh "$h/warnings.sh"
	fi
	# check-full of the 6.12.y backport, in its own OUT, in a run of the
	# default arches.
	if [ "$BASE" != 7.2 ] || [ "$variant" != series ]; then
		return 0
	elif [ -n "${KR_ARCH:-}" ]; then
		stage SKIP "the 6.12.y backport" "KR_ARCH is set: it runs with the default arches only"
		return 0
	elif [ -n "${NO_BACKPORT:-}" ]; then
		stage SKIP "the 6.12.y backport" "NO_BACKPORT is set"
		return 0
	fi
	o612=$OUT-6.12
	rm -f "$o612/results/files"
	say "==> the 6.12.y backport (check-full), in $o612"
	env -u KSRC -u ANY_VERSION -u UPSTREAM -u PATCHES BASE=6.12 OUT="$o612" \
		sh "$h/run.sh" check-full || true
	if [ -f "$o612/results/files" ]; then
		results="$results $(cat "$o612/results/files")"
	else
		stage FAIL "6.12.y backport" "it stopped before its summary (see above)"
	fi
}

mkdir -p "$OUT/results"
: >"$STAGES"
: >"$TIMES"
case $mode in
demo)
	prepare
	for a in $arches; do
		build_and_boot "$a"
		show_tap "$a" >"$LOGS/demo-$variant-$a.tap"
		[ -z "${DEMO_BASE:-}" ] ||
			run_logged "build-base-$a" sh "$h/build.sh" "$a" base || true
	done
	;;
check|check-full)
	prepare
	rm -f "$OUT"/results/*.tap
	expect harness
	run_stage harness-selftest "harness self-test" \
		sh -c "sh '$h/selftest.sh' >'$OUT/results/harness.tap'"
	# Prefixes are built in check-full only, on every arch (BISECT_ARCHES
	# chooses others).
	first=$(echo " $arches " | grep -o ' ppc64le ' || true)
	first=$(echo ${first:-${arches%% *}})
	bisect=${BISECT_ARCHES-}
	[ "$mode" = check ] || bisect=${BISECT_ARCHES-$arches}
	if [ "$variant" != series ]; then
		stage SKIP "series checks" "VARIANT=$variant: they check the series"
	elif [ -n "${NO_SERIES_CHECKS:-}" ]; then
		stage SKIP "series checks" "NO_SERIES_CHECKS is set"
	else
		expect series
		[ -n "$bisect" ] || stage SKIP "every prefix of the series builds" \
			"make check-full builds them (on every arch)"
		BISECT_ARCHES=$(echo $bisect) run_stage series-checks "series checks" \
			sh "$h/check-series.sh"
	fi
	for a in $arches; do
		# In check, x86_64 boots as the debug kernel only (below).
		if [ "$a" != x86_64 ] || [ "$variant" != series ] ||
		   [ "$mode" = check-full ] || [ -n "${NO_DEBUG:-}" ]; then
			build_and_boot "$a"
		fi
	done
	# The debug kernel (lockdep, KASAN, ...) on x86_64, with the series'
	# own tests only: a splat on its console fails it.
	if ! echo " $arches " | grep -q ' x86_64 ' || [ "$variant" != series ]; then
		:
	elif [ -n "${NO_DEBUG:-}" ]; then
		stage SKIP "x86_64 debug kernel" "NO_DEBUG is set: the plain x86_64 kernel booted instead"
	else
		variant=debug KTARGETS=kprobes build_and_boot x86_64
	fi
	# A real boot that hangs must fail at its limit: the first arch's
	# build (in check, x86_64 only has the debug one).
	hv=$variant
	[ "$first" != x86_64 ] || [ "$variant" != series ] || [ "$mode" != check ] ||
		[ -n "${NO_DEBUG:-}" ] || hv=debug
	if [ -n "${NO_HANG:-}" ]; then
		stage SKIP "hung-guest self-test" "NO_HANG is set"
	else
		expect harness-hang
		run_stage harness-hang "hung-guest self-test" \
			sh -c "sh '$h/selftest.sh' hang '$first' '$hv' >'$OUT/results/harness-hang.tap'"
	fi
	[ "$mode" = check-full ] || [ "$variant" != series ] ||
		stage SKIP "bugs on the base, lossless rounds, warnings, the 6.12.y backport" \
			"in make check-full (make check keeps to 40 minutes from empty caches)"
	if [ "$mode" = check-full ]; then check_full_more; fi
	;;
warnings)
	prepare
	expect warnings
	run_stage warnings "no new warnings per patch" sh "$h/warnings.sh"
	;;
build)
	prepare
	for a in $arches; do
		run_logged "build-$variant-$a" sh "$h/build.sh" "$a" "$variant"
	done
	exit 0
	;;
shell)
	set -- $arches
	[ $# = 1 ] || die "make shell boots one arch: KR_ARCH=ARCH"
	prepare
	run_logged "build-$variant-$1" sh "$h/build.sh" "$1" "$variant"
	KR_SHELL=1 exec sh "$h/boot.sh" "$1" "$variant"
	;;
boot)
	for a in $arches; do
		expect "$variant-$a${LABEL:+-$LABEL}"
		sh "$h/boot.sh" "$a" "$variant" || stage FAIL "boot of $variant-$a stopped" "exit $?"
		show_tap "$a"
	done
	;;
*) die "unknown job '$mode'" ;;
esac

sh "$h/tap.sh" <"$STAGES" >"$OUT/results/stages.tap"
rm -f "$STAGES"
[ "$(grep -c '^ok\|^not ok' "$OUT/results/stages.tap")" = 0 ] || expect stages
. "$OUT/base.env"
echo $results >"$OUT/results/files"
say "==> summary: Linux $BASE_VERSION, $variant, $(echo $arches), $(($(now) - t_start)) s"
if [ "$mode" != demo ]; then
	exec sh "$h/summary.sh" $results
fi
rc=0
sh "$h/summary.sh" $results >"$LOGS/demo-summary.txt" || rc=$?
for a in $arches; do
	demo_screen "$a" "$LOGS/demo-summary.txt"
done
exit $rc
