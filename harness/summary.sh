#!/bin/sh
# summary.sh FILE...: check and count the TAP result files of a run, print
# the failures, the skips with their reasons, and the closing line
# "N passed, N failed, N skipped"; exit non-zero on any failure.  A file
# that is missing, has no plan, or has not the points its plan announced
# (a stage that stopped early) is one failure more, and so is a plan of
# 1..0: every result file of the harness has points (results.sh emits a
# suite that harness/expected lets skip as a whole as an "ok ... # SKIP"
# point, and always the boot's and the log's), so no point means that what
# wrote it found nothing to read, or failed.  XFAIL and TODO points
# are counted as skipped, never as passed (results.sh already failed them
# in the series' own suites).
set -eu
for f in "$@"; do
	if [ -f "$f" ]; then
		# OUT's name too: the backport's results have the same names.
		o=${f%/results/*}
		awk -v f="${o##*/}/${f##*/}" '
		/^1\.\.[0-9]+/ && plan == "" { plan = substr($1, 4) + 0; next }
		/^(not )?ok [0-9]+/ {
			n++
			d = toupper($0)
			if (($0 ~ /^ok/ && d ~ / # *(SKIP|XFAIL)/) ||
			    ($0 ~ /^not ok/ && d ~ / # *TODO/))
				print "SKIPPED: " f ": " $0
			else if ($0 ~ /^ok/)
				print "PASSED"
			else
				print "FAILED: " f ": " $0
		}
		END {
			if (plan == "")
				print "FAILED: " f ": no plan line (1..N)"
			else if (plan == 0)
				print "FAILED: " f ": its plan is 1..0, no point (did what wrote it fail?)"
			else if (n != plan)
				print "FAILED: " f ": " n + 0 " points, its plan announced " plan \
					" (a stage stopped early?)"
		}' "$f"
	else
		echo "FAILED: ${f##*/}: missing (its stage did not run to its end)"
	fi
done | awk '
/^PASSED/ { pass++; next }
/^SKIPPED: / { skip++; print; next }
/^FAILED: / { fail++; print; next }
END {
	if (pass + fail == 0) { print "FAILED: no test ran"; fail = 1 }
	printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
	exit fail != 0
}'
