#!/bin/sh
# fixup.sh COMMIT FILE...: fold the working-tree state of FILE... into
# COMMIT (an ancestor of HEAD on branch series) and rebuild the commits
# after it on top, without touching the work tree -- a rebase would
# rewrite files and their timestamps, and so trigger a full kernel rebuild.
# Only for files that the later commits do not change.
. "$(dirname "$0")/lib.sh"
cd "$SRC" || exit 1
target=$(git rev-parse "$1") && shift
idx=$(mktemp)
trap 'rm -f "$idx"' EXIT
for f in "$@"; do
	[ -z "$(git log --format=%H "$target..HEAD" -- "$f")" ] ||
		die "$f changes after $target: fold it by hand"
done
GIT_INDEX_FILE=$idx git read-tree "$target"
# put FILE: the work tree's FILE, with its mode, into the index $idx.
put() {
	mode=100644
	[ ! -x "$1" ] || mode=100755
	GIT_INDEX_FILE=$idx git update-index --add --cacheinfo \
		"$mode,$(git hash-object -w "$1"),$1"
}
for f in "$@"; do
	put "$f"
done
new=$(git log -1 --format=%B "$target" |
	git commit-tree "$(GIT_INDEX_FILE=$idx git write-tree)" -p "$target^")
for c in $(git rev-list --reverse "$target..HEAD"); do
	GIT_INDEX_FILE=$idx git read-tree "$c"
	for f in "$@"; do
		put "$f"
	done
	new=$(git log -1 --format=%B "$c" |
		git commit-tree "$(GIT_INDEX_FILE=$idx git write-tree)" -p "$new")
done
git reset -q "$new"
git update-index -q --refresh >/dev/null || true
say "fixup: $(git log --oneline -1 "$target" | cut -c1-60)... now includes $*"
