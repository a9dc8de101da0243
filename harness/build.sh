#!/bin/sh
# build.sh ARCH VARIANT: configure and build the kernel, its modules and the
# kselftest targets for ARCH (harness/arch/ARCH.conf) from the series work
# tree (VARIANT=series), the same with the debug options of
# configs/debug.config and the arch's kconfig_debug (VARIANT=debug), or the
# unpatched base (VARIANT=base; VARIANT=basedebug with the debug options),
# into $OUT/build/VARIANT-ARCH.  The kselftests always come from the series tree:
# the base runs the same tests, so they show where the base fails.
. "$(dirname "$0")/lib.sh"

arch=$1 variant=$2
arch_vars "$arch"
case $variant in
series) src=$SRC ;;
debug) src=$SRC DEBUG=1 ;;
basedebug) src=$BASESRC DEBUG=1 ;;
base) src=$BASESRC ;;
*) die "VARIANT must be series, debug, base or basedebug, not '$variant'" ;;
esac
obj=$(obj_dir "$arch" "$variant")
[ -z "${KR_CONFIG:-}" ] || [ -f "$KR_CONFIG" ] || die "KR_CONFIG=$KR_CONFIG: no such file"
mkdir -p "$obj"

kmake() {
	make -C "$src" O="$obj" ARCH="$KARCH" CROSS_COMPILE="$KCROSS" \
		CC="ccache ${KCROSS}gcc" HOSTCC="ccache gcc" "$@"
}

# ftrace_tests_run: this kernel runs the ftrace selftests' kprobe cases
# (ftrace is built, and harness/expected does not skip the suite here).
ftrace_tests_run() {
	case " $KTARGETS " in *" ftrace "*) ;; *) return 1 ;; esac
	[ -z "$(expected_skip "$variant-$arch" ftrace:ftracetest-kprobe)" ]
}

# The arch's fragments, from harness/arch/$arch.conf.
kconfig >"$obj/arch.config"
kconfig_debug >"$obj/arch.debug.config"

fragments() {
	echo "$TOP/harness/configs/common.config"
	echo "$obj/arch.config"
	if ftrace_tests_run; then
		echo "$TOP/harness/configs/ftrace-tests.config"
	fi
	for t in $KCONFIG_TARGETS; do
		f=$SRC/tools/testing/selftests/$t/config
		[ ! -f "$f" ] || echo "$f"
	done
	[ -z "${DEBUG:-}" ] && return
	echo "$TOP/harness/configs/debug.config"
	echo "$obj/arch.debug.config"
}

# defined CONFIG_X=...: true if the tree being built has a symbol X.  The
# base does not have the options the series adds (its sample), which the
# kselftests' config asks for: the tests skip what is absent.
defined() {
	sym=${1%%=*}
	grep -rqsx --include='Kconfig*' "\(menu\)\?config ${sym#CONFIG_}" "$src"
}

# configure: tinyconfig (or the user's KR_CONFIG=.config) + fragments, redone
# only when an input changed.  Every option a fragment asks for must
# survive olddefconfig.
configure() {
	# Keyed on what kconfig reads, not on the commit: a prefix of the
	# series that changes no Kconfig keeps its .config, and so its build.
	key=$(cat ${KR_CONFIG:-} $(fragments) | cksum)
	key="$key $(find "$src" -name .git -prune -o -name 'Kconfig*' -type f -print |
		LC_ALL=C sort | xargs cat | cksum)"
	[ -f "$obj/.config" ] && [ "$(cat "$obj/.config.key" 2>/dev/null)" = "$key" ] &&
		return 0
	if [ -n "${KR_CONFIG:-}" ]; then
		cp "$KR_CONFIG" "$obj/.config"
	else
		kmake -s tinyconfig >/dev/null
	fi
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
		$(fragments) >/dev/null
	kmake -s olddefconfig >/dev/null
	bad=$(cat $(fragments) | sed -n 's/^\(CONFIG_[A-Z0-9_]*=.*\)/\1/p' |
		while read -r want; do
			if ! grep -qx "$want" "$obj/.config" && defined "$want"; then
				echo "$want"
			fi
		done)
	[ -z "$bad" ] || die "$arch config lost: $(echo $bad)"
	echo "$key" >"$obj/.config.key"
}

configure
kmake -j"$JOBS"
rm -rf "$obj/modroot"
kmake -s INSTALL_MOD_PATH="$obj/modroot" modules_install >/dev/null
kmake -s kernelrelease >"$obj/kernelrelease"

# The selftest modules are built inside the source tree, so clean them
# first: the previous build may have been for another arch or kernel.
ksmake() {
	make -C "$SRC/tools/testing/selftests" TARGETS="$KTARGETS" \
		ARCH="$KARCH" CROSS_COMPILE="$KCROSS" KDIR="$obj" \
		"$@"
}
# Of the ftrace selftests run only test.d/kprobe, through the same runner
# (ftracetest-ktap runs every directory of test.d); where harness/expected
# skips the suite, it reports the skip with its reason and runs nothing.
ftrace_kprobe_only() {
	k=$obj/kselftest
	[ -x "$k/ftrace/ftracetest" ] || return 0
	skip=$(expected_skip "$variant-$arch" ftrace:ftracetest-kprobe)
	{
		echo '#!/bin/sh'
		echo '# Written by the harness: the kprobe cases of ftracetest.'
		if [ -n "$skip" ]; then
			echo "echo '1..0 # SKIP $(echo "$skip" | tr -d "'")'"
			echo 'exit 4'
		fi
		echo 'exec ./ftracetest -K test.d/kprobe'
	} >"$k/ftrace/ftracetest-kprobe"
	chmod +x "$k/ftrace/ftracetest-kprobe"
	sed -i 's/^ftrace:ftracetest-ktap$/ftrace:ftracetest-kprobe/' \
		"$k/kselftest-list.txt"
}

rm -rf "$obj/kselftest"
mkdir -p "$obj/kselftest"
if [ -n "$KTARGETS" ]; then
	ksmake -s clean >/dev/null
	# kselftest's "all" succeeds if any one target builds: check each.
	for t in $KTARGETS; do
		ksmake TARGETS="$t" all ||
			die "kselftest target $t did not build for $arch"
	done
	ksmake INSTALL_PATH="$obj/kselftest" install
fi
ftrace_kprobe_only

# The harness's own tests (HTARGETS, harness/tests/NAME): a module built
# against this kernel and a script, installed as one more collection for
# run_kselftest.sh.  Built in $obj, not in the repo.
harness_tests() {
	list=$obj/kselftest/kselftest-list.txt
	[ -f "$list" ] || return 0
	for t in $HTARGETS; do
		b=$obj/htests/$t
		rm -rf "$b"
		mkdir -p "$b" "$obj/kselftest/$t"
		cp "$TOP/harness/tests/$t/"* "$b/"
		kmake M="$b" modules
		cp "$b"/*.ko "$b"/*.sh "$obj/kselftest/$t/"
		for s in "$b"/*.sh; do
			echo "$t:${s##*/}" >>"$list"
		done
	done
}
harness_tests
say "built Linux $(cat "$obj/kernelrelease") ($variant) for $arch in $obj"
