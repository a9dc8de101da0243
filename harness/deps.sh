#!/bin/sh
# Install what the harness needs from Debian 12, only when something is
# missing, so that a warm machine does not touch apt at all.
. "$(dirname "$0")/lib.sh"

pkgs="bc bison flex libelf-dev libssl-dev cpio ccache kmod rsync perl python3
      python3-ply python3-git
      gcc make git xz-utils gzip qemu-system-x86 qemu-system-ppc
      gcc-powerpc64le-linux-gnu busybox-static"
# The 7.2 base comes from Debian testing/unstable through base.sh's own apt
# configuration; 6.12 is in Debian 12's archive.
[ "$BASE" != 6.12 ] || [ -n "${KSRC:-}" ] || pkgs="$pkgs linux-source-6.12"

# Commands and files that prove a package is there.
have_all() {
	for c in gcc make bc bison flex cpio ccache depmod rsync perl python3 \
		 git xz gzip qemu-system-x86_64 qemu-system-i386 \
		 qemu-system-ppc64 powerpc64le-linux-gnu-gcc; do
		command -v "$c" >/dev/null 2>&1 || return 1
	done
	[ -f /usr/include/gelf.h ] && [ -f /usr/include/openssl/ssl.h ] &&
	[ -x /bin/busybox ] || return 1
	# checkpatch.pl runs scripts/spdxcheck.py with Debian's python3.
	/usr/bin/python3 -c 'import ply, git' 2>/dev/null || return 1
	[ "$BASE" != 6.12 ] || [ -n "${KSRC:-}" ] ||
		[ -f /usr/src/linux-source-6.12.tar.xz ] || return 1
	for a in i386 ppc64el; do
		dpkg --print-foreign-architectures | grep -qx "$a" || return 1
	done
}

if have_all; then
	say "deps: all present"
	exit 0
fi
[ "$(id -u)" = 0 ] || die "missing packages; run as root or install: $pkgs"
say "deps: installing from Debian (apt-get): $(echo $pkgs)"
dpkg --add-architecture i386
dpkg --add-architecture ppc64el
apt-get update -q || say "warning: apt-get update reported errors; going on"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkgs
have_all || die "packages installed but a tool is still missing"
