# kretprobe series: build, boot and test Linux 6.12.y with the patches in
# patches/ under QEMU.  See README.md.
#
#   make              build + boot the patched x86_64 kernel, show the tests
#   make check        series checks + build/boot/test on x86_64, i386, ppc64le
#   make check ARCH=i386            one arch only
#   make check VARIANT=base         the unpatched base, same tests
#   make bench [ARCH=ppc64le]       per-hit cost, capacity, memory: base vs series
#   make apply | export | build | boot | clean | distclean
#
# Variables: ARCH, VARIANT (series|debug|base), NO_DEBUG=1, KSRC (your 6.12.y tree), KR_CACHE
# (default /var/cache/kretprobe-series), OUT (default ./out), BOOT_TIMEOUT,
# GUEST_CMD (shell command run in the guest before the tests), FORCE=1.

export ARCH VARIANT KSRC KR_CACHE OUT BOOT_TIMEOUT GUEST_CMD FORCE KTARGETS NO_DEBUG
SH := sh harness

.PHONY: all demo check bench build boot apply export deps clean distclean
all demo:
	@$(SH)/run.sh demo
check:
	@$(SH)/run.sh check
bench:
	@$(SH)/deps.sh && $(SH)/base.sh && $(SH)/apply.sh && $(SH)/bench.sh $(ARCH)
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
