#!/bin/sh
# run.sh demo|check|build|boot: the jobs behind the Makefile.
#   demo:  build and boot the patched kernel (x86_64 unless ARCH=), show what
#          the series' tests print, and a summary.
#   check: checks on the series, then build, boot and test on every arch
#          (ARCH= restricts), and the debug kernel on x86_64 (NO_DEBUG=1
#          leaves it out); ends with "N passed, N failed, N skipped".
#   build, boot: one stage for ARCH= (default x86_64).
# VARIANT=base builds and tests the unpatched base with the same tests;
# VARIANT=debug the series with harness/configs/*debug.config.
. "$(dirname "$0")/lib.sh"

mode=${1:-demo}
variant=${VARIANT:-series}
case $mode in
check) arches=${ARCH:-x86_64 i386 ppc64le} ;;
*) arches=${ARCH:-x86_64} ;;
esac
# ARCH means something else to the kernel's make: pass it only explicitly.
unset ARCH
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
check)
	prepare
	rm -f "$OUT"/results/*.tap
	run_logged harness-selftest sh -c "sh '$h/selftest.sh' >'$OUT/results/harness.tap'" || true
	if [ "$variant" = series ] && [ -z "${NO_SERIES_CHECKS:-}" ]; then
		run_logged series-checks sh "$h/check-series.sh" || true
	fi
	for a in $arches; do
		build_and_boot "$a"
	done
	# The debug kernel (lockdep, KASAN, ...) on x86_64, with the series'
	# own tests only: a splat on its console fails it.
	if [ "$variant" = series ] && [ -z "${NO_DEBUG:-}" ] &&
	   echo " $arches " | grep -q ' x86_64 '; then
		variant=debug KTARGETS=kprobes build_and_boot x86_64
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
