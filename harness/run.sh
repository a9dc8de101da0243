#!/bin/sh
# run.sh demo|check|check-full|build|boot: the jobs behind the Makefile.
#   demo:  build and boot the patched kernel (x86_64 unless KR_ARCH=), show
#          what the series' tests print, and a summary.
#   check: the test command (CI), sized to finish within 80 minutes from
#          empty caches on 2 cores: checks on the series (every prefix built
#          for ppc64le), then the series booted and tested on ppc64le and
#          i386, and as the debug kernel (lockdep, KASAN, fault injection)
#          on x86_64; ends with "N passed, N failed, N skipped".
#   check-full: all of check, plus every prefix built for every arch, the
#          x86_64 series kernel without the debug options, and the lossless
#          cases REPEAT (20) times in a row on every arch.
#   build, boot: one stage for KR_ARCH= (default x86_64).
# VARIANT=base builds and tests the unpatched base with the same tests;
# VARIANT=debug the series with harness/configs/*debug.config.
. "$(dirname "$0")/lib.sh"

mode=${1:-demo}
variant=${VARIANT:-series}
case $mode in
check|check-full) arches=${KR_ARCH:-x86_64 i386 ppc64le} ;;
*) arches=${KR_ARCH:-x86_64} ;;
esac
h=$TOP/harness
t_start=$(now)

prepare() {
	sh "$h/deps.sh"
	sh "$h/base.sh"
	sh "$h/apply.sh"
}

# build_and_boot ARCH: results in $OUT/results/$variant-ARCH.tap.
build_and_boot() {
	if run_logged "build-$variant-$1" sh "$h/build.sh" "$1" "$variant"; then
		say "==> boot-$variant-$1"
		sh "$h/boot.sh" "$1" "$variant"
	else
		echo "not ok - $1: $variant kernel or kselftests did not build (log: $LOGS/build-$variant-$1.log)" \
			>"$OUT/results/$variant-$1.tap"
	fi
}

# boot_again ARCH: one more boot of a build made before (LABEL names it).
boot_again() {
	say "==> boot-$variant-$1-$LABEL"
	sh "$h/boot.sh" "$1" "$variant"
}

# The cases that show that no return is lost with the default maxactive.
LOSSLESS_CASES="exhaustion deep_recursion burst interrupt_context tracefs_crowd"

show_tap() { # the kselftest output of one boot, as the guest printed it
	sed -n '/^KR-HARNESS: TAP BEGIN/,/^KR-HARNESS: TAP END/p' \
		"$OUT/run/$variant-$1/console.txt" 2>/dev/null | sed '1d;$d'
}

mkdir -p "$OUT/results"
case $mode in
demo)
	prepare
	rm -f "$OUT"/results/*.tap
	for a in $arches; do
		build_and_boot "$a"
		say "==> what the tests printed on $a ($variant):"
		show_tap "$a" | sed 's/^/    /'
	done
	;;
check|check-full)
	prepare
	rm -f "$OUT"/results/*.tap
	run_logged harness-selftest sh -c "sh '$h/selftest.sh' >'$OUT/results/harness.tap'" || true
	if [ "$variant" = series ] && [ -z "${NO_SERIES_CHECKS:-}" ]; then
		# check bisects on ppc64le, the cheapest build, or on the first
		# arch asked for without it; check-full on every arch.
		bisect=$(echo " $arches " | grep -o ' ppc64le ' || true)
		[ -n "$bisect" ] || bisect=${arches%% *}
		[ "$mode" = check ] || bisect=$arches
		BISECT_ARCHES=$(echo $bisect) run_logged series-checks \
			sh "$h/check-series.sh" || true
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
	if [ "$variant" = series ] && [ -z "${NO_DEBUG:-}" ] &&
	   echo " $arches " | grep -q ' x86_64 '; then
		variant=debug KTARGETS=kprobes build_and_boot x86_64
	fi
	# The lossless cases, REPEAT times in a row in one boot per arch.
	if [ "$mode" = check-full ]; then
		for a in $arches; do
			variant=$variant LABEL=repeat KRT_REPEAT=${REPEAT:-20} \
				BOOT_TIMEOUT=${BOOT_TIMEOUT:-3600} \
				KRT_CASES="$LOSSLESS_CASES" KTARGETS=kprobes \
				RUN_ARGS="-o 3300 -t kprobes:test_kretprobe.sh" boot_again "$a"
		done
	fi
	;;
build)
	prepare
	for a in $arches; do
		run_logged "build-$variant-$a" sh "$h/build.sh" "$a" "$variant"
	done
	exit 0
	;;
boot)
	for a in $arches; do
		sh "$h/boot.sh" "$a" "$variant"
		show_tap "$a"
	done
	;;
*) die "unknown job '$mode'" ;;
esac

. "$OUT/base.env"
say "==> summary: Linux $BASE_VERSION, $variant, $(echo $arches), $(($(now) - t_start)) s"
sh "$h/summary.sh" "$OUT"/results/*.tap
