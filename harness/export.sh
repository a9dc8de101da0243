#!/bin/sh
# Turn the "series" branch of $OUT/linux back into patches/ and refresh the
# kernel-tree-shaped folders from the files the series adds.  Output depends
# only on the commits and cover-letter.txt, so an unchanged series
# regenerates byte-identically.
. "$(dirname "$0")/lib.sh"

dirs="include kernel arch samples Documentation tools lib"

[ -d "$SRC/.git" ] || die "no work tree; run 'make apply' first"
[ -z "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] ||
	die "$SRC has uncommitted changes: commit them first"
[ "$(git -C "$SRC" symbolic-ref -q --short HEAD)" = series ] ||
	die "$SRC is not on branch series"

# The cover letter: the first paragraph of $COVER is the subject.
git -C "$SRC" config branch.series.description "$(cat "$COVER")"

rm -f "$PATCHES"/*.patch
mkdir -p "$PATCHES"
# The cover letter's Date is the committer time: pin it to the tip's.
GIT_COMMITTER_DATE=$(git -C "$SRC" log -1 --format=%aI series) \
git -C "$SRC" format-patch -q --cover-letter --cover-from-description=subject \
	--zero-commit --no-signature --no-numbered-files --no-thread \
	-o "$PATCHES" base..series

# The tree-shaped folders show the primary (7.2) series only.
[ "$BASE" = 7.2 ] || dirs=
for d in $dirs; do
	rm -rf "${TOP:?}/$d"
done
[ -z "$dirs" ] || git -C "$SRC" diff --name-only --diff-filter=A base series |
while read -r f; do
	mkdir -p "$TOP/$(dirname "$f")"
	git -C "$SRC" show "series:$f" >"$TOP/$f"
	if [ "$(git -C "$SRC" ls-tree series -- "$f" | cut -c1-6)" = 100755 ]; then
		chmod +x "$TOP/$f"
	else
		chmod -x "$TOP/$f"
	fi
done

# What is exported is what is applied: keep apply from redoing it.
. "$OUT/base.env"
want=$(series_key)
echo "$want $(git -C "$SRC" rev-parse HEAD)" >"$OUT/applied.stamp"
say "export: $(series_patches | wc -l) patches in patches/, added files refreshed"
