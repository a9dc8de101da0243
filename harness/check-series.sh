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

# The plan comes first, so that a check that stops early leaves a short
# file, which summary.sh fails: checkpatch per patch, the folders, and
# each prefix on each arch of BISECT_ARCHES.
n=$(series_patches | wc -l)
printf 'TAP version 13\n1..%d\n' $((n + 1 + n * $(echo ${BISECT_ARCHES:-ppc64le} | wc -w))) >"$res"
k=0
point() { # point OK|FAIL DESCRIPTION
	k=$((k + 1))
	if [ "$1" = OK ]; then echo "ok $k - $2"; else echo "not ok $k - $2"; fi | tee -a "$res"
}

if [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] ||
   [ "$(git -C "$SRC" rev-parse HEAD)" != "$(cut -d' ' -f3 "$OUT/applied.stamp")" ]; then
	point FAIL "$SRC is the series of patches/"
	die "$SRC differs from patches/: 'make export' (or FORCE=1 make apply) first"
fi

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
	pn=$(basename "$p")
	ignore=
	! maintained "$p" || ignore="--ignore FILE_PATH_CHANGES"
	if (cd "$SRC" && ./scripts/checkpatch.pl --strict -q --no-summary $ignore "$p") \
		>"$LOGS/checkpatch-$pn.log" 2>&1; then
		point OK "checkpatch --strict: $pn${ignore:+ (added files are in MAINTAINERS)}"
	else
		point FAIL "checkpatch --strict: $pn (see $LOGS/checkpatch-$pn.log)"
		sed 's/^/    | /' "$LOGS/checkpatch-$pn.log" | head -n 30
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
all_targets=$KTARGETS
trap 'git -C "$SRC" checkout -q series' EXIT
i=1
for p in $(series_patches); do
	git -C "$SRC" checkout -q --detach "series~$((n - i))"
	# The kselftest targets this prefix has (the series adds kprobes).
	targets=$(for t in $all_targets; do
		[ ! -f "$SRC/tools/testing/selftests/$t/Makefile" ] || echo "$t"; done)
	for a in ${BISECT_ARCHES:-ppc64le}; do
		if KTARGETS=$(echo $targets) run_logged "bisect-$i-of-$n-$a" \
			sh "$TOP/harness/build.sh" "$a" series; then
			point OK "builds for $a with patches 1-$i of $n ($(basename "$p"))"
		else
			point FAIL "builds for $a with patches 1-$i of $n ($(basename "$p"))"
		fi
	done
	i=$((i + 1))
done
