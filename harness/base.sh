#!/bin/sh
# Make the $BASE.y base available as a git commit and record it in
# $OUT/base.env (BASE_REPO, BASE_COMMIT, BASE_VERSION).
#
# KSRC=/path/to/linux uses the user's tree: its HEAD if it is a git
# repository, otherwise a one-commit import of its files.  Without KSRC the
# Debian linux-source-$BASE tarball is imported once into a one-commit
# repository under $KR_CACHE/base/<version>, so reruns skip the extract.
# UPSTREAM=1 (7.2) takes Debian's linux_7.2.N.orig.tar.xz instead: the
# upstream release, without the Debian patches that linux-source carries.
. "$(dirname "$0")/lib.sh"

# make_version DIR: "7.2.N" from a kernel tree's top Makefile.
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

# import_tarball TARBALL PKGVER: the Debian linux-source tarball as a
# one-commit repository keyed by the Debian version; sets BASE_REPO.
import_tarball() {
	key=deb-$(printf '%s' "$2" | tr -c 'A-Za-z0-9.+-' '_')
	BASE_REPO=$KR_CACHE/base/$key
	[ ! -d "$BASE_REPO/.git" ] || return 0
	say "importing $1 ($2) into $BASE_REPO"
	mkdir -p "$KR_CACHE/base"
	rm -rf "$BASE_REPO.tmp"
	mkdir -p "$BASE_REPO.tmp"
	tar -C "$BASE_REPO.tmp" --strip-components=1 -xJf "$1"
	import_tree "$BASE_REPO.tmp" "$BASE_REPO" \
		"Linux $(make_version "$BASE_REPO.tmp") (Debian linux-source-$BASE $2)"
}

# 6.12 is in Debian 12's own archive (bookworm-security, bookworm-backports
# follow it): installed with the machine's apt like any package.
from_debian_6_12() {
	tarball=/usr/src/linux-source-6.12.tar.xz
	if [ ! -f "$tarball" ]; then
		say "installing linux-source-6.12 (apt-get)"
		apt-get install -y -q linux-source-6.12 >/dev/null ||
			die "cannot install linux-source-6.12"
	fi
	pkgver=$(dpkg-query -W -f '${Version}' linux-source-6.12)
	import_tarball "$tarball" "$pkgver"
}

# 7.2 is only in Debian testing and unstable: fetched with lib.sh's
# private apt configuration, which leaves the machine's apt alone.
from_debian_7_2() {
	pkg=linux-source-7.2
	apt_private_update
	# The newest version either suite has.
	pkgver=$(apt_private -s install "$pkg" 2>/dev/null |
		sed -n "s/^Inst $pkg (\([^ ]*\) .*/\1/p")
	if [ -z "$pkgver" ]; then
		old=$(ls -d "$KR_CACHE"/base/${UPSTREAM:+orig}${UPSTREAM:-deb}-7.2.* 2>/dev/null |
			tail -n 1)
		[ -n "$old" ] || die "Debian testing and unstable no longer carry $pkg \
(or deb.debian.org cannot be reached): the series is for Linux 7.2.y; \
point KSRC= at a 7.2.y tree"
		say "warning: $pkg not found in Debian; using the cached ${old##*/}"
		BASE_REPO=$old
		return
	fi
	[ -z "${UPSTREAM:-}" ] || { from_debian_orig "$pkgver"; return; }
	key=deb-$(printf '%s' "$pkgver" | tr -c 'A-Za-z0-9.+-' '_')
	if [ ! -d "$KR_CACHE/base/$key/.git" ]; then
		dl=$APTDIR/download
		rm -rf "$dl" && mkdir -p "$dl"
		(cd "$dl" && apt_private download "$pkg=$pkgver" >/dev/null) ||
			die "cannot download $pkg $pkgver from Debian"
		dpkg-deb --fsys-tarfile "$dl"/*.deb |
			tar -C "$dl" -xf - ./usr/src/$pkg.tar.xz
		import_tarball "$dl/usr/src/$pkg.tar.xz" "$pkgver"
		rm -rf "$dl"
	fi
	BASE_REPO=$KR_CACHE/base/$key
}

# from_debian_orig DEBIAN-VERSION: the orig tarball of Debian's linux
# source package of that version (7.2.13-1: linux_7.2.13.orig.tar.xz).
from_debian_orig() {
	up=${1%-*}
	BASE_REPO=$KR_CACHE/base/orig-$up
	[ ! -d "$BASE_REPO/.git" ] || return 0
	dl=$APTDIR/download
	rm -rf "$dl" && mkdir -p "$dl"
	(cd "$dl" && apt_private source --download-only "linux=$1" >/dev/null) ||
		die "cannot download the source package linux $1 from Debian"
	orig=$dl/linux_$up.orig.tar.xz
	[ -f "$orig" ] || die "no linux_$up.orig.tar.xz in Debian's linux $1"
	say "importing linux_$up.orig.tar.xz into $BASE_REPO"
	mkdir -p "$KR_CACHE/base"
	rm -rf "$BASE_REPO.tmp"
	mkdir -p "$BASE_REPO.tmp"
	tar -C "$BASE_REPO.tmp" --strip-components=1 -xJf "$orig"
	import_tree "$BASE_REPO.tmp" "$BASE_REPO" \
		"Linux $(make_version "$BASE_REPO.tmp") (Debian linux_$up.orig.tar.xz: the upstream release)"
	rm -rf "$dl"
}

from_tarball() {
	case $BASE in
	6.12) from_debian_6_12 ;;
	7.2) from_debian_7_2 ;;
	esac
	BASE_COMMIT=$(git -C "$BASE_REPO" rev-parse HEAD)
	BASE_VERSION=$(git -C "$BASE_REPO" log -1 --format=%s | sed 's/^Linux //')
}

from_ksrc() {
	[ -f "$KSRC/Makefile" ] || die "KSRC=$KSRC is not a kernel tree"
	v=$(make_version "$KSRC")
	case $v in
	"$BASE".*) ;;
	*) [ -n "${ANY_VERSION:-}" ] || die "KSRC=$KSRC is Linux $v; the \
series is for $BASE.y (BASE=6.12 for the 6.12.y backport; ANY_VERSION=1 to try \
it on this tree anyway, e.g. a 7.3-rc)"
	   say "warning: KSRC is Linux $v, not $BASE.y (ANY_VERSION=1)" ;;
	esac
	if git -C "$KSRC" rev-parse --verify -q HEAD >/dev/null 2>&1 &&
	   [ "$(git -C "$KSRC" rev-parse --show-toplevel)" = "$(cd "$KSRC" && pwd -P)" ]; then
		[ -z "$(git -C "$KSRC" status --porcelain --untracked-files=no)" ] ||
			say "warning: KSRC has uncommitted changes; using its HEAD"
		BASE_REPO=$(cd "$KSRC" && pwd -P)
		BASE_COMMIT=$(git -C "$KSRC" rev-parse HEAD)
		BASE_VERSION="$v ($KSRC at $(git -C "$KSRC" rev-parse --short=12 HEAD))"
	else
		# Keyed by names, modes and contents: an edited tree is
		# imported again.
		sum=$(tar -C "$KSRC" --exclude=.git --sort=name --mtime=@0 \
			--owner=0 --group=0 --numeric-owner -cf - . | cksum | cut -d' ' -f1)
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
