# kretprobe series: build, boot and test Linux 7.2.y (BASE=6.12: the 6.12.y
# backport) with the patches in patches/ under QEMU.  See README.md.
#
#   make              build + boot the patched x86_64 kernel, show the tests
#   make check        the test command (CI, 80 min cold): series checks with
#                     every prefix built for ppc64le; ppc64le and i386 booted;
#                     x86_64 booted as the debug kernel; each bug of
#                     the fix series shown on the unpatched base
#   make check-full   check + every prefix on every arch, the x86_64 series
#                     kernel, the lossless cases REPEAT (20) times per arch
#   make check KR_ARCH=i386         one arch only
#   make check VARIANT=base         the unpatched base, same tests
#   make bench [KR_ARCH=ppc64le]    per-hit cost, capacity, memory: base vs series
#   make apply | export | build | boot | clean | distclean
#
# Variables: KR_ARCH (x86_64|i386|ppc64le; not ARCH, which is the kernel's),
# BASE (7.2|6.12), VARIANT (series|debug|base|basedebug), NO_DEBUG=1, KSRC (your own
# tree), ANY_VERSION=1 (accept a KSRC of another version, e.g. 7.3-rc),
# KR_CACHE (default /var/cache/kretprobe-series), OUT (default ./out),
# NO_SERIES_CHECKS=1, BOOT_TIMEOUT, GUEST_CMD (shell command run in the guest
# before the tests), RUN_ARGS (run_kselftest.sh options, e.g. -t kprobes:...),
# KRT_CASES, KRT_REPEAT (cases of test_kretprobe.sh and rounds, in the
# guest), REPEAT, FORCE=1, UPSTREAM=1 (base: Debian's linux_7.2.N.orig.tar.xz,
# the upstream release, into out-upstream/).

export KR_ARCH BASE VARIANT KSRC ANY_VERSION KR_CACHE OUT BOOT_TIMEOUT GUEST_CMD FORCE \
	KTARGETS NO_DEBUG NO_SERIES_CHECKS RUN_ARGS KRT_CASES KRT_REPEAT REPEAT UPSTREAM
SH := sh harness

.PHONY: all demo check check-full bench build boot apply export deps clean distclean
all demo:
	@$(SH)/run.sh demo
check:
	@$(SH)/run.sh check
check-full:
	@$(SH)/run.sh check-full
bench:
	@$(SH)/deps.sh && $(SH)/base.sh && $(SH)/apply.sh && $(SH)/bench.sh $(KR_ARCH)
build:
	@$(SH)/run.sh build
boot:
	@$(SH)/run.sh boot
deps:
	@$(SH)/deps.sh
apply:
	@$(SH)/deps.sh && $(SH)/base.sh && $(SH)/apply.sh
export:
	@$(SH)/export.sh
clean:
	rm -rf out/build out/run out/results out/logs
distclean:
	rm -rf out
