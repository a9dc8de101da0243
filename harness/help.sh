#!/bin/sh
# help.sh: make help: the targets, and every variable the harness reads
# with its value now (from the command line or the environment, else the
# default).  The one list of the harness's variables.
. "$(dirname "$0")/lib.sh"

cat <<'END'
Targets:
  make [demo]      build + boot the patched kernel (KR_ARCH, default x86_64), show the series
                   at work (DEMO_BASE=1: the unpatched base beside it)
  make check       the test command (CI, 40 min cold): checkpatch, footprint, every arch booted
  make check-full  check + every prefix on every arch, plain x86_64, the bugs and the lossless
                   cases on the base, REPEAT rounds per arch, check-warnings, the 6.12 backport
  make ci-timing   a cold .ci/run (fresh clone, empty KR_CACHE), timed per stage
  make check-warnings  per patch: no new W=1, sparse, kernel-doc or docs warning
  make build       build the kernel, modules and kselftests for KR_ARCH (default x86_64)
  make boot        boot what make build built, and test under QEMU
  make shell       build, then boot KR_ARCH (default x86_64) to a shell in the guest
  make bench       base vs series: per-hit cost, capacity, memory (KR_ARCH, default x86_64)
  make deps        install the Debian packages the chosen arches need
  make apply       fetch the base, apply the series: $OUT/linux
  make export      $OUT/linux -> patches/ and the tree-shaped folders
  make send        print the git send-email command of each series (sends nothing)
  make clean       remove build output, runs, results and logs under $OUT
  make distclean   remove $OUT
  make help        this

Variables (value now):
END
# var NAME VALUE TEXT: one line.
var() { printf '  %-17s %-26s %s\n' "$1" "${2:-(unset)}" "$3"; }
var KR_ARCH "${KR_ARCH:-}" "arches: $ARCHES(harness/arch/*.conf; not ARCH)"
var BASE "$BASE" "7.2, or 6.12 for the backport"
var VARIANT "${VARIANT:-series}" "series, debug, base (unpatched), basedebug"
var KSRC "${KSRC:-}" "your own kernel tree as the base"
var KR_CONFIG "${KR_CONFIG:-}" "your own .config, instead of tinyconfig"
var KR_BUILD_DIR "${KR_BUILD_DIR:-}" "your own build directory (one arch)"
var ANY_VERSION "${ANY_VERSION:-}" "1: accept a KSRC of another version"
var UPSTREAM "${UPSTREAM:-}" "1: base from Debian's linux_7.2.N.orig.tar.xz"
var KR_CACHE "$KR_CACHE" "base trees, apt state, busybox, ccache"
var OUT "$OUT" "work tree, build output, results"
var PATCHES "$PATCHES" "the series applied"
var SERIES "$SERIES" "series of PATCHES, in order"
var SERIES_VERSION "$SERIES_VERSION" "the version sent: [PATCH vN ...]"
var CCACHE_DIR "$CCACHE_DIR" ""
var CCACHE_MAXSIZE "$CCACHE_MAXSIZE" ""
var CCACHE_DEPEND "$CCACHE_DEPEND" "1: ccache's depend mode (no preprocessor run on a miss)"
var JOBS "$JOBS" "make -j"
var KTARGETS "$KTARGETS" "kselftest targets built and run"
var KCONFIG_TARGETS "$KCONFIG_TARGETS" "kselftest targets whose config goes in"
var BISECT_ARCHES "${BISECT_ARCHES:-}" "arches every prefix is built for (check: none; check-full: all)"
var NO_DEBUG "${NO_DEBUG:-}" "1: boot the plain x86_64 kernel, not the debug one"
var NO_SERIES_CHECKS "${NO_SERIES_CHECKS:-}" "1: skip checkpatch, footprint, prefixes"
var NO_BACKPORT "${NO_BACKPORT:-}" "1: check-full without the 6.12 backport (also left out with KR_ARCH=)"
var NO_HANG "${NO_HANG:-}" "1: check without the hung-guest self-test"
var NO_BUGS "${NO_BUGS:-}" "1: check-full without the bugs shown on the base"
var DEMO_BASE "${DEMO_BASE:-}" "1: make demo builds the base too, and shows it beside the series"
var CI_TIMING_DIR "${CI_TIMING_DIR:-}" "make ci-timing's clone and cache (default /tmp/ci-timing.PID)"
var FORCE "${FORCE:-}" "1: apply over work not exported"
var ACCEL "${ACCEL:-}" "kvm or tcg (default: kvm where /dev/kvm works)"
var MEM "${MEM:-}" "guest MiB (default 1024, debug 2048)"
var BOOT_TIMEOUT "${BOOT_TIMEOUT:-}" "seconds a boot may take (default per arch)"
var APPEND "${APPEND:-}" "more kernel command line"
var GUEST_CMD "${GUEST_CMD:-}" "shell command run in the guest first"
var RUN_ARGS "${RUN_ARGS:-}" "run_kselftest.sh options (-t coll:test)"
var KRT_CASES "${KRT_CASES:-}" "cases of test_kretprobe.sh (in the guest)"
var KRT_REPEAT "${KRT_REPEAT:-}" "rounds of those cases"
var REPEAT "${REPEAT:-20}" "rounds of check-full's repeat boots"
var WARN_RANGE "${WARN_RANGE:-base..series}" "commits make check-warnings checks"
var BENCH_BOOTS "${BENCH_BOOTS:-}" "boots of each kernel in make bench"
var BENCH_TABLE_ONLY "${BENCH_TABLE_ONLY:-}" "1: print the last bench table again"
