#!/bin/sh
# Make the 6.12.y base available as a git commit and record it in
# $OUT/base.env (BASE_REPO, BASE_COMMIT, BASE_VERSION).
#
# KSRC=/path/to/linux uses the user's tree: its HEAD if it is a git
# repository, otherwise a one-commit import of its files.  Without KSRC the
# Debian linux-source-6.12 tarball is imported once into a one-commit
# repository under $KR_CACHE/base/<version>, so reruns skip the extract.
. "$(dirname "$0")/lib.sh"

tarball=/usr/src/linux-source-6.12.tar.xz

# make_version DIR: "6.12.N" from a kernel tree's top Makefile.
make_version() {
	awk -F' *= *' '/^VERSION/ {v=$2} /^PATCHLEVEL/ {p=$2}
		/^SUBLEVEL/ {s=$2} /^EXTRAVERSION/ {e=$2}
		END {print v "." p "." s e}' "$1/Makefile"
}

# import_tree STAGING REPO MESSAGE: make the files in STAGING the only
# commit of a new repository, with a fixed identity and date so that the
# same tree always gives the same commit id, then move it to REPO.
import_tree() {
	git init -q "$1"
	git -C "$1" config gc.auto 0
	git -C "$1" add -A -f
	GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@localhost \
	GIT_COMMITTER_NAME=base GIT_COMMITTER_EMAIL=base@localhost \
	GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' \
	GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
		git -C "$1" commit -q -m "$3"
	mv "$1" "$2"
}

from_tarball() {
	if [ ! -f "$tarball" ]; then
		say "installing linux-source-6.12 (apt-get)"
		apt-get install -y -q linux-source-6.12 >/dev/null ||
			die "cannot install linux-source-6.12"
	fi
	pkgver=$(dpkg-query -W -f '${Version}' linux-source-6.12)
	key=deb-$(printf '%s' "$pkgver" | tr -c 'A-Za-z0-9.+-' '_')
	BASE_REPO=$KR_CACHE/base/$key
	if [ ! -d "$BASE_REPO/.git" ]; then
		say "importing $tarball ($pkgver) into $BASE_REPO"
		mkdir -p "$KR_CACHE/base"
		rm -rf "$BASE_REPO.tmp"
		mkdir -p "$BASE_REPO.tmp"
		tar -C "$BASE_REPO.tmp" --strip-components=1 -xJf "$tarball"
		v=$(make_version "$BASE_REPO.tmp")
		import_tree "$BASE_REPO.tmp" "$BASE_REPO" \
			"Linux $v (Debian linux-source-6.12 $pkgver)"
	fi
	BASE_COMMIT=$(git -C "$BASE_REPO" rev-parse HEAD)
	BASE_VERSION="$(make_version "$BASE_REPO") (Debian linux-source-6.12 $pkgver)"
}

from_ksrc() {
	[ -f "$KSRC/Makefile" ] || die "KSRC=$KSRC is not a kernel tree"
	v=$(make_version "$KSRC")
	case $v in
	6.12.*) ;;
	*) die "KSRC=$KSRC is Linux $v; the series is for 6.12.y" ;;
	esac
	if git -C "$KSRC" rev-parse --verify -q HEAD >/dev/null 2>&1 &&
	   [ "$(git -C "$KSRC" rev-parse --show-toplevel)" = "$(cd "$KSRC" && pwd -P)" ]; then
		[ -z "$(git -C "$KSRC" status --porcelain --untracked-files=no)" ] ||
			say "warning: KSRC has uncommitted changes; using its HEAD"
		BASE_REPO=$(cd "$KSRC" && pwd -P)
		BASE_COMMIT=$(git -C "$KSRC" rev-parse HEAD)
		BASE_VERSION="$v ($KSRC at $(git -C "$KSRC" rev-parse --short=12 HEAD))"
	else
		sum=$(cd "$KSRC" && find . -path ./.git -prune -o -type f -print |
			LC_ALL=C sort | cksum | cut -d' ' -f1)
		BASE_REPO=$KR_CACHE/base/ksrc-$v-$sum
		if [ ! -d "$BASE_REPO/.git" ]; then
			rm -rf "$BASE_REPO.tmp"
			mkdir -p "$BASE_REPO.tmp"
			tar -C "$KSRC" --exclude=.git -cf - . |
				tar -C "$BASE_REPO.tmp" -xf -
			import_tree "$BASE_REPO.tmp" "$BASE_REPO" \
				"Linux $v (from $KSRC)"
		fi
		BASE_COMMIT=$(git -C "$BASE_REPO" rev-parse HEAD)
		BASE_VERSION="$v (imported from $KSRC)"
	fi
}

if [ -n "${KSRC:-}" ]; then
	from_ksrc
else
	from_tarball
fi

cat >"$OUT/base.env.tmp" <<EOF
BASE_REPO='$BASE_REPO'
BASE_COMMIT='$BASE_COMMIT'
BASE_VERSION='$BASE_VERSION'
EOF
mv "$OUT/base.env.tmp" "$OUT/base.env"
say "base: Linux $BASE_VERSION, commit $(printf %.12s "$BASE_COMMIT")"
