#!/bin/sh
# ci-timing.sh [COMMIT]: time the test command as CI runs it, cold: a fresh
# clone of COMMIT (default HEAD) in a new directory, an empty KR_CACHE (no
# base tree, no ccache, no busybox), then .ci/run (apt-get update, make
# deps, make check).  Prints a table of the stages in the order they ran,
# from the run's $OUT/logs/times.txt, the total and .ci/run's exit status,
# with the date, nproc and the CPU, so that a reader can scale it: the
# i386 build is a kernel build from an empty ccache on this machine.
# Packages already installed are not removed: make deps' time is what it
# took here (the README gives it on a bare machine too).  Runs as root, as
# CI does (apt-get).
# CI_TIMING_DIR= chooses the directory (default /tmp/ci-timing.PID); the
# machine should be otherwise idle.
. "$(dirname "$0")/lib.sh"

commit=$(git -C "$TOP" rev-parse "${1:-HEAD}")
dir=${CI_TIMING_DIR:-/tmp/ci-timing.$$}
[ ! -e "$dir" ] || die "$dir exists: CI_TIMING_DIR= a new directory"
mkdir -p "$dir/cache"
git clone -q "$TOP" "$dir/repo"
git -C "$dir/repo" checkout -q "$commit"
say "ci-timing: $(git -C "$dir/repo" log -1 --format='%h %s'), in $dir (KR_CACHE empty)"

t0=$(now)
rc=0
# CI's environment, not the caller's: no harness variable (KR_ARCH, NO_*,
# BASE, ...) may change what is timed.
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
	KR_CACHE="$dir/cache" sh "$dir/repo/.ci/run" >"$dir/ci.log" 2>&1 || rc=$?
total=$(($(now) - t0))

times=$dir/repo/out/logs/times.txt
{
	echo "Cold .ci/run of $(git -C "$dir/repo" log -1 --format='%h') on $(date -u '+%Y-%m-%d %H:%M UTC'):" \
		"$(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sort -u | head -n 1))," \
		"KR_CACHE empty; log: $dir/ci.log"
	echo
	echo "| stage | seconds | minutes |"
	echo "|---|---:|---:|"
	# .ci/run's own steps, with make check's stages under its line.
	sed -n 's/^ci-step //p' "$dir/ci.log" | while read -r name secs; do
		printf '| %s | %d | %.1f |\n' "$name" "$secs" "$(echo "$secs" | awk '{ print $1 / 60 }')"
		[ "$name" = make-check ] && [ -f "$times" ] || continue
		awk '{ printf "| &nbsp;&nbsp;%s | %d | %.1f |\n", $1, $2, $2 / 60; s += $2 }
			END { printf "| &nbsp;&nbsp;(not in a stage: results, summary) | %d | %.1f |\n",
				C - s, (C - s) / 60 }' C="$secs" "$times"
	done
	printf '| **total** | **%d** | **%.1f** |\n' "$total" "$(echo "$total" | awk '{ print $1 / 60 }')"
	echo
	echo "exit $rc; $(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/ci.log" | tail -n 1)"
} | tee "$dir/timing.md"
exit $rc
