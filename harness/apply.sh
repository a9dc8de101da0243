#!/bin/sh
# Turn patches/ into the work tree $OUT/linux: branch "series" = base + git am
# of every patch of every series, in the order of SERIES (harness/lib.sh),
# tag "base" = the base commit, and $OUT/linux-base a
# worktree of the unpatched base.  Work the developer has not exported
# (uncommitted edits, new commits) is never thrown away without FORCE=1.
. "$(dirname "$0")/lib.sh"
. "$OUT/base.env"

stamp=$OUT/applied.stamp
want=$(series_key)

fresh_clone() {
	rm -rf "$SRC" "$BASESRC" "$stamp"
	git clone -q --shared --no-checkout "$BASE_REPO" "$SRC"
	git -C "$SRC" config gc.auto 0
}

# Debian's tree ends its .gitignore with "/*" (ignore all at top level),
# which hides every file a developer adds.  Drop that block from the work
# tree only; skip-worktree keeps git status and the patches unaware of it.
unhide_new_files() {
	grep -qx '/\*' "$SRC/.gitignore" || return 0
	git -C "$SRC" update-index --skip-worktree .gitignore
	sed -i '/^# Debian packaging/,$d' "$SRC/.gitignore"
}

apply_series() {
	git -C "$SRC" tag -f base "$BASE_COMMIT" >/dev/null
	git -C "$SRC" update-index --no-skip-worktree .gitignore 2>/dev/null || true
	git -C "$SRC" checkout -q -f -B series base
	unhide_new_files
	for p in $(series_patches); do
		if ! msg=$(git -C "$SRC" am -q "$p" 2>&1); then
			git -C "$SRC" am --abort >/dev/null 2>&1 || true
			rm -f "$stamp"
			printf '%s\n' "$msg" >&2
			die "patch ${p#"$PATCHES"/} does not apply to $BASE_VERSION"
		fi
	done
	stamp_write
}

if [ -f "$stamp" ] && [ "$(stamp_key)" = "$want" ]; then
	say "apply: $OUT/linux is up to date with patches/"
else
	if [ -d "$SRC/.git" ] && unexported_work && [ -z "${FORCE:-}" ]; then
		die "$SRC has work not in patches/: 'make export' it first, or FORCE=1 to discard it"
	fi
	if [ ! -d "$SRC/.git" ] ||
	   ! git -C "$SRC" cat-file -e "$BASE_COMMIT^{commit}" 2>/dev/null; then
		fresh_clone
	fi
	apply_series
	say "apply: $(series_patches | wc -l) patches applied on $BASE_VERSION"
fi

if [ "$(git -C "$BASESRC" rev-parse HEAD 2>/dev/null)" != "$BASE_COMMIT" ]; then
	rm -rf "$BASESRC"
	git -C "$SRC" worktree prune
	git -C "$SRC" worktree add -q --detach "$BASESRC" "$BASE_COMMIT"
fi
