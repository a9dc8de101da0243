#!/bin/sh
# Turn the "series" branch of $OUT/linux back into the series of patches/
# (one folder per series, split where lib.sh's series_end says) and refresh the
# kernel-tree-shaped folders (the footprint: harness/lib.sh).  Output depends
# only on the commits and cover-letters/, so an unchanged series
# regenerates byte-identically.
. "$(dirname "$0")/lib.sh"

[ -d "$SRC/.git" ] || die "no work tree; run 'make apply' first"
[ -z "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] ||
	die "$SRC has uncommitted changes: commit them first"
[ "$(git -C "$SRC" symbolic-ref -q --short HEAD)" = series ] ||
	die "$SRC is not on branch series"

# addresses FROM TO FLAG: the addresses get_maintainer.pl gives for the
# patches FROM..TO, each as FLAG=ADDRESS on a line: maintainers and
# reviewers go in To, lists in Cc (as b4 --auto-to-cc does).  A fixed
# perl hash seed: its order depends on perl's hash order, random per run.
addresses() {
	case $3 in
	--to) who="--m --r --no-l" ;;
	--cc) who="--no-m --no-r --l" ;;
	esac
	git -C "$SRC" format-patch --stdout "$1..$2" |
		(cd "$SRC" && PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 \
			perl scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-fixes --no-rolestats $who) |
		sed "s/^/$3=/"
}

# format_series FROM TO DIR COVER PREFIX: one series, FROM..TO, into DIR, with
# the cover letter from COVER (its first paragraph is the subject), To and
# Cc from get_maintainer.pl, version SERIES_VERSION.  The Date of the cover
# letter is the author time of TO, pinned for byte-identical output.
format_series() {
	from=$1 to=$2 dir=$3 cover=$4 prefix=$5
	git -C "$SRC" branch -f kr-export "$to"
	git -C "$SRC" config branch.kr-export.description \
		"$(cat "$cover"; printf '\nBased on Linux %s.\n' "$BASE_VERSION")"
	rm -f "$dir"/*.patch
	mkdir -p "$dir"
	set --
	while IFS= read -r a; do
		[ -z "$a" ] || set -- "$@" "$a"
	done <<-EOF
	$(addresses "$from" "$to" --to; addresses "$from" "$to" --cc)
	EOF
	[ "$SERIES_VERSION" = 1 ] || set -- "$@" "--reroll-count=$SERIES_VERSION"
	GIT_COMMITTER_DATE=$(git -C "$SRC" log -1 --format=%aI "$to") \
	git -C "$SRC" format-patch -q --cover-letter --cover-from-description=subject \
		--zero-commit --no-signature --no-numbered-files --no-thread \
		--subject-prefix="$prefix" -o "$dir" "$@" "$from..kr-export"
	git -C "$SRC" branch -q -D kr-export
}

. "$OUT/base.env"
if [ -z "$SERIES" ]; then
	format_series base series "$PATCHES" "$COVER" "$(series_prefix)"
else
	from=base
	for s in $SERIES; do
		to=series
		end=$(series_end "$s")
		if [ -n "$end" ]; then
			to=$(git -C "$SRC" log --format='%H %s' base..series |
				awk -v s="$end" 'substr($0, 42) == s { print $1 }')
			[ "$(echo "$to" | grep -c .)" = 1 ] ||
				die "series $s: no single commit named '$end' in base..series (harness/lib.sh, series_end)"
		fi
		format_series "$from" "$to" "$PATCHES/$s" "$TOP/cover-letters/$s.txt" \
			"$(series_prefix "$s")"
		from=$to
	done
fi

# The tree-shaped folders show the primary (7.2) series only.
if [ "$BASE" = 7.2 ]; then
	for f in $(footprint_files); do
		rm -f "${TOP:?}/$f"
	done
	for d in $FOOTPRINT_DIRS; do
		[ ! -d "$TOP/$d" ] || find "$TOP/$d" -depth -type d -empty -delete
	done
	footprint | while read -r st f; do
		[ "$st" = A ] || [ "$st" = M ] || die "$f: status $st, not A or M"
		out=$TOP/$(footprint_name "$st" "$f")
		mkdir -p "$(dirname "$out")"
		footprint_content "$st" "$f" >"$out"
		if [ "$st" = A ] &&
		   [ "$(git -C "$SRC" ls-tree series -- "$f" | cut -c1-6)" = 100755 ]; then
			chmod +x "$out"
		else
			chmod -x "$out"
		fi
	done
fi

# What is exported is what is applied: keep apply from redoing it.
stamp_write
say "export: $(series_patches | wc -l) patches in $(echo $(series_dirs) | sed "s|$TOP/||g"), tree folders refreshed"
