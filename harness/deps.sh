#!/bin/sh
# deps.sh [ARCH...]: install what the harness needs from Debian 12 for
# these arches (default: KR_ARCH, else all of harness/arch/), only when
# something is missing, so that a warm machine does not touch apt at all.
. "$(dirname "$0")/lib.sh"

arches=${*:-${KR_ARCH:-$ARCHES}}
native=$(dpkg --print-architecture)
pkgs="bc bison flex libelf-dev libssl-dev cpio ccache kmod rsync perl python3
      python3-ply python3-git gcc make git xz-utils gzip busybox-static"
cmds="gcc make bc bison flex cpio ccache depmod rsync perl python3 git xz gzip"
foreign=
for a in $arches; do
	arch_vars "$a"
	pkgs="$pkgs $QEMU_PKG $CROSS_PKG"
	cmds="$cmds $QEMU ${KCROSS}gcc"
	# Each guest's busybox comes from Debian's package for its arch.
	[ "$BUSYBOX_ARCH" = "$native" ] || foreign="$foreign $BUSYBOX_ARCH"
done
# The 7.2 base comes from Debian testing/unstable through base.sh's own apt
# configuration; 6.12 is in Debian 12's archive.
[ "$BASE" != 6.12 ] || [ -n "${KSRC:-}" ] || pkgs="$pkgs linux-source-6.12"
pkgs=$(echo $pkgs | tr ' ' '\n' | sort -u | tr '\n' ' ')

# Commands and files that prove a package is there.
have_all() {
	for c in $cmds; do
		command -v "$c" >/dev/null 2>&1 || return 1
	done
	[ -f /usr/include/gelf.h ] && [ -f /usr/include/openssl/ssl.h ] &&
	[ -x /bin/busybox ] || return 1
	# checkpatch.pl runs scripts/spdxcheck.py with Debian's python3.
	/usr/bin/python3 -c 'import ply, git' 2>/dev/null || return 1
	[ "$BASE" != 6.12 ] || [ -n "${KSRC:-}" ] ||
		[ -f /usr/src/linux-source-6.12.tar.xz ] || return 1
	for a in $foreign; do
		dpkg --print-foreign-architectures | grep -qx "$a" || return 1
	done
}

if have_all; then
	say "deps: all present for $(echo $arches)"
	exit 0
fi
[ "$(id -u)" = 0 ] || die "missing packages; run as root or install: $pkgs"
say "deps: installing from Debian (apt-get) for $(echo $arches): $pkgs"
for a in $foreign; do
	dpkg --add-architecture "$a"
done
apt-get update -q || say "warning: apt-get update reported errors; going on"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkgs
have_all || die "packages installed but a tool is still missing"
