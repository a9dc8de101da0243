# Shared helpers for the harness scripts.  POSIX sh; sourced, not run.

set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
# BASE: the kernel line the series is for.  7.2 is primary: three series,
# one per destination upstream, applied in this order (SERIES), each in
# patches/NAME with its cover letter from cover-letters/NAME.txt, the last
# exported to the tree-shaped folders.  6.12 is the LTS backport
# (patches-6.12/, one series), with its own work tree and build output.
BASE=${BASE:-7.2}
case $BASE in
7.2) PATCHES=${PATCHES:-$TOP/patches} OUT=${OUT:-$TOP/out${UPSTREAM:+-upstream}}
     SERIES=${SERIES-powerpc-r13 kprobes-unregister kretprobe-lossless} ;;
6.12) PATCHES=${PATCHES:-$TOP/patches-6.12} OUT=${OUT:-$TOP/out-6.12}
      COVER=$TOP/cover-letter-6.12.txt SERIES= ;;
*) printf 'error: BASE=%s: the series is for 7.2 (default) or 6.12\n' "$BASE" >&2
   exit 1 ;;
esac
KR_CACHE=${KR_CACHE:-/var/cache/kretprobe-series}
LOGS=$OUT/logs
SRC=$OUT/linux			# series work tree (branch "series")
BASESRC=$OUT/linux-base		# unpatched base, a worktree of $SRC
JOBS=${JOBS:-$(($(nproc) + 1))}

export CCACHE_DIR=${CCACHE_DIR:-$KR_CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}
# Depend mode: a miss compiles once, hashing the dependency file the kernel
# asks for (-Wp,-MMD), instead of running the preprocessor first (for
# kernel/fork.c on i386, 0.8 s more on a compile of 2.4 s); a warm build
# hits as before.
export CCACHE_DEPEND=${CCACHE_DEPEND:-1}
# Paths under $OUT are hashed relative to it: a fresh clone elsewhere (CI)
# hits the cache that an earlier checkout filled.
export CCACHE_BASEDIR=$OUT
# Timestamps in the kernel image would defeat ccache and make reruns noisy.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=kretprobe KBUILD_BUILD_HOST=harness

# The kselftest targets built and installed, and those whose config
# fragment goes into every kernel.  ftrace's fragment asks for BTF (pahole)
# and tracers that test.d/kprobe does not use: harness/configs/ftrace-tests.config
# has what those cases need, in the kernels that run them (build.sh), so a
# build with KTARGETS=kprobes (the debug kernel in check) has no networking.
export KTARGETS=${KTARGETS:-kprobes ftrace}
export KCONFIG_TARGETS=${KCONFIG_TARGETS:-kprobes}

# Debian's tools first: checkpatch.pl needs the python3 that has python3-ply.
PATH=/usr/bin:/bin:$PATH
mkdir -p "$OUT" "$LOGS"

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

now() { date +%s; }

# $TIMES: "NAME SECONDS" of each stage of this run, in order (run.sh
# empties it; harness/ci-timing.sh tabulates it).
TIMES=$LOGS/times.txt
# Only the top-level script records its stages: a nested one (bugs.sh's
# builds, the 6.12 leg) would count the same time twice.
[ -z "${KR_NESTED:-}" ] || TIMES=/dev/null
export KR_NESTED=1
timed() { # timed NAME CMD...: run CMD and record its time in $TIMES
	tname=$1; shift
	tt0=$(now)
	trc=0
	"$@" || trc=$?
	echo "$tname $(($(now) - tt0))" >>"$TIMES"
	return $trc
}

# run_logged NAME CMD...: run CMD with its output in $LOGS/NAME.log, print
# one line with the time it took, and the log tail if it failed.
run_logged() {
	name=$1; shift
	log=$LOGS/$name.log
	t0=$(now)
	say "==> $name (log: $log)"
	rc=0
	"$@" >"$log" 2>&1 || rc=$?
	echo "$name $(($(now) - t0))" >>"$TIMES"
	if [ $rc = 0 ]; then
		say "    $name: done in $(($(now) - t0)) s"
	else
		say "    $name: FAILED after $(($(now) - t0)) s (exit $rc); last lines of $log:"
		tail -n 40 "$log" | sed 's/^/    | /'
		return $rc
	fi
}

# Stages of the harness report to $STAGES, one line each, which run.sh
# turns into results/stages.tap.
STAGES=$OUT/results/stages.lines
stage() { # stage OK|FAIL|SKIP DESCRIPTION [REASON]
	mkdir -p "$OUT/results"
	case $1 in
	OK) echo "ok - $2" ;;
	FAIL) echo "not ok - $2: $3" ;;
	SKIP) echo "ok - $2 # SKIP $3" ;;
	esac >>"$STAGES"
}
# run_stage NAME DESCRIPTION CMD...: run_logged, and a stage point that
# says how it ended, with the last line of its log when it failed.
run_stage() {
	name=$1 what=$2
	shift 2
	if run_logged "$name" "$@"; then
		stage OK "$what ran to the end"
	else
		rc=$?
		stage FAIL "$what stopped" \
			"exit $rc: $(grep . "$LOGS/$name.log" | tail -n 1) (log: $LOGS/$name.log)"
	fi
}

# The arches: one file each in harness/arch/, with all the harness knows
# of it (kernel ARCH and cross compiler, kconfig fragment, QEMU, console,
# busybox, time limits).
ARCHES=$(cd "$TOP/harness/arch" && ls *.conf | sed 's/\.conf$//' | tr '\n' ' ')

# arch_vars ARCH: read harness/arch/ARCH.conf.
arch_vars() {
	[ -f "$TOP/harness/arch/$1.conf" ] ||
		die "unknown arch '$1' (KR_ARCH: one of $ARCHES)"
	. "$TOP/harness/arch/$1.conf"
}

# Debian testing and unstable through a private apt configuration (its own
# sources list, lists and cache under $KR_CACHE/apt): the machine's apt
# sources and state are never touched.  The 7.2 base, and a sparse new
# enough for it, come from there.
APTDIR=$KR_CACHE/apt
apt_private() {
	apt-get -q -o Dir::Etc::sourcelist="$APTDIR/sources.list" \
		-o Dir::Etc::sourceparts=- -o Dir::State::Lists="$APTDIR/lists" \
		-o Dir::Cache="$APTDIR/cache" -o APT::Sandbox::User=root "$@"
}
apt_private_update() {
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
	for suite in unstable testing; do
		for type in deb deb-src; do
			echo "$type [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main"
		done
	done >"$APTDIR/sources.list"
	apt_private update >"$APTDIR/update.log" 2>&1 ||
		say "warning: apt-get update (private) failed; see $APTDIR/update.log"
}

# accel IMAGE: QEMU's accelerator for the arch of arch_vars: kvm when
# /dev/kvm is usable, this host's KVM runs the guest's arch, and IMAGE
# booted under KVM prints its banner within 20 s; else tcg.  ACCEL=
# chooses.  The probe is there because a /dev/kvm can exist where KVM
# cannot run a Linux guest (these machines have one: SeaBIOS runs, Linux
# prints nothing).  Its verdict is kept in $OUT/kvm-works or $OUT/kvm-fails.
accel() {
	if [ -n "${ACCEL:-}" ]; then
		echo "$ACCEL"
	elif [ "$(uname -m)" != "$KVM_HOST" ] || [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo tcg
	elif [ -f "$OUT/kvm-works" ]; then
		echo kvm
	elif [ -f "$OUT/kvm-fails" ]; then
		echo tcg
	else
		probe=$OUT/kvm-probe.txt
		: >"$probe"
		timeout 20 $QEMU $QEMU_MACHINE -accel kvm -m 256 -display none \
			-monitor none -no-reboot -serial "file:$probe" -kernel "$1" \
			-append "console=$CONSOLE earlyprintk=$CONSOLE panic=-1" \
			>/dev/null 2>&1 || true
		if grep -q 'Linux version' "$probe"; then
			touch "$OUT/kvm-works"
			echo kvm
		else
			say "    /dev/kvm is there but a Linux guest prints nothing under KVM in 20 s: TCG" >&2
			touch "$OUT/kvm-fails"
			echo tcg
		fi
		rm -f "$probe"
	fi
}

# $OUT/applied.stamp: "KEY HEAD", what apply (or export) left in $SRC:
# the series_key it applied and the commit of the work tree then.
stamp_write() { echo "$(series_key) $(git -C "$SRC" rev-parse HEAD)" >"$OUT/applied.stamp"; }
stamp_key() { cut -d' ' -f1,2 "$OUT/applied.stamp"; }
stamp_head() { cut -d' ' -f3 "$OUT/applied.stamp"; }
# unexported_work: true when $SRC holds edits or commits that are not in
# patches/ (not what apply or export left there).
unexported_work() {
	[ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] &&
		return 0
	[ -f "$OUT/applied.stamp" ] || return 1
	[ "$(git -C "$SRC" rev-parse HEAD)" != "$(stamp_head)" ]
}

# obj_dir ARCH VARIANT: the build directory, $OUT/build/VARIANT-ARCH, or
# the user's own (KR_BUILD_DIR=, for one arch and variant at a time).
obj_dir() {
	echo "${KR_BUILD_DIR:-$OUT/build/$2-$1}"
}

# expected_skip VARIANT-ARCH SUITE: the reason harness/expected gives for
# skipping SUITE as a whole on VARIANT-ARCH, if it does.
expected_skip() (
	set -f
	grep '^skip' "$TOP/harness/expected" | while read -r _ where name what reason; do
		[ "$name" = "$2" ] && [ "$what" = "*" ] || continue
		for g in $(echo "$where" | tr , ' '); do
			case $1 in
			$g) echo "$reason"; exit 0 ;;
			esac
		done
	done
)

# series_end NAME: the subject of the last patch of series NAME in the
# work tree's branch "series" (empty for the last series: the tip).
series_end() {
	case $1 in
	powerpc-r13) echo 'powerpc64/ftrace: Do not restore r13 on the way out of ftrace_regs_caller' ;;
	kprobes-unregister) echo 'kprobes: Make unregistering a kretprobe twice harmless' ;;
	esac
}

# The version of the series as sent ([PATCH v2 ...]; 1: none); each cover
# letter says what changed since the last.
SERIES_VERSION=${SERIES_VERSION:-2}

# series_prefix NAME: the subject prefix of series NAME.  The feature is
# an RFC while its cover letter lists an open memory-safety point; the
# backport carries it, and is for those who run 6.12, not for stable.
series_prefix() {
	case $BASE-${1:-} in
	6.12-*) echo "RFC PATCH 6.12.y" ;;
	*-kretprobe-lossless) echo "RFC PATCH" ;;
	*) echo PATCH ;;
	esac
}

# The folders of the series, in the order they apply.
series_dirs() {
	[ -n "$SERIES" ] || { echo "$PATCHES"; return; }
	for s in $SERIES; do
		echo "$PATCHES/$s"
	done
}

# Series patches in order, without the cover letters.
series_patches() {
	for d in $(series_dirs); do
		ls "$d"/*[0-9][0-9][0-9][0-9]-*.patch 2>/dev/null |
			grep -v '0000-cover-letter\.patch$' || true
	done
}

# The kernel-tree-shaped folders of the repository (and MAINTAINERS.diff at
# its top) show the footprint of the 7.2 series: each file they add, whole,
# and each file they change as PATH.diff, its diff against the base.
FOOTPRINT_DIRS="include kernel arch samples Documentation tools lib"
# footprint: "STATUS PATH" (A added, M changed) of each file base..series
# touches.
footprint() {
	git -C "$SRC" diff --name-status --no-renames base series
}
# footprint_name STATUS PATH: the file that shows PATH in the repository.
footprint_name() {
	if [ "$1" = A ]; then echo "$2"; else echo "$2.diff"; fi
}
# footprint_content STATUS PATH: what that file holds.
footprint_content() {
	if [ "$1" = A ]; then
		git -C "$SRC" show "series:$2"
	else
		git -C "$SRC" -c diff.noprefix=false diff --no-color --no-ext-diff \
			base series -- "$2"
	fi
}
# footprint_files: the files the repository has in those places.
footprint_files() {
	(cd "$TOP" && { find $FOOTPRINT_DIRS -type f 2>/dev/null || true; } &&
		{ ls ./*.diff 2>/dev/null || true; } | sed 's|^\./||') | LC_ALL=C sort
}

# series_key: the base commit and a checksum of patches/ (needs base.env).
series_key() {
	echo "$BASE_COMMIT $(cat $(series_patches) /dev/null | cksum | tr ' ' -)"
}
