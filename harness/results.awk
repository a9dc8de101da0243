# results.awk: the test points of one boot, as "ok - ..." and "not ok - ..."
# lines with "# ..." diagnostics (results.sh numbers them).  Reads three
# files in this order: harness/expected, the console (the kselftest
# runner's TAP between the KR-HARNESS markers), the kernel log (KUnit's
# KTAP and any report).  Variables: label (names the boot), key
# (VARIANT-ARCH), variant, ktargets (the kselftest collections built),
# chosen (the tests RUN_ARGS chose: "collection:test" or "collection";
# empty for all), krt_cases and krt_repeat (KRT_CASES, KRT_REPEAT), qrc
# (QEMU's exit status), secs, limit.

BEGIN {
	report_re = "WARNING:|BUG:|Oops|Kernel panic|kernel BUG|general protection|" \
		"Call Trace:|DEBUG_LOCKS_WARN_ON|turning off the locking correctness validator|" \
		"possible (recursive|circular) locking|inconsistent lock state|" \
		"suspicious RCU usage|rcu: INFO|self-detected stall|KASAN:|KFENCE:|UBSAN:|" \
		"blocked for more than|unreferenced object 0x|suspected memory leak"
}

# WHERE is a comma-separated list of globs made of [A-Za-z0-9_-] and *.
function where_matches(where, s,   n, g, i, re) {
	n = split(where, g, ",")
	for (i = 1; i <= n; i++) {
		re = g[i]
		gsub(/\*/, ".*", re)
		if (s ~ ("^" re "$"))
			return 1
	}
	return 0
}

function out(ok, text) { print (ok ? "ok" : "not ok") " - " label ": " text }

# A point that did not pass without failing: SKIP, XFAIL or TODO (NAME "*":
# the whole suite).  In the series' own suites, on the patched kernel, it
# fails unless harness/expected allows that skip; elsewhere it is counted
# as skipped, with its reason.
function not_run(suite, name, what, reason,   k, where) {
	k = suite SUBSEP name
	where = suite (name == "*" ? " (the whole suite)" : ": " name)
	if (owner[suite] == "series" && variant !~ /^base/ && !(k in allow)) {
		out(0, where ": " what (reason == "" ? "" : " (" reason ")") \
			" on the patched kernel; harness/expected allows no such skip")
		return
	}
	if (reason == "")
		reason = (k in allow) ? allow[k] : "(no reason given)"
	out(1, where " # SKIP " (what == "SKIP" ? "" : what ": ") reason)
}

# One test point of SUITE: LINE is "ok 3 name # DIRECTIVE reason".
function point(suite, line,   ok, i, d, what) {
	ok = (line ~ /^ok /)
	sub(/^(not )?ok [0-9]+/, "", line)
	npoints[suite]++
	d = ""
	i = index(line, " #")
	if (i > 0) {
		d = substr(line, i + 2)
		line = substr(line, 1, i - 1)
	}
	sub(/^ (- )?/, "", line)
	sub(/^ +/, "", d)
	what = toupper(d)
	sub(/[^A-Z].*/, "", what)
	if (what ~ /^SKIP/ || what == "XFAIL" || what == "TODO") {
		sub(/^[^ ]* */, "", d)
		not_run(suite, line, (what ~ /^SKIP/ ? "SKIP" : what), d)
	} else {
		out(ok, suite ": " line)
	}
}

function started(suite) {
	if (!(suite in ran))
		ran_order[++nran] = suite
	ran[suite] = 1
}

# A kernel report: keep the first one, and what follows it, to show.
function check_report(text, src) {
	if (report[src] == "" && text ~ report_re) {
		report[src] = text
		shown[src] = 0
	} else if (report[src] != "" && shown[src] < 20) {
		context[src] = context[src] "\n# " text
		shown[src]++
	}
}

FILENAME == ARGV[1] && $1 == "suite" && where_matches($2, key) {
	if (!($3 in owner))
		order[++nexp] = $3
	owner[$3] = $4
	points[$3] = $5
	next
}
FILENAME == ARGV[1] && $1 == "skip" && where_matches($2, key) {
	r = $0
	sub(/^skip[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", r)
	allow[$3 SUBSEP $4] = r
	next
}
FILENAME == ARGV[1] { next }

# The console: kernel errors (printed there directly) and the runner's TAP.
FILENAME == ARGV[2] {
	if ($0 ~ /^\[ *[0-9]+\.[0-9]+\] /) {
		check_report($0, "console")
		if ($0 ~ /Kernel panic|Oops|BUG:/ && why == "")
			why = $0
		next
	}
	if ($0 ~ /^KR-HARNESS: TAP BEGIN/) { intap = 1; next }
	if ($0 ~ /^KR-HARNESS: TAP END/) { intap = 0; tapend = 1; next }
	if (!intap)
		next
	if ($0 ~ /^# selftests: [^ ]+: [^ ]+$/) {
		cur = $3 $4
		started(cur)
		next
	}
	if (cur != "" && !(cur in plan) && $0 ~ /^# 1\.\.[0-9]+/) {
		plan[cur] = substr($2, 4) + 0
		if (toupper($0) ~ /# SKIP/) {
			wholeskip[cur] = $0
			sub(/^# 1\.\.0 # [Ss][Kk][Ii][Pp][A-Za-z]* */, "", wholeskip[cur])
		}
		next
	}
	if (cur != "" && $0 ~ /^# (not )?ok [0-9]+/) {
		point(cur, substr($0, 3))
		next
	}
	if ($0 ~ /^(not )?ok [0-9]+ selftests: [^ ]+: [^ ]+/) {
		s = $0
		sub(/^(not )?ok [0-9]+ selftests: /, "", s)
		split(s, w, " ")
		name = w[1] w[2]
		started(name)
		i = index(s, " # ")
		runner[name] = ($1 == "ok" ? "ok" : "not ok") (i ? substr(s, i) : "")
		cur = ""
	}
	next
}

# The kernel log, as /proc/kmsg gives it: "<level>[seconds] text".
{
	t = $0
	sub(/^<[0-9]+>/, "", t)
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "", t)
	nlog++
	if (t ~ /^KR-HARNESS: LOG END/) {
		logend = 1
		next
	}
	check_report(t, "kmsg")
	if (t ~ /Kernel panic|Oops|BUG:/ && why == "")
		why = t
	if (t ~ /^    # Subtest: /) {
		ksuite = "kunit:" substr(t, 16)
		started(ksuite)
		next
	}
	if (ksuite != "" && !(ksuite in plan) && t ~ /^    1\.\.[0-9]+/) {
		plan[ksuite] = substr(t, 8) + 0
		next
	}
	if (ksuite != "" && t ~ /^    (not )?ok [0-9]+/) {
		point(ksuite, substr(t, 5))
		next
	}
	if (ksuite != "" && t ~ /^(not )?ok [0-9]+ /) {
		i = index(t, " # ")
		runner[ksuite] = (t ~ /^ok/ ? "ok" : "not ok") (i ? substr(t, i) : "")
		ksuite = ""
	}
}

function expected(suite,   c, n, w, i) {
	if (suite ~ /^kunit:/)
		return 1
	c = suite
	sub(/:.*/, "", c)
	if (index(" " ktargets " ", " " c " ") == 0)
		return 0
	if (chosen == "")
		return 1
	n = split(chosen, w, " ")
	for (i = 1; i <= n; i++)
		if (w[i] == c || w[i] == suite)
			return 1
	return 0
}

# The plan test_kretprobe.sh announces for KRT_CASES and KRT_REPEAT: each
# chosen case once a round, unload_in_flight (the last of all) once.
function krt_plan(all,   n, w, i, other, once) {
	if (krt_cases == "") {
		other = all - 1
		once = 1
	} else {
		n = split(krt_cases, w, " ")
		for (i = 1; i <= n; i++)
			if (w[i] == "unload_in_flight")
				once = 1
			else
				other++
	}
	return other * (krt_repeat > 1 ? krt_repeat : 1) + once
}

# One point per expected suite: it reported, all the points its plan
# announced, the plan that harness/expected gives, and the runner saw it
# exit 0 (no TIMEOUT, no exit=N).
function check_suite(s,   want, bad, r) {
	want = points[s]
	if (s == "kprobes:test_kretprobe.sh" && (krt_cases != "" || krt_repeat > 1))
		want = krt_plan(want)
	if (!(s in ran)) {
		out(0, s ": did not report (" want " points expected)")
		return
	}
	r = runner[s]
	if ((s in wholeskip) || r ~ /^ok # [Ss][Kk][Ii][Pp]/) {
		not_run(s, "*", "SKIP", wholeskip[s])
		return
	}
	if (!(s in plan))
		bad = bad "; no plan line"
	else if (plan[s] != want)
		bad = bad "; its plan announced " plan[s] " points, harness/expected says " want
	if (npoints[s] != plan[s])
		bad = bad "; " npoints[s] + 0 " points of the " plan[s] + 0 " announced"
	if (r == "")
		bad = bad "; the runner did not report its end (did the guest stop?)"
	else if (r ~ /TIMEOUT/)
		bad = bad "; timed out: " substr(r, index(r, "TIMEOUT"))
	else if (r != "ok")
		bad = bad "; runner: " r
	if (bad == "")
		out(1, s ": " want " of " want " points reported, exit 0")
	else
		out(0, s ":" substr(bad, 2))
}

END {
	for (i = 1; i <= nexp; i++)
		if (expected(order[i]))
			check_suite(order[i])
	for (i = 1; i <= nran; i++)
		if (!(ran_order[i] in owner) || !expected(ran_order[i]))
			out(0, ran_order[i] ": ran, but harness/expected does not expect it here")

	if (tapend && qrc == 0 && logend)
		out(1, "guest ran the tests and powered off in " secs " s")
	else if (qrc == 124 || qrc == 137)
		out(0, "guest did not finish within " limit " s (hung?)")
	else if (tapend && qrc == 0)
		out(0, "the kernel log stopped before its last line")
	else
		out(0, "guest stopped before the tests finished: " \
			(why != "" ? why : "QEMU exit " qrc))

	src = report["kmsg"] != "" ? "kmsg" : "console"
	if (nlog == 0 && report[src] == "") {
		out(0, "no kernel log came from the guest")
	} else if (report[src] == "") {
		out(1, "kernel log (" nlog + 0 " lines) has no warning, BUG, lockdep, RCU, " \
			"KASAN, KFENCE or kmemleak report")
	} else {
		out(0, "kernel log reports: " report[src])
		print "# " report[src] context[src]
	}
}
