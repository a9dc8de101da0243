# kretprobe series: build, boot and test Linux 7.2.y (BASE=6.12: the 6.12.y
# backport) with the patches in patches/ under QEMU.  See README.md.
#
#   make              build + boot the patched x86_64 kernel, show the tests
#   make check        the test command (CI, 80 min cold): series checks with
#                     every prefix built for ppc64le; ppc64le and i386 booted;
#                     x86_64 booted as the debug kernel; each bug of
#                     the fix series shown on the unpatched base
#   make check-full   check + every prefix on every arch, the x86_64 series
#                     kernel, the lossless cases REPEAT (20) times per arch,
#                     check-warnings
#   make check-warnings  per patch: no new W=1, sparse, kernel-doc or docs
#                     warning against its parent
#   make check KR_ARCH=i386         one arch only
#   make check VARIANT=base         the unpatched base, same tests
#   make bench [KR_ARCH=ppc64le]    per-hit cost, capacity, memory: base vs series
#   make shell [KR_ARCH=ppc64le]    boot to a shell in the guest, tests installed
#   make send                       print the git send-email command of each series
#   make apply | export | build | boot | deps | clean | distclean | help
#
# Variables: make help lists them all, with their values.

# Variables given on the command line or in the environment reach the
# scripts as they are; none is exported here, so that an unset one stays
# unset (SERIES= means no series, unset means the default).
SH := sh harness

.PHONY: all demo check check-full check-warnings bench build boot shell apply export send deps clean distclean help
all demo:
	@$(SH)/run.sh demo
check:
	@$(SH)/run.sh check
check-full:
	@$(SH)/run.sh check-full
check-warnings:
	@$(SH)/run.sh warnings
bench:
	@$(SH)/deps.sh && $(SH)/base.sh && $(SH)/apply.sh && $(SH)/bench.sh $(KR_ARCH)
build:
	@$(SH)/run.sh build
boot:
	@$(SH)/run.sh boot
shell:
	@$(SH)/run.sh shell
deps:
	@$(SH)/deps.sh $(KR_ARCH)
apply:
	@$(SH)/deps.sh && $(SH)/base.sh && $(SH)/apply.sh
export:
	@$(SH)/export.sh
send:
	@$(SH)/send.sh
clean:
	@$(SH)/run.sh clean
distclean:
	@$(SH)/run.sh distclean
help:
	@$(SH)/help.sh
