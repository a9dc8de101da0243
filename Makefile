# kretprobe series: build, boot and test Linux 7.2.y (BASE=6.12: the 6.12.y
# backport) with the patches in patches/ under QEMU.  See README.md; make
# help lists the targets and variables, harness/run.sh says what each job
# runs.
#
# Variables: make help lists them all, with their values.

# Variables given on the command line or in the environment reach the
# scripts as they are; none is exported here, so that an unset one stays
# unset (SERIES= means no series, unset means the default).
SH := sh harness

.PHONY: all demo check check-full ci-timing check-warnings bench build boot shell apply export send deps clean distclean help
all demo:
	@$(SH)/run.sh demo
check:
	@$(SH)/run.sh check
check-full:
	@$(SH)/run.sh check-full
ci-timing:
	@$(SH)/ci-timing.sh
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
