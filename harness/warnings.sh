#!/bin/sh
# warnings.sh: for each patch of the series, the warnings it adds against
# its parent, as TAP in $OUT/results/warnings.tap (make check-warnings, in
# make check-full; not in make check, since W=1 changes every flag):
#  - W=1 and sparse (C=1) on the objects of the C files it touches (the
#    kernel's, the samples', the selftest module), on ppc64le for a patch
#    to arch/powerpc, else x86_64;
#  - scripts/kernel-doc -Wall on the C files and headers it touches;
#  - the docs build of the Documentation/ directories it touches
#    (make htmldocs SPHINXDIRS=...).
# A warning counts as the same before and after when it differs only in
# line and column numbers.  The plan (a point per commit) is written
# first: a stop before the last point leaves a short file, which
# summary.sh fails.  WARNINGS_LIB=1: only define the functions
# (selftest.sh).
. "$(dirname "$0")/lib.sh"

res=$OUT/results/warnings.tap
wt=$OUT/wt-warn
# WARN_RANGE: the commits checked (default: the whole series).
RANGE=${WARN_RANGE:-base..series}

# write_plan: start $res with the plan, one point per commit of RANGE.
write_plan() {
	mkdir -p "$OUT/results"
	rm -f "$res"
	count=$(git -C "$SRC" rev-list --count "$RANGE")
	printf 'TAP version 13\n1..%d\n' "$count" >"$res"
}

need_sphinx() {
	python3 -c 'import sphinx' 2>/dev/null && return
	[ "$(id -u)" = 0 ] || die "needs python3-sphinx (apt-get install python3-sphinx python3-sphinx-rtd-theme)"
	apt-get install -y -q python3-sphinx python3-sphinx-rtd-theme python3-yaml >/dev/null ||
		die "cannot install sphinx"
}

# sparse_for_kernel: a sparse the kernel accepts (scripts/checker-valid.sh:
# Debian 12's 0.6.4 is too old for 7.2, which then silently skips C=1):
# the machine's, else one built from Debian testing's source, cached.
sparse_for_kernel() {
	if sh "$SRC/scripts/checker-valid.sh" sparse 2>/dev/null | grep -qx 1; then
		command -v sparse
		return
	fi
	d=$KR_CACHE/sparse
	if [ ! -x "$d/sparse" ]; then
		[ -f "$APTDIR/sources.list" ] || apt_private_update
		rm -rf "$d.tmp" && mkdir -p "$d.tmp"
		(cd "$d.tmp" && apt_private source --download-only sparse >&2) ||
			die "cannot fetch the source of sparse from Debian testing"
		tar -C "$d.tmp" -xf "$d.tmp"/sparse_*.orig.tar.*
		make -C "$d.tmp"/sparse-*/ -j"$JOBS" sparse >&2 ||
			die "cannot build sparse"
		mkdir -p "$d"
		cp "$d.tmp"/sparse-*/sparse "$d/sparse"
		rm -rf "$d.tmp"
	fi
	sh "$SRC/scripts/checker-valid.sh" "$d/sparse" | grep -qx 1 ||
		die "$d/sparse: the kernel does not accept it (scripts/checker-valid.sh)"
	echo "$d/sparse"
}

# new_worktree: a worktree of the series at base, moved from commit to
# commit.
new_worktree() {
	git -C "$SRC" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
	git -C "$SRC" worktree prune
	git -C "$SRC" worktree add -q --detach "$wt" base
}

# normalize: warning lines, without line and column numbers or paths of
# the build, sorted.
normalize() {
	grep -E 'warning:|error:|WARNING:|ERROR:' |
		sed -E "s|$wt/||g; s|\.\./\.\./wt-warn/||g; s|$OUT/build/warn-[a-z0-9_]*/||g; s/:[0-9]+(:[0-9]+)?:/:/g; s/ line [0-9]+/ line N/g" |
		LC_ALL=C sort -u
}

# kmake ARCH ARGS...: make in the worktree, for ARCH, in its warn build dir.
kmake() {
	a=$1; shift
	arch_vars "$a"
	make -C "$wt" O="$OUT/build/warn-$a" ARCH="$KARCH" CROSS_COMPILE="$KCROSS" \
		CC="ccache ${KCROSS}gcc" HOSTCC="ccache gcc" CHECK="$SPARSE" -j"$JOBS" "$@"
}

# configure ARCH: the configuration of that arch's check build, brought
# to the commit checked out.
configure() {
	d=$OUT/build/warn-$1
	mkdir -p "$d"
	for v in series debug; do
		[ -f "$OUT/build/$v-$1/.config" ] || continue
		cp "$OUT/build/$v-$1/.config" "$d/.config"
		kmake "$1" -s olddefconfig >/dev/null 2>&1
		return
	done
	die "no build of $1 to take a configuration from: make build KR_ARCH=$1 first"
}

# warnings_at ARCH FILE...: every warning of the checks on FILEs, at the
# commit checked out.
warnings_at() {
	a=$1; shift
	configure "$a"
	for f in "$@"; do
		case $f in
		tools/testing/selftests/*/test_modules/*.c)
			[ -f "$wt/$f" ] || continue
			kmake "$a" -s modules_prepare >/dev/null 2>&1 ||
				echo "ERROR: modules_prepare failed before $f"
			rm -f "$wt/${f%.c}.o"
			kmake "$a" M="$wt/$(dirname "$f")" W=1 C=1 "$(basename "${f%.c}.o")" 2>&1 ||
				echo "ERROR: the W=1 C=1 build of $f failed" ;;
		tools/*) ;;
		*.c)
			[ -f "$wt/$f" ] || continue
			rm -f "$OUT/build/warn-$a/${f%.c}.o"
			kmake "$a" W=1 C=1 "${f%.c}.o" 2>&1 ||
				echo "ERROR: the W=1 C=1 build of $f failed" ;;
		esac
		case $f in
		*.c|*.h) [ ! -f "$wt/$f" ] || "$wt/scripts/kernel-doc" -none -Wall "$wt/$f" 2>&1 ;;
		Documentation/*.rst)
			dir=${f#Documentation/}
			dir=${dir%%/*}
			make -C "$wt" O="$OUT/build/warn-docs" SPHINXDIRS="$dir" htmldocs 2>&1 ||
				echo "ERROR: the docs build of Documentation/$dir failed" ;;
		esac
	done | normalize
}

# check_commit N COMMIT: the point of the Nth commit checked.
check_commit() {
	subj=$(git -C "$SRC" log -1 --format=%s "$2")
	files=$(git -C "$SRC" diff-tree --no-commit-id --name-only -r "$2")
	a=x86_64
	! echo "$files" | grep -q '^arch/powerpc/' || a=ppc64le
	git -C "$wt" checkout -q --detach "$2^"
	before=$(warnings_at "$a" $files)
	git -C "$wt" checkout -q --detach "$2"
	after=$(warnings_at "$a" $files)
	new=$(printf '%s\n' "$after" | grep . | while IFS= read -r w; do
		printf '%s\n' "$before" | grep -qxF -- "$w" || printf '%s\n' "$w"
	done)
	what="W=1, sparse, kernel-doc, docs ($a): $(echo $files | wc -w) files"
	if [ -z "$new" ]; then
		echo "ok - $1 $subj: no warning the parent does not have ($what)"
	else
		echo "not ok - $1 $subj: $(printf '%s\n' "$new" | grep -c .) new warnings ($what)"
		printf '%s\n' "$new" | sed 's/^/# /'
	fi
}

# check_range: a point per commit of RANGE, added to $res as each is done
# (not down a pipe: a die in a check stops the script).
check_range() {
	n=0
	for c in $(git -C "$SRC" rev-list --reverse "$RANGE"); do
		n=$((n + 1))
		check_commit $n "$c" >"$res.part"
		sh "$TOP/harness/tap.sh" --append "$res" <"$res.part"
	done
	rm -f "$res.part"
}

if [ -z "${WARNINGS_LIB:-}" ]; then
	write_plan
	need_sphinx
	SPARSE=$(sparse_for_kernel)
	say "sparse: $SPARSE" >&2
	new_worktree
	check_range
	git -C "$SRC" worktree remove --force "$wt"
fi
