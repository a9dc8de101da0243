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
	i=1
	while [ $i -le $boots ]; do
		run base $i
		run series $i
		i=$((i + 1))
	done
fi
. "$OUT/base.env"

awk -v arch="$arch" -v base="$BASE_VERSION" -v date="$(date -u +%Y-%m-%d)" -v boots="$boots" '
FNR == 1 { v++ }
$1 == "kernel" { cpus = $NF }
function add(k) { if (!(k in seen)) { seen[k] = 1; keys[++n] = k } }
function push(w, k, x) { cnt[w, k]++; list[w, k, cnt[w, k]] = x }
$1 == "cost" && $4 != "n/a" { k = "cost " $2 " " $3; add(k); push(v, k, $4)
	if (!((v, k) in lo) || $5 + 0 < lo[v, k]) lo[v, k] = $5
	if (!((v, k) in hi) || $6 + 0 > hi[v, k]) hi[v, k] = $6 }
$1 == "cost" && $4 == "n/a" { k = "cost " $2 " " $3; add(k); na[v, k] = 1 }
$1 == "capacity" { k = "capacity " $2; add(k); push(v, k, $4 > 0 ? $3 - $4 : $3); full[v, k] += ($4 == 0) }
$1 == "memory" { k = "memory " $2 " " $3; add(k); push(v, k, $4) }
function median(w, k,  i, j, t, m, a) {
	m = cnt[w, k]
	for (i = 1; i <= m; i++) a[i] = list[w, k, i] + 0
	for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
function label(k,  f) {
	split(k, f, " ")
	if (f[1] == "cost") return sprintf("ns/call %s, %s task%s", f[2], f[3], f[3] > 1 ? "s (1/CPU)" : "")
	if (f[1] == "capacity") return sprintf("calls in flight with 0 missed (tried %s)", f[2])
	if (f[2] == "probes") return sprintf("kB for %s kretprobe%s", f[3], f[3] > 1 ? "s" : "")
	return sprintf("kB for %s more tasks", f[3])
}
function value(w, k) {
	if ((w, k) in na) return "n/a"
	if (!cnt[w, k]) return "-"
	if (k ~ /^capacity/ && full[w, k] == cnt[w, k]) { split(k, f, " "); return ">=" f[2] }
	return median(w, k)
}
function cell(w, k,  x) {
	x = value(w, k)
	if (x ~ /^[0-9.]+$/ && (w, k) in lo) return sprintf("%d (%d-%d)", x, lo[w, k], hi[w, k])
	return x
}
END {
	printf "kretprobe benchmark, %s, Linux %s, %s, QEMU TCG %s vCPUs, %s boots of each\n", date, base, arch, cpus, boots
	printf "(TCG timings are not hardware timings: compare the ratios.  ns/call: median over the boots of each boot'"'"'s median of 15 rounds, (lowest-highest round).)\n\n"
	printf "| %-44s | %-16s | %-16s | %-12s |\n", "", "base", "series", "series/base"
	printf "|%s|%s|%s|%s|\n", "----------------------------------------------", "------------------", "------------------", "--------------"
	for (i = 1; i <= n; i++) {
		k = keys[i]; r = "-"; b = value(1, k); s = value(2, k)
		if (b ~ /^[0-9.]+$/ && s ~ /^[0-9.]+$/ && b > 0) r = sprintf("%.2f", s / b)
		printf "| %-44s | %-16s | %-16s | %-12s |\n", label(k), cell(1, k), cell(2, k), r
	}
}' "$OUT/bench/base-$arch.txt" "$OUT/bench/series-$arch.txt" | tee "$OUT/bench/table-$arch.md"
