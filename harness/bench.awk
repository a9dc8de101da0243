# bench.awk: the table of make bench from the results of each boot of the
# base (first file) and the series (second file): the median over the
# boots of each measure, its range over the rounds, and series/base.
# Variables: arch, base (its version), date, boots, accel (QEMU's
# accelerator: one per table).
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
	printf "kretprobe benchmark, %s, Linux %s, %s, QEMU (%s) %s vCPUs, %s boots of each\n", date, base, arch, accel, cpus, boots
	printf "(QEMU timings are not hardware timings, TCG ones least: compare the ratios.  ns/call: median over the boots of each boot's median of 15 rounds, (lowest-highest round).)\n\n"
	printf "| %-44s | %-16s | %-16s | %-12s |\n", "", "base", "series", "series/base"
	printf "|%s|%s|%s|%s|\n", "----------------------------------------------", "------------------", "------------------", "--------------"
	for (i = 1; i <= n; i++) {
		k = keys[i]; r = "-"; b = value(1, k); s = value(2, k)
		if (b ~ /^[0-9.]+$/ && s ~ /^[0-9.]+$/ && b > 0) r = sprintf("%.2f", s / b)
		printf "| %-44s | %-16s | %-16s | %-12s |\n", label(k), cell(1, k), cell(2, k), r
	}
}
