#!/bin/sh
# bench.sh: build the unpatched base and the series for ARCH (x86_64 by
# default) with the same configuration, boot each BENCH_BOOTS times (3),
# alternately, with bench/guest.sh and the bench/kretprobe_bench.ko module
# built for it, and print one table: base, series, series/base.  TCG
# timings drift from boot to boot, so each row is the median of the
# boots' medians, with the lowest and highest round in parentheses.  Raw
# results: $OUT/bench/VARIANT-ARCH.txt.
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
arch_vars "$arch"
mkdir -p "$OUT/bench"

# prepare VARIANT: build the kernel and the module, put the module in the
# initramfs tree.
prepare() {
	v=$1 obj=$OUT/build/$1-$arch
	run_logged "build-$v-$arch" sh "$TOP/harness/build.sh" "$arch" "$v" ||
		die "$v kernel for $arch did not build"
	m=$OUT/bench/module-$v-$arch
	rm -rf "$m"
	mkdir -p "$m" "$obj/kselftest/bench"
	cp "$TOP/bench/Makefile" "$TOP/bench/kretprobe_bench.c" "$m/"
	make -s -C "$obj" ARCH="$KARCH" CROSS_COMPILE="$KCROSS" \
		CC="ccache ${KCROSS}gcc" M="$m" modules >"$LOGS/bench-module-$v-$arch.log" 2>&1 ||
		die "bench module did not build for $v $arch (log: $LOGS/bench-module-$v-$arch.log)"
	cp "$m/kretprobe_bench.ko" "$TOP/bench/guest.sh" "$obj/kselftest/bench/"
	: >"$OUT/bench/$v-$arch.txt"
}

# run VARIANT N: boot number N, append its KR-BENCH lines.
run() {
	v=$1
	say "==> bench-$v-$arch, boot $2 of $boots"
	GUEST_CMD='sh /kselftest/bench/guest.sh' BOOT_TIMEOUT=${BOOT_TIMEOUT:-1500} \
		sh "$TOP/harness/boot.sh" "$arch" "$v" >"$LOGS/bench-boot-$v-$arch.log" 2>&1 || true
	grep '^KR-BENCH ' "$OUT/run/$v-$arch/console.txt" | sed 's/^KR-BENCH //' >"$OUT/bench/last"
	grep -qx end "$OUT/bench/last" ||
		die "$v $arch: the benchmark did not finish (console: $OUT/run/$v-$arch/console.txt)"
	cat "$OUT/bench/last" >>"$OUT/bench/$v-$arch.txt"
}

boots=${BENCH_BOOTS:-3}
# BENCH_TABLE_ONLY=1: print the table of the last run again.
if [ -z "${BENCH_TABLE_ONLY:-}" ]; then
	prepare base
	prepare series
	# One accelerator for both kernels, named in the table.
	ACCEL=$(accel "$(obj_dir "$arch" series)/$KIMAGE")
	export ACCEL
	mkdir -p "$OUT/bench"
	echo "$ACCEL" >"$OUT/bench/accel-$arch"
	i=1
	while [ $i -le $boots ]; do
		run base $i
		run series $i
		i=$((i + 1))
	done
fi
. "$OUT/base.env"

awk -v arch="$arch" -v base="$BASE_VERSION" -v date="$(date -u +%Y-%m-%d)" \
	-v boots="$boots" -v accel="$(cat "$OUT/bench/accel-$arch")" -f "$TOP/harness/bench.awk" \
	"$OUT/bench/base-$arch.txt" "$OUT/bench/series-$arch.txt" | tee "$OUT/bench/table-$arch.md"
