#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Check the kretprobe_openat sample (samples/kprobes/kretprobe_openat.c):
# load it filtered to one command name, run a script of that name that
# opens known files with known flags through shell redirections, and
# check in the kernel log that the sample reported every one of those
# opens with its file name, decoded flags, mode and return value, and
# nothing else; then that the unload summary paired every call, missed
# none and dropped no line.  Then load it filtered to one pid, and check
# that it reports that process's open and not its child's.  The lines
# the sample printed are shown as TAP comments.

MOD=kretprobe_openat
COMM=krs-openat
KSFT_SKIP=4

echo "TAP version 13"

skip_all() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# No sample module is a skip; one that is there but does not load is a
# failure: its init registers the kretprobe.
bail_out() {
	echo "Bail out! $*"
	exit 1
}

[ "$(id -u)" = 0 ] || skip_all "must be run as root"
! grep -q "^$MOD " /proc/modules || skip_all "$MOD is loaded already"
W=$(mktemp -d /tmp/krs.XXXXXX) || skip_all "cannot create a directory in /tmp"
trap 'rmmod "$MOD" 2>/dev/null; rm -rf "$W"' EXIT

# The workload: every open(2) here is made by the shell running this
# script, whose command name is $COMM.  One line per open, in order:
# "RESULT PATH FLAGS", RESULT being "fd" or an errno name.  First the
# shell opens the script itself to read it.
echo data >"$W/in"
mkdir "$W/dir"
cat >"$W/expected" <<EOF
fd $W/$COMM O_RDONLY|O_CLOEXEC
fd $W/in O_RDONLY
fd $W/out O_WRONLY|O_CREAT|O_TRUNC, 0666
fd $W/out O_WRONLY|O_CREAT|O_APPEND, 0666
fd $W/rw O_RDWR|O_CREAT, 0666
fd $W/new O_WRONLY|O_CREAT|O_EXCL, 0666
ENOENT $W/missing O_RDONLY
EISDIR $W/dir O_WRONLY|O_CREAT|O_TRUNC, 0666
ENOTDIR $W/in/x O_RDONLY
EOF
cat >"$W/$COMM" <<EOF
#!/bin/sh
true <"$W/in"
true >"$W/out"
true >>"$W/out"
true <>"$W/rw"
set -C
true >"$W/new"
set +C
true <"$W/missing"
true >"$W/dir"
true <"$W/in/x"
exit 0
EOF
chmod +x "$W/$COMM"

# Kernel log lines of the module since mark_log, which writes a canary to
# /dev/kmsg (as the livepatch selftests do): counting lines would go wrong
# once the ring buffer wraps.  A canary gone from the buffer is no lines.
marks=0
mark_log() {
	marks=$((marks + 1))
	canary="krs-canary $$ $(date +%s) $marks"
	echo "$canary" >/dev/kmsg
}
log() { dmesg | sed -n "/$canary\$/,\$s/.*$MOD: //p"; }

load() { # load PARAM...
	modprobe -q "$MOD" "$@" 2>/dev/null || insmod "$ko" "$@"
}

ko=$(find "/lib/modules/$(uname -r)" -name "$MOD.ko*" 2>/dev/null | head -n 1)
[ -n "$ko" ] ||
	skip_all "no $MOD module (CONFIG_SAMPLE_KRETPROBE_OPENAT=m, modules_install)"
mark_log
load comm="$COMM" || bail_out "cannot load $MOD"

nexp=$(grep -c . "$W/expected")
echo "1..$((nexp + 4))"
n=0
failed=0
ok() { # ok CONDITION-RESULT DESCRIPTION [REASON]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		echo "# $3"
		failed=$((failed + 1))
	fi
}

"$W/$COMM" 2>/dev/null &
wpid=$!
wait $wpid
rmmod "$MOD"
log >"$W/log"
grep "^pid $wpid ($COMM) openat(" "$W/log" >"$W/lines"

# ERE for a fixed string
quote() { printf '%s' "$1" | sed 's/[][\\.|()*+?{}^$]/\\&/g'; }

errnum() { # the errno values, for a kernel without CONFIG_SYMBOLIC_ERRNAME
	case $1 in
	ENOENT) echo 2 ;;
	ENOTDIR) echo 20 ;;
	EISDIR) echo 21 ;;
	esac
}

# Line k of the workload is the sample's line k for that pid.
k=0
while read -r result path flags; do
	k=$((k + 1))
	case $result in
	fd) ret='[0-9]+' ;;
	*) ret="(-$result|-$(errnum "$result"))" ;;
	esac
	re="^pid $wpid $(quote "($COMM)") openat$(quote "(AT_FDCWD, \"$path\", $flags)")"
	re="$re = $ret in [0-9]+ ns, cpu [0-9]+->[0-9]+\$"
	line=$(sed -n "${k}p" "$W/lines")
	echo "$line" | grep -Eq "$re"
	ok $? "open $path $flags = $result" "expected: $re; got: ${line:-nothing}"
done <"$W/expected"

got=$(grep -c . "$W/lines")
[ "$got" = "$nexp" ]
ok $? "one line for each of the $nexp opens" "$got lines for pid $wpid"

# Every call of $COMM was paired, none missed, no line rate-limited away.
summary=$(grep ' calls paired, ' "$W/log")
re="^do_sys_openat2: $nexp calls paired, 0 missed \\(no free instance\\), "
re="$re[0-9]+ skipped by the filter, 0 lines not printed \\(rate limit\\)\$"
echo "$summary" | grep -Eq "$re"
ok $? "unload: $nexp calls paired, 0 missed, 0 lines dropped" "summary: ${summary:-none}"

# pid=: the calls of one process only, not those of its children.  The
# shell waits for a file without opening anything, opens one file, and
# runs cat (another process) on the same file.
sh -c "while [ ! -e '$W/go' ]; do sleep 0.1; done; true <'$W/in'; cat '$W/in'; true" \
	>/dev/null &
cpid=$!
mark_log
if load pid=$cpid; then
	: >"$W/go"
	wait $cpid
	rmmod "$MOD"
	log >"$W/log2"
	lines=$(grep -c ' openat(' "$W/log2")
	re="^pid $cpid $(quote "(sh) openat(AT_FDCWD, \"$W/in\", O_RDONLY)") = [0-9]+ "
	[ "$lines" = 1 ] && grep ' openat(' "$W/log2" | grep -Eq "$re"
	ok $? "pid=: one line, the process's own open" \
		"$lines lines: $(grep ' openat(' "$W/log2" | tr '\n' ';')"
	grep -q ' 1 calls paired, 0 missed ' "$W/log2"
	ok $? "pid=: unload: 1 call paired, 0 missed" \
		"summary: $(grep ' calls paired, ' "$W/log2")"
else
	: >"$W/go"
	wait $cpid
	ok 1 "pid=: one line, the process's own open" "cannot load $MOD pid=$cpid"
	ok 1 "pid=: unload: 1 call paired, 0 missed" "cannot load $MOD pid=$cpid"
fi

sed 's/^/# /' "$W/log" "$W/log2" 2>/dev/null
echo "# Totals: pass:$((n - failed)) fail:$failed xfail:0 xpass:0 skip:0 error:0"
[ "$failed" = 0 ]
