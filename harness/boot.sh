#!/bin/sh
# boot.sh ARCH VARIANT: pack what build.sh made into a busybox initramfs,
# boot it under QEMU (TCG, 2 vCPUs) within a wall-clock limit, and turn the
# console (the tests' TAP) and the kernel log (a port of its own) into
# $OUT/results/VARIANT-ARCH.tap, checked against harness/expected.  A
# guest that hangs, panics or logs a kernel report fails; the failures and
# the console tail are shown.
. "$(dirname "$0")/lib.sh"

arch=$1 variant=$2
arch_vars "$arch"
obj=$(obj_dir "$arch" "$variant")
# LABEL names a further boot of the same build (make check-full's repeat).
name=$variant-$arch${LABEL:+-$LABEL}
run=$OUT/run/$name
res=$OUT/results/$name.tap
console=$run/console.log
kmsg=$run/kmsg.log
rm -rf "$run" "$res"
mkdir -p "$run/root" "$OUT/results"

# busybox_for DEBIAN-ARCH: path of Debian's static busybox for that arch.
busybox_for() {
	deb=$1
	dir=$KR_CACHE/busybox/$deb
	if [ ! -x "$dir/bin/busybox" ]; then
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		(cd "$dir.tmp" && apt-get download -q -o APT::Sandbox::User=root "busybox-static:$deb" >/dev/null &&
		 dpkg-deb -x busybox-static_*.deb .) ||
			die "cannot fetch busybox-static:$deb (dpkg --add-architecture $deb; apt-get update)"
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir/bin/busybox"
}

make_initramfs() {
	r=$run/root
	mkdir -p "$r/bin" "$r/lib"
	cp "$(busybox_for "$BUSYBOX_ARCH")" "$r/bin/busybox"
	cp "$TOP/harness/guest-init" "$r/init"
	chmod +x "$r/init"
	[ ! -d "$obj/modroot/lib/modules" ] || cp -a "$obj/modroot/lib/modules" "$r/lib/"
	cp -a "$obj/kselftest" "$r/kselftest"
	cat >"$r/harness.conf" <<-EOF
	RUN_ARGS='${RUN_ARGS:-}'
	GUEST_CMD='${GUEST_CMD:-}'
	KR_SHELL='${KR_SHELL:-}'
	KRT_CASES='${KRT_CASES:-}'
	KRT_REPEAT='${KRT_REPEAT:-}'
	KMSG_DEV=$KMSG_DEV
	EOF
	(cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) >"$run/initramfs.cpio.gz"
}

# Console and kernel log go to files (KR_SHELL: the console is this
# terminal, QEMU's monitor behind Ctrl-a c); loglevel=5 keeps the console
# to warnings and worse until /init takes it down to errors.
qemu_cmd() {
	if [ -n "${KR_SHELL:-}" ]; then
		con="-serial mon:stdio"
	else
		con="-monitor none -serial file:$console"
	fi
	echo $QEMU $QEMU_MACHINE -accel $ACCEL -m ${MEM:-1024} -smp 2 \
		-display none -no-reboot \
		$con $(echo "$KMSG_QEMU" | sed "s|%s|$kmsg|") \
		-initrd $run/initramfs.cpio.gz -kernel "$obj/$KIMAGE" \
		-append "'console=$CONSOLE panic=-1 oops=panic loglevel=5 ${APPEND:-}'"
}

case $variant in
*debug) limit=${BOOT_TIMEOUT:-$BOOT_LIMIT_DEBUG} ;;
*) limit=${BOOT_TIMEOUT:-$BOOT_LIMIT} ;;
esac
# KASAN's 32 KiB stacks: threads-max of 1 GiB is below the 4096 kthreads
# of the exhaustion case.
case $variant in *debug) MEM=${MEM:-2048} ;; esac
# Test points name the arch, and the variant unless it is the series.
label=$arch
[ "$variant" = series ] || label="$arch ($variant)"
[ -z "${LABEL:-}" ] || label="$label [$LABEL]"

ACCEL=$(accel "$obj/$KIMAGE")
make_initramfs
: >"$console"
: >"$kmsg"
if [ -n "${KR_SHELL:-}" ]; then
	say "    $arch ($variant): QEMU ($ACCEL), a shell in the guest; 'poweroff -f' or Ctrl-a x" \
		"leaves; the kernel log goes to $kmsg"
	eval $(qemu_cmd)
	exit 0
fi
t0=$(now)
eval timeout -k 10 "$limit" $(qemu_cmd) >"$run/qemu.log" 2>&1 </dev/null &&
	qrc=0 || qrc=$?
secs=$(($(now) - t0))
say "    $arch ($variant): QEMU ($ACCEL) ran $secs s (limit $limit s, exit $qrc); console: $console, kernel log: $kmsg"
tr -d '\r' <"$console" >"$run/console.txt"
tr -d '\r' <"$kmsg" >"$run/kmsg.txt"
KTARGETS="$KTARGETS $HTARGETS" sh "$TOP/harness/results.sh" "$label" "$variant-$arch" "$run/console.txt" \
	"$run/kmsg.txt" "$qrc" "$secs" "$limit" >"$res.tmp"
mv "$res.tmp" "$res"
if grep -q '^not ok' "$res"; then
	say "    $arch ($variant): failures:"
	awk '/^not ok/ { p = 1; print; next } /^#/ && p { print; next } { p = 0 }' \
		"$res" | sed 's/^/    | /'
	say "    last console lines ($console):"
	tail -n 25 "$run/console.txt" | sed 's/^/    | /'
	[ ! -s "$run/qemu.log" ] || { say "    QEMU said:"; sed 's/^/    | /' "$run/qemu.log"; }
fi
