#!/bin/sh
# run.sh demo|check|check-full|warnings|build|boot|shell|clean|distclean: the jobs
# behind the Makefile.
#   demo:  build and boot the patched kernel (x86_64 unless KR_ARCH=), show
#          what the series' tests print, and a summary.
#   check: the test command (CI), sized to finish within 80 minutes from
#          empty caches on 2 cores: checks on the series (every prefix built
#          for ppc64le), then the series booted and tested on ppc64le and
#          i386, and as the debug kernel (lockdep, KASAN, fault injection)
#          on x86_64, a real hung boot for the harness, and each bug of
#          the fix series shown on the unpatched base (harness/bugs.sh); ends
#          with "N passed, N failed, N skipped".
#   check-full: all of check, plus every prefix built for every arch, the
#          x86_64 series kernel without the debug options, the lossless
#          cases REPEAT (20) times in a row on every arch, and warnings.
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
	sh "$h/deps.sh" $arches
	sh "$h/base.sh"
	sh "$h/apply.sh"
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
		sh "$h/boot.sh" "$1" "$variant" ||
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
	sh "$h/boot.sh" "$1" "$variant" ||
		stage FAIL "boot of $variant-$1-$LABEL stopped" "exit $?"
}

# The cases that show that no return is lost with the default maxactive.
LOSSLESS_CASES="exhaustion deep_recursion burst interrupt_context tracefs_crowd"

show_tap() { # the kselftest output of one boot, as the guest printed it
	sed -n '/^KR-HARNESS: TAP BEGIN/,/^KR-HARNESS: TAP END/p' \
		"$OUT/run/$variant-$1/console.txt" 2>/dev/null | sed '1d;$d'
}

mkdir -p "$OUT/results"
: >"$STAGES"
case $mode in
demo)
	prepare
	for a in $arches; do
		build_and_boot "$a"
		say "==> what the tests printed on $a ($variant):"
		show_tap "$a" | sed 's/^/    /'
	done
	;;
check|check-full)
	prepare
	rm -f "$OUT"/results/*.tap
	expect harness
	run_stage harness-selftest "harness self-test" \
		sh -c "sh '$h/selftest.sh' >'$OUT/results/harness.tap'"
	# check bisects on ppc64le, the cheapest build, or on the first arch
	# asked for without it; check-full on every arch.
	first=$(echo " $arches " | grep -o ' ppc64le ' || true)
	first=$(echo ${first:-${arches%% *}})
	bisect=$first
	[ "$mode" = check ] || bisect=$arches
	if [ "$variant" != series ]; then
		stage SKIP "series checks" "VARIANT=$variant: they check the series"
	elif [ -n "${NO_SERIES_CHECKS:-}" ]; then
		stage SKIP "series checks" "NO_SERIES_CHECKS is set"
	else
		expect series
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
	# A real boot that hangs must fail at its limit: the first arch's build.
	if [ -z "${NO_HANG:-}" ]; then
		expect harness-hang
		run_stage harness-hang "hung-guest self-test" \
			sh -c "sh '$h/selftest.sh' hang '$first' '$variant' >'$OUT/results/harness-hang.tap'"
	fi
	# The debug kernel (lockdep, KASAN, ...) on x86_64, with the series'
	# own tests only: a splat on its console fails it.
	if ! echo " $arches " | grep -q ' x86_64 ' || [ "$variant" != series ]; then
		:
	elif [ -n "${NO_DEBUG:-}" ]; then
		stage SKIP "x86_64 debug kernel" "NO_DEBUG is set: the plain x86_64 kernel booted instead"
	else
		variant=debug KTARGETS=kprobes build_and_boot x86_64
	fi
	# The bugs the fix series fix, each shown on the unpatched base:
	# powerpc's on ppc64le, the kprobes ones on x86_64 (the debug base).
	if [ "$variant" = series ] && [ -z "${NO_BUGS:-}" ] &&
	   echo " $arches " | grep -qE ' (ppc64le|x86_64) '; then
		expect bugs
		run_stage bugs "bugs shown on the base" sh "$h/bugs.sh" $arches
	fi
	# The lossless cases, REPEAT times in a row in one boot per arch.
	if [ "$mode" = check-full ]; then
		for a in $arches; do
			v=$variant
			[ "$a" != x86_64 ] || [ "$v" != series ] || [ -n "${NO_DEBUG:-}" ] || v=debug
			variant=$v LABEL=repeat KRT_REPEAT=${REPEAT:-20} \
				BOOT_TIMEOUT=${BOOT_TIMEOUT:-3600} \
				KRT_CASES="$LOSSLESS_CASES" KTARGETS=kprobes \
				RUN_ARGS="-o 3300 -t kprobes:test_kretprobe.sh" boot_again "$a"
		done
		# W=1, sparse, kernel-doc and docs: no new warning per patch (of
		# the 7.2 series; the backport's code is the same).
		if [ "$variant" = series ] && [ "$BASE" = 7.2 ]; then
			expect warnings
			run_stage warnings "no new warnings per patch" sh "$h/warnings.sh"
		fi
	fi
	# The 6.12.y backport, in its own OUT: in check, its series checks
	# (bisect on ppc64le), the ppc64le boot, the cheapest cold, and the
	# debug x86_64 kernel, with rethook_leak (review M1); in check-full,
	# all of check-full on 6.12.  Only in a run of the default arches.
	if [ "$BASE" = 7.2 ] && [ "$variant" = series ] && [ -z "${KR_ARCH:-}" ] &&
	   [ -z "${NO_BACKPORT:-}" ]; then
		o612=$OUT-6.12
		rm -f "$o612/results/files"
		if [ "$mode" = check ]; then
			set -- KR_ARCH="ppc64le x86_64" NO_HANG=1 NO_BUGS=1
		else
			set --
		fi
		say "==> the 6.12.y backport ($mode), in $o612"
		env -u KSRC -u ANY_VERSION -u UPSTREAM -u PATCHES BASE=6.12 OUT="$o612" "$@" \
			sh "$h/run.sh" "$mode" || true
		if [ -f "$o612/results/files" ]; then
			results="$results $(cat "$o612/results/files")"
		else
			stage FAIL "6.12.y backport" "it stopped before its summary (see above)"
		fi
	fi
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
sh "$h/summary.sh" $results
