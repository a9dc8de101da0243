#!/bin/sh
# bugs.sh ARCH...: each bug that the fix series fix, shown on the
# unpatched base for the ARCHes given, as TAP in $OUT/results/bugs.tap, by
# bounded boots of the base.  A point passes on that bug's own signature
# only; a boot that stops for another reason (QEMU exit, timeout, a
# register failure, the case failing another way) fails, with its reason:
#  - kprobes-unregister (x86_64): one boot per case of the base built with
#    the debug options (KASAN, lockdep, debug objects), running that case
#    of test_kretprobe.sh alone; signature: a report naming rethook_free
#    (KASAN, a general protection fault or BUG there), or debugobjects'
#    ODEBUG report on an rcu_head;
#  - powerpc-r13 (ppc64le): one boot of the ppc64le base running the r13
#    detector (harness/tests/r13), one point per path; signature: calls
#    that found r13 another CPU's PACA (more than 0).
# bugs.sh --lossless: what the feature fixes, on the x86_64 debug base, as
# TAP in $OUT/results/lossless-base.tap: one boot running the lossless
# cases (LOSSLESS_CASES), one point per case, which must fail there by
# missing returns (missed > 0, with the default maxactive).
# The plan is written first: a stop before the last point leaves a short
# file, which summary.sh fails.  The series passes the same cases in its
# own boots.  BUGS_LIB=1: only define the functions (selftest.sh feeds
# them canned boots).
. "$(dirname "$0")/lib.sh"

# The kprobes fix (kprobes-unregister): test_kretprobe.sh cases.
KPROBES_BUG_CASES="unregister_twice unregister_failed"
# The paths of the r13 detector.
R13_PATHS="optprobe ftrace"
# The cases that lose returns with the default maxactive, unpatched.
LOSSLESS_CASES=${LOSSLESS_CASES:-exhaustion deep_recursion burst interrupt_context tracefs_crowd}

# The files boot.sh leaves for the boot NAME (VARIANT-ARCH-LABEL).
tap_of() { echo "$OUT/results/$1.tap"; }
con_of() { echo "$OUT/run/$1/console.txt"; }
kmsg_of() { echo "$OUT/run/$1/kmsg.txt"; }

# stop_reason NAME: why boot NAME stopped, as its result says (the guest
# stopping or timing out, a kernel report), or that it left none.
stop_reason() {
	[ -f "$(tap_of "$1")" ] || { echo "boot.sh left no result"; return; }
	grep -m1 -E '^not ok .*(guest stopped|did not finish|kernel log reports|kernel log stopped|no kernel log)' \
		"$(tap_of "$1")" | sed 's/^not ok [0-9]* - [^:]*: //' || true
}

# case_status CONSOLE CASE: how CASE of test_kretprobe.sh ended: "pass",
# "skip: WHY", "fail: WHY" (its reason line), or nothing (not reported).
case_status() {
	awk -v c="$2" '
	index($0, "# # " c ": fail: ") == 1 && why == "" { why = substr($0, length(c) + 7) }
	/^# (not )?ok [0-9]+ / {
		l = $0
		sub(/^# (not )?ok [0-9]+ /, "", l)
		d = ""
		i = index(l, " # ")
		if (i) { d = substr(l, i + 3); l = substr(l, 1, i - 1) }
		if (l != c || st != "")
			next
		if ($2 != "ok")
			st = "fail"
		else if (toupper(d) ~ /^SKIP/)
			st = "skip: " substr(d, 6)
		else
			st = "pass"
	}
	END {
		if (st == "fail")
			print (why != "" ? why : "fail: (no reason given)")
		else if (st != "")
			print st
	}' "$1" 2>/dev/null || true
}

# case_said STATUS: case_status's word for it, in a sentence.
case_said() {
	case $1 in
	pass) echo passes ;;
	skip:*) echo "is skipped (${1#skip: })" ;;
	fail:*) echo "fails: ${1#fail: }" ;;
	*) echo "did not report" ;;
	esac
}

# rethook_signature CONSOLE KMSG: the first line of either that shows the
# kprobes bugs: a report naming rethook_free (not rethook_free_task: that
# is another bug) on its first line or its RIP line, or the ODEBUG report
# of an rcu_head activated twice.
rethook_signature() {
	sed -E 's/^<[0-9]+>//; s/^\[ *[0-9]+\.[0-9]+\] //' "$1" "$2" 2>/dev/null | awk '
	/ODEBUG: .*object type: rcu_head/ { print; exit }
	/BUG:|general protection fault|Oops|kernel BUG/ {
		if ($0 ~ /rethook_free([^_a-zA-Z0-9]|$)/) { print; exit }
		rep = $0
		n = 0
		next
	}
	rep != "" && ++n <= 40 && /RIP: .*[ :]rethook_free\+/ { print rep " (" $0 ")"; exit }' || true
}

# kprobes_verdict CASE NAME LOG: one point: boot NAME of the debug base
# shows the bug that CASE tests.
kprobes_verdict() {
	sig=$(rethook_signature "$(con_of "$2")" "$(kmsg_of "$2")")
	if [ -n "$sig" ]; then
		echo "ok - the unpatched base fails $1: $sig"
		return
	fi
	stop=$(stop_reason "$2")
	echo "not ok - the unpatched base does not show the bug of $1 (no report naming rethook_free, no ODEBUG report on an rcu_head): $1 $(case_said "$(case_status "$(con_of "$2")" "$1")")${stop:+; $stop} (log: $3)"
}

# r13_verdict PATH NAME LOG: one point: boot NAME of the ppc64le base
# fails the r13 detector on PATH, calls finding r13 another CPU's PACA.
# Rounds that fail another way (a register failure: 0 of 0 calls) are not
# the bug.
r13_verdict() {
	set -- "$@" $(awk -v p="$1" '
		$0 ~ "^# (not )?ok [0-9]+ " p " round [0-9]+$" { if ($2 == "ok") pass++; else fail++ }
		index($0, "# # " p " round ") == 1 && match($0, /: fail: r13 was .* PACA after [0-9]+ of [0-9]+ calls/) {
			n = split(substr($0, RSTART, RLENGTH), w, " ")
			bad += w[n - 3]
			all += w[n - 1]
			if (w[n - 3] > 0)
				foreign++
		}
		END { print pass + 0, fail + 0, bad + 0, all + 0, foreign + 0 }' "$(con_of "$2")" 2>/dev/null ||
		echo 0 0 0 0 0)
	rounds=$(($4 + $5))
	first=$(grep -m1 "^# # $1 round [0-9]*: fail:" "$(con_of "$2")" 2>/dev/null | sed 's/^# # //' || true)
	if [ "$6" -gt 0 ]; then
		echo "ok - the unpatched ppc64le base fails the r13 detector ($1): r13 another CPU's PACA in $8 of $rounds rounds, after $6 of $7 calls"
		echo "# $first"
	else
		stop=$(stop_reason "$2")
		echo "not ok - the unpatched ppc64le base does not show the r13 bug ($1): r13 another CPU's PACA after $6 of $7 calls; $5 of $rounds rounds failed${first:+ ($first)}${stop:+; $stop} (log: $3)"
	fi
}

# loss_of CASE FAILURE KMSG: the returns that CASE's failure line shows
# missed: "N calls: E entries, R returns, M+K missed" (every case but
# tracefs_crowd), "N sleepers: E return events, M missed" (tracefs_crowd);
# interrupt_context checks its IRQ entries first: when they fall short,
# the count is the module's log line for the case.  0: another failure.
loss_of() {
	printf '%s\n' "$2" | awk -v c="$1" -v kmsg="$3" '
	/: [0-9]+ calls: [0-9]+ entries, [0-9]+ returns, [0-9]+\+[0-9]+ missed$/ {
		split($(NF - 1), m, "+")
		lost = m[1] + m[2]
	}
	/^[0-9]+ sleepers: [0-9]+ return events, [0-9]+ missed$/ { lost = $(NF - 1) + 0 }
	c == "interrupt_context" && /^[0-9]+ entries in IRQ context, expected [0-9]+$/ && $1 + 0 < $NF + 0 {
		while ((getline l < kmsg) > 0)
			if (index(l, " interrupt_context: ") && l ~ / [0-9]+ missed$/) {
				n = split(l, w, " ")
				lost = w[n - 1] + 0
			}
	}
	END { print lost + 0 }'
}

# lossless_verdict CASE NAME LOG: one point: boot NAME (VARIANT-ARCH-...)
# of the base loses returns in CASE (it fails there, and by missing some).
lossless_verdict() {
	st=$(case_status "$(con_of "$2")" "$1")
	case $st in
	fail:*) lost=$(loss_of "$1" "${st#fail: }" "$(kmsg_of "$2")") ;;
	*) lost=0 ;;
	esac
	if [ "$lost" -gt 0 ]; then
		echo "ok - the unpatched base ($(echo "$2" | cut -d- -f1,2)) misses $lost returns in $1 (default maxactive): ${st#fail: }"
		return
	fi
	case $st in
	fail:*) why="it fails another way: ${st#fail: }" ;;
	"") why="it did not report: $(stop_reason "$2")" ;;
	*) why="it $(case_said "$st")" ;;
	esac
	echo "not ok - the unpatched base ($(echo "$2" | cut -d- -f1,2)) does not show $1 missing returns: $why (log: $3)"
}

build_base_ppc64le() {
	run_logged build-base-ppc64le sh "$TOP/harness/build.sh" ppc64le base >&2
}

# The kprobes cases and the lossless cases run on this one: the series'
# kprobes tests only, so no networking.
build_basedebug_x86_64() {
	KTARGETS=kprobes run_logged build-basedebug-x86_64 sh "$TOP/harness/build.sh" x86_64 basedebug >&2
}

r13_on_base() {
	if ! build_base_ppc64le; then
		for p in $R13_PATHS; do
			echo "not ok - r13 ($p) on the base: the ppc64le base kernel did not build (log: $LOGS/build-base-ppc64le.log)"
		done
		return
	fi
	LABEL=bug-r13 BOOT_TIMEOUT=300 RUN_ARGS="-t r13:r13_detector.sh" \
		sh "$TOP/harness/boot.sh" ppc64le base >"$LOGS/bug-r13.log" 2>&1 || true
	for p in $R13_PATHS; do
		r13_verdict $p base-ppc64le-bug-r13 "$LOGS/bug-r13.log"
	done
	rm -f "$(tap_of base-ppc64le-bug-r13)"
}

kprobes_on_base() {
	if [ -n "${NO_DEBUG:-}" ]; then
		echo "ok - the kprobes bugs on the base # SKIP NO_DEBUG is set: they need the debug kernel"
		return
	fi
	if ! build_basedebug_x86_64; then
		for c in $KPROBES_BUG_CASES; do
			echo "not ok - $c on the base: the debug base kernel did not build (log: $LOGS/build-basedebug-x86_64.log)"
		done
		return
	fi
	for c in $KPROBES_BUG_CASES; do
		# A report stops the guest at once: the base can go on to
		# hang after it.
		LABEL=bug-$c KRT_CASES=$c KTARGETS=kprobes BOOT_TIMEOUT=300 \
			APPEND="kasan.fault=panic panic_on_warn=1" \
			RUN_ARGS="-t kprobes:test_kretprobe.sh" \
			sh "$TOP/harness/boot.sh" x86_64 basedebug >"$LOGS/bug-$c.log" 2>&1 || true
		kprobes_verdict $c basedebug-x86_64-bug-$c "$LOGS/bug-$c.log"
		rm -f "$(tap_of basedebug-x86_64-bug-$c)"
	done
}

# The lossless cases run on the x86_64 debug base that kprobes_on_base
# builds, not on the ppc64le one: that base has the r13 bug, which a
# kretprobe on a sleeping function hits ("BUG: scheduling while atomic" in
# exhaustion) before the cases can count their misses.
lossless_on_base() {
	if ! build_basedebug_x86_64; then
		for c in $LOSSLESS_CASES; do
			echo "not ok - $c on the base: the x86_64 debug base kernel did not build (log: $LOGS/build-basedebug-x86_64.log)"
		done
		return
	fi
	LABEL=bug-lossless KRT_CASES="$LOSSLESS_CASES" KTARGETS=kprobes BOOT_TIMEOUT=900 \
		RUN_ARGS="-t kprobes:test_kretprobe.sh" \
		sh "$TOP/harness/boot.sh" x86_64 basedebug >"$LOGS/bug-lossless.log" 2>&1 || true
	for c in $LOSSLESS_CASES; do
		lossless_verdict $c basedebug-x86_64-bug-lossless "$LOGS/bug-lossless.log"
	done
	rm -f "$(tap_of basedebug-x86_64-bug-lossless)"
}

# bugs_plan ARCH...: the points bugs_main ARCH... emits.
bugs_plan() {
	n=0
	case " $* " in *" ppc64le "*) n=$((n + $(echo $R13_PATHS | wc -w))) ;; esac
	case " $* " in
	*" x86_64 "*) if [ -n "${NO_DEBUG:-}" ]; then n=$((n + 1))
		      else n=$((n + $(echo $KPROBES_BUG_CASES | wc -w))); fi ;;
	esac
	echo $n
}

# emit FUNCTION...: run it (a die stops here), then add its points to
# $res, numbered after those there.
emit() {
	"$@" >"$res.part"
	sh "$TOP/harness/tap.sh" --append "$res" <"$res.part"
	rm -f "$res.part"
}

bugs_main() {
	mkdir -p "$OUT/results"
	if [ "${1:-}" = --lossless ]; then
		res=$OUT/results/lossless-base.tap
		printf 'TAP version 13\n1..%d\n' "$(echo $LOSSLESS_CASES | wc -w)" >"$res"
		emit lossless_on_base
		return
	fi
	res=$OUT/results/bugs.tap
	printf 'TAP version 13\n1..%d\n' "$(bugs_plan "$@")" >"$res"
	case " $* " in *" ppc64le "*) emit r13_on_base ;; esac
	case " $* " in *" x86_64 "*) emit kprobes_on_base ;; esac
}

if [ -z "${BUGS_LIB:-}" ]; then
	bugs_main "$@"
fi
