#!/bin/sh
# Checks on the series itself, as TAP lines in $OUT/results/series.tap:
# checkpatch --strict on every patch of every series, the kernel-tree-shaped
# folders equal to the footprint (lib.sh), and every prefix of the three
# series, in order, building (kernel, modules and the kselftest targets it
# has) for each arch of BISECT_ARCHES (none when unset), incrementally in
# that arch's series build directory, which the boot of the series then
# reuses.  make check-full bisects on every arch; make check does not (two
# full builds more, a third of its budget on a slow machine).
. "$(dirname "$0")/lib.sh"
res=$OUT/results/series.tap
mkdir -p "$OUT/results"

# The plan comes first, so that a check that stops early leaves a short
# file, which summary.sh fails: checkpatch per patch, the folders, and
# each prefix on each arch of BISECT_ARCHES.
n=$(series_patches | wc -l)
# The folders show the 7.2 series: the backport (BASE=6.12) has no point.
folders=1
[ "$BASE" = 7.2 ] || folders=0
printf 'TAP version 13\n1..%d\n' $((n + folders + n * $(echo ${BISECT_ARCHES:-} | wc -w))) >"$res"
k=0
point() { # point OK|FAIL DESCRIPTION
	k=$((k + 1))
	if [ "$1" = OK ]; then echo "ok $k - $2"; else echo "not ok $k - $2"; fi | tee -a "$res"
}

if [ ! -f "$OUT/applied.stamp" ] || unexported_work; then
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

# A Fixes: id that the one-commit base cannot know makes checkpatch warn
# UNKNOWN_COMMIT_ID; only then is that check left out, for that patch (the
# ids are checked against upstream another way: see the README).
unknown_fixes() { # unknown_fixes PATCH: it has a Fixes: id not in $SRC
	for id in $(sed -n 's/^Fixes: \([0-9a-f]*\) .*/\1/p' "$1"); do
		git -C "$SRC" cat-file -e "$id^{commit}" 2>/dev/null || return 0
	done
	return 1
}

for p in $(series_patches); do
	pn=${p#"$PATCHES"/}
	log=$LOGS/checkpatch-$(echo "$pn" | tr / _).log
	ignore= why=
	if maintained "$p"; then
		ignore=FILE_PATH_CHANGES why="added files are in MAINTAINERS"
	fi
	if unknown_fixes "$p"; then
		ignore=${ignore:+$ignore,}UNKNOWN_COMMIT_ID
		why="${why:+$why; }Fixes: ids not in the base's history"
	fi
	if (cd "$SRC" && ./scripts/checkpatch.pl --strict -q --no-summary \
		${ignore:+--ignore $ignore} "$p") >"$log" 2>&1; then
		point OK "checkpatch --strict: $pn${why:+ ($why)}"
	else
		point FAIL "checkpatch --strict: $pn (see $log)"
		sed 's/^/    | /' "$log" | head -n 30
	fi
done

# The folders hold the footprint, exactly, byte for byte.
[ "$folders" = 0 ] || {
want=$(footprint | while read -r st f; do footprint_name "$st" "$f"; done | LC_ALL=C sort)
differ=$(footprint | while read -r st f; do
	footprint_content "$st" "$f" | cmp -s - "$TOP/$(footprint_name "$st" "$f")" ||
		echo "$(footprint_name "$st" "$f")"
done)
extra=$(printf '%s\n%s\n' "$want" "$(footprint_files)" | LC_ALL=C sort | uniq -u)
if [ -z "$differ$extra" ]; then
	point OK "tree folders hold the footprint: $(echo "$want" | grep -vc '\.diff$') added files, $(echo "$want" | grep -c '\.diff$') diffs"
else
	point FAIL "tree folders differ from the footprint: $(echo $differ $extra)"
fi
}

# Bisectability: build each prefix incrementally, then come back to the tip.
[ -n "${BISECT_ARCHES:-}" ] || exit 0
all_targets=$KTARGETS
trap 'git -C "$SRC" checkout -q series' EXIT
i=1
for p in $(series_patches); do
	git -C "$SRC" checkout -q --detach "series~$((n - i))"
	# The kselftest targets this prefix has (the series adds kprobes).
	targets=$(for t in $all_targets; do
		[ ! -f "$SRC/tools/testing/selftests/$t/Makefile" ] || echo "$t"; done)
	for a in $BISECT_ARCHES; do
		if KTARGETS=$(echo $targets) run_logged "bisect-$i-of-$n-$a" \
			sh "$TOP/harness/build.sh" "$a" series; then
			point OK "builds for $a with patches 1-$i of $n (${p#"$PATCHES"/})"
		else
			point FAIL "builds for $a with patches 1-$i of $n (${p#"$PATCHES"/})"
		fi
	done
	i=$((i + 1))
done
