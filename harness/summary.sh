#!/bin/sh
# summary.sh FILE...: count the TAP lines of result files and print the
# closing line "N passed, N failed, N skipped"; exit non-zero on a failure.
set -eu
awk '
/^ok .*# *SKIP/ { skip++; next }
/^ok / { pass++; next }
/^not ok / { fail++; print "FAILED: " substr($0, 8) }
END {
	if (pass + fail == 0) { print "FAILED: no test ran"; fail = 1 }
	printf "%d passed, %d failed, %d skipped\n", pass, fail, skip
	exit fail != 0
}' "$@"
