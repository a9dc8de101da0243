#!/bin/sh
# Checks on the series itself, as TAP lines in $OUT/results/series.tap:
# checkpatch --strict on every patch, the kernel-tree-shaped folders equal to
# what the patches add, and every prefix of the series building (kernel,
# modules and the kselftest targets it has) for each arch of BISECT_ARCHES,
# incrementally in that arch's series build directory, which the boot of
# the series then reuses.  make check bisects on ppc64le, the cheapest
# build; make check-full on every arch.
. "$(dirname "$0")/lib.sh"
res=$OUT/results/series.tap
mkdir -p "$OUT/results"
: >"$res"

[ -z "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] &&
[ "$(git -C "$SRC" rev-parse HEAD)" = "$(cut -d' ' -f3 "$OUT/applied.stamp")" ] ||
	die "$SRC differs from patches/: 'make export' (or FORCE=1 make apply) first"

point() { # point OK|FAIL DESCRIPTION
	if [ "$1" = OK ]; then echo "ok - $2"; else echo "not ok - $2"; fi | tee -a "$res"
}

# checkpatch asks "does MAINTAINERS need updating?" of every patch that
# adds a file without touching MAINTAINERS.  Answer it: when a section of
# MAINTAINERS other than THE REST already covers every file the patch
# adds, the answer is no and that warning is not counted.
maintained() { # maintained PATCH: it adds files, all with a maintainer
	added=$(awk '/^diff --git /{ f = $4 } /^new file mode/{ print substr(f, 3) }' "$1")
	[ -n "$added" ] || return 1
	for f in $added; do
		(cd "$SRC" && ./scripts/get_maintainer.pl --nogit --nogit-fallback \
			--subsystem --noemail --nol --norolestats -f "$f") |
			grep -qvx 'THE REST' || return 1
	done
}

for p in $(series_patches); do
	n=$(basename "$p")
	ignore=
	! maintained "$p" || ignore="--ignore FILE_PATH_CHANGES"
	if (cd "$SRC" && ./scripts/checkpatch.pl --strict -q --no-summary $ignore "$p") \
		>"$LOGS/checkpatch-$n.log" 2>&1; then
		point OK "checkpatch --strict: $n${ignore:+ (added files are in MAINTAINERS)}"
	else
		point FAIL "checkpatch --strict: $n (see $LOGS/checkpatch-$n.log)"
		sed 's/^/    | /' "$LOGS/checkpatch-$n.log" | head -n 30
	fi
done

# The folders hold exactly the added files, byte for byte.
added=$(git -C "$SRC" diff --name-only --diff-filter=A base series | LC_ALL=C sort)
have=$(cd "$TOP" && find include kernel arch samples Documentation tools lib \
	-type f 2>/dev/null | LC_ALL=C sort)
diffs=""
for f in $added; do
	git -C "$SRC" show "series:$f" | cmp -s - "$TOP/$f" || diffs="$diffs $f"
done
if [ "$added" = "$have" ] && [ -z "$diffs" ]; then
	point OK "tree folders equal the $(echo "$added" | grep -c .) files the series adds"
else
	point FAIL "tree folders differ from the files the series adds:$diffs $(
		printf '%s\n%s\n' "$added" "$have" | sort | uniq -u | tr '\n' ' ')"
fi

# Bisectability: build each prefix incrementally, then come back to the tip.
n=$(series_patches | wc -l)
all_targets=$KTARGETS
trap 'git -C "$SRC" checkout -q series' EXIT
k=1
for p in $(series_patches); do
	git -C "$SRC" checkout -q --detach "series~$((n - k))"
	# The kselftest targets this prefix has (the series adds kprobes).
	targets=$(for t in $all_targets; do
		[ ! -f "$SRC/tools/testing/selftests/$t/Makefile" ] || echo "$t"; done)
	for a in ${BISECT_ARCHES:-ppc64le}; do
		if KTARGETS=$(echo $targets) run_logged "bisect-$k-of-$n-$a" \
			sh "$TOP/harness/build.sh" "$a" series; then
			point OK "builds for $a with patches 1-$k of $n ($(basename "$p"))"
		else
			point FAIL "builds for $a with patches 1-$k of $n ($(basename "$p"))"
		fi
	done
	k=$((k + 1))
done
