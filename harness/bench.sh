#!/bin/sh
# bench.sh: build the unpatched base and the series for ARCH (x86_64 by
# default) with the same configuration, boot each with bench/guest.sh and
# the bench/kretprobe_bench.ko module built for it, and print one table:
# base, series, series/base.  Raw results: $OUT/bench/VARIANT-ARCH.txt.
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
arch_vars "$arch"
mkdir -p "$OUT/bench"

# bench_variant VARIANT: build, boot, keep the KR-BENCH lines.
bench_variant() {
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
	say "==> bench-$v-$arch: booting (takes a few minutes under TCG)"
	GUEST_CMD='sh /kselftest/bench/guest.sh' BOOT_TIMEOUT=${BOOT_TIMEOUT:-1500} \
		sh "$TOP/harness/boot.sh" "$arch" "$v" >"$LOGS/bench-boot-$v-$arch.log" 2>&1 || true
	grep '^KR-BENCH ' "$OUT/run/$v-$arch/console.txt" | sed 's/^KR-BENCH //' \
		>"$OUT/bench/$v-$arch.txt"
	grep -qx end "$OUT/bench/$v-$arch.txt" ||
		die "$v $arch: the benchmark did not finish (console: $OUT/run/$v-$arch/console.txt)"
}

bench_variant base
bench_variant series
. "$OUT/base.env"

awk -v arch="$arch" -v base="$BASE_VERSION" -v date="$(date -u +%Y-%m-%d)" '
FNR == 1 { v++ }
$1 == "kernel" { cpus = $NF }
$1 == "cost" { key = "cost " $2 " " $3; val[v, key] = $4; lo[v, key] = $5; hi[v, key] = $6
	if (!(key in seen)) { seen[key] = 1; keys[++n] = key } }
$1 == "capacity" { key = "capacity " $2; val[v, key] = ($4 > 0) ? $3 - $4 : ">=" $3
	if (!(key in seen)) { seen[key] = 1; keys[++n] = key } }
$1 == "memory" { key = "memory " $2 " " $3; val[v, key] = $4
	if (!(key in seen)) { seen[key] = 1; keys[++n] = key } }
function label(k,  f) {
	split(k, f, " ")
	if (f[1] == "cost") return sprintf("ns/call %s, %s task%s", f[2], f[3], f[3] > 1 ? "s (1/CPU)" : "")
	if (f[1] == "capacity") return sprintf("calls in flight, 0 missed (of %s)", f[2])
	if (f[2] == "probes") return sprintf("kB for %s kretprobe%s", f[3], f[3] > 1 ? "s" : "")
	return sprintf("kB for %s more tasks", f[3])
}
function cell(w, k) {
	if (!((w, k) in val)) return "-"
	if (val[w, k] == "n/a") return "n/a"
	if ((w, k) in lo) return sprintf("%s (%s-%s)", val[w, k], lo[w, k], hi[w, k])
	return val[w, k]
}
END {
	printf "kretprobe benchmark, %s, Linux %s, %s, QEMU TCG %s vCPUs\n", date, base, arch, cpus
	printf "(TCG timings are not hardware timings: compare the ratios.  ns/call: median (min-max) of 7 rounds.)\n\n"
	printf "| %-44s | %-16s | %-16s | %-12s |\n", "", "base", "series", "series/base"
	printf "|%s|%s|%s|%s|\n", "----------------------------------------------", "------------------", "------------------", "--------------"
	for (i = 1; i <= n; i++) {
		k = keys[i]; r = "-"
		if ((1, k) in val && (2, k) in val && val[1, k] + 0 > 0 && val[2, k] ~ /^[0-9]+$/)
			r = sprintf("%.2f", val[2, k] / val[1, k])
		printf "| %-44s | %-16s | %-16s | %-12s |\n", label(k), cell(1, k), cell(2, k), r
	}
}' "$OUT/bench/base-$arch.txt" "$OUT/bench/series-$arch.txt" | tee "$OUT/bench/table-$arch.md"
