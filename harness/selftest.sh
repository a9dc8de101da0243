#!/bin/sh
# The harness's own tests: feed results.sh consoles of a passing run, a
# failing kselftest, a panic, a hang and a silent guest, and check that only
# the first passes.  TAP lines on stdout.
set -eu
h=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tap_ok='KR-HARNESS: TAP BEGIN
TAP version 13
1..1
# selftests: kprobes: test_kretprobe.sh
# TAP version 13
# 1..2
# ok 1 pairing
# ok 2 return_value
ok 1 selftests: kprobes: test_kretprobe.sh
KR-HARNESS: TAP END rc=0
KR-HARNESS: DMESG BEGIN
[    1.000000] Linux version 6.12.0
KR-HARNESS: DMESG END'

# expect NAME QEMU_EXIT PASSES FAILS PATTERN: run results.sh on
# $tmp/console and check the counts and that a line matches PATTERN.
expect() {
	sh "$h/results.sh" x86_64 "$tmp/console" "$2" 5 60 >"$tmp/out"
	p=$(grep -c '^ok ' "$tmp/out" || true)
	f=$(grep -c '^not ok ' "$tmp/out" || true)
	if [ "$p" = "$3" ] && [ "$f" = "$4" ] && grep -q -- "$5" "$tmp/out"; then
		echo "ok - harness: $1"
	else
		echo "not ok - harness: $1 (got $p passed, $f failed)"
		sed 's/^/# /' "$tmp/out"
	fi
}

echo "$tap_ok" >"$tmp/console"
expect "a clean run passes" 0 4 0 'ok - x86_64: kprobes/test_kretprobe.sh: pairing'

echo "$tap_ok" | sed 's/^# ok 2 return_value/# not ok 2 return_value/;
	s/^ok 1 selftests/not ok 1 selftests/' >"$tmp/console"
expect "a failing kselftest fails and is named" 0 3 1 'not ok - x86_64: .*return_value'

echo "$tap_ok" | sed 's/^ok 1 selftests/not ok 1 selftests/' >"$tmp/console"
expect "a script failing after its test points fails" 0 4 1 'script failed'

printf '%s\n' 'KR-HARNESS: TAP BEGIN' \
	'[    2.000000] Kernel panic - not syncing: sysrq triggered crash' >"$tmp/console"
expect "a panic fails the boot and the kernel log" 0 0 3 'guest stopped.*Kernel panic'

echo "$tap_ok" | sed '/TAP END/,$d' >"$tmp/console"
expect "a hung guest fails within its limit" 124 3 1 'did not finish within 60 s'

: >"$tmp/console"
expect "a silent guest fails" 1 1 2 'no kselftest result'

echo "$tap_ok" | sed 's/^\[    1.000000\] Linux.*/[    1.5] WARNING: CPU: 0 PID: 1 at kernel\/kprobes.c:1 x/' \
	>"$tmp/console"
expect "a kernel warning fails the run" 0 3 1 'kernel log reports: .*WARNING'

# apply.sh on a small stand-in base: a patch whose context no longer
# matches must stop the apply and be named.
mkbase() {
	git init -q "$tmp/base"
	printf 'one\ntwo\nthree\n' >"$tmp/base/file"
	git -C "$tmp/base" add file
	git -C "$tmp/base" -c user.name=t -c user.email=t@t commit -qm base
	mkdir -p "$tmp/o" "$tmp/patches"
	cat >"$tmp/o/base.env" <<-EOF
	BASE_REPO='$tmp/base'
	BASE_COMMIT='$(git -C "$tmp/base" rev-parse HEAD)'
	BASE_VERSION='stand-in'
	EOF
	git clone -q "$tmp/base" "$tmp/work"
	sed -i 's/two/TWO/' "$tmp/work/file"
	git -C "$tmp/work" -c user.name=t -c user.email=t@t commit -qam change
	git -C "$tmp/work" format-patch -q -o "$tmp/patches" HEAD~1
}
mkbase
if OUT=$tmp/o PATCHES=$tmp/patches sh "$h/apply.sh" >"$tmp/o/log" 2>&1; then
	echo "ok - harness: a good patch applies"
else
	echo "not ok - harness: a good patch applies"
	sed 's/^/# /' "$tmp/o/log"
fi
sed -i 's/^ three/ THREE/' "$tmp/patches/0001-change.patch"
mv "$tmp/patches/0001-change.patch" "$tmp/patches/0001-broken.patch"
if OUT=$tmp/o PATCHES=$tmp/patches sh "$h/apply.sh" >"$tmp/o/log" 2>&1; then
	echo "not ok - harness: a patch with a changed context line stops apply"
elif grep -q 'patch 0001-broken.patch does not apply' "$tmp/o/log"; then
	echo "ok - harness: a patch with a changed context line stops apply, named"
else
	echo "not ok - harness: apply failed without naming the patch"
	sed 's/^/# /' "$tmp/o/log"
fi

# KUnit KTAP in the kernel log: one point per case; a missing suite fails.
cat >"$tmp/console" <<'EOF2'
KR-HARNESS: TAP BEGIN
KR-HARNESS: TAP END rc=0
KR-HARNESS: DMESG BEGIN
[    1.100000]     KTAP version 1
[    1.100000]     # Subtest: kprobes_test
[    1.100000]     1..2
[    1.200000]     ok 1 test_kprobe
[    1.300000]     not ok 2 test_kretprobe
[    1.400000] not ok 1 kprobes_test
KR-HARNESS: DMESG END
EOF2
EXPECT_KUNIT="kprobes_test other_suite" \
	expect "KUnit cases are counted, a missing suite fails" 0 3 2 'not ok - x86_64: kunit/kprobes_test: test_kretprobe'

# A KSRC that is not the series' base line is refused, with what is
# expected; ANY_VERSION=1 takes it anyway (a 7.3-rc, say).
mkdir -p "$tmp/k73"
printf 'VERSION = 7\nPATCHLEVEL = 3\nSUBLEVEL = 0\nEXTRAVERSION = -rc7\n' >"$tmp/k73/Makefile"
if env -u ANY_VERSION KSRC=$tmp/k73 OUT=$tmp/o73 KR_CACHE=$tmp/c BASE=7.2 \
	sh "$h/base.sh" >"$tmp/log73" 2>&1; then
	echo "not ok - harness: a 7.3-rc KSRC was taken for 7.2.y"
elif ! grep -q 'is Linux 7.3.0-rc7; the series is for 7.2.y' "$tmp/log73"; then
	echo "not ok - harness: a 7.3-rc KSRC was refused without saying why"
	sed 's/^/# /' "$tmp/log73"
elif ! KSRC=$tmp/k73 OUT=$tmp/o73 KR_CACHE=$tmp/c BASE=7.2 ANY_VERSION=1 \
	sh "$h/base.sh" >"$tmp/log73" 2>&1; then
	echo "not ok - harness: ANY_VERSION=1 did not take a 7.3-rc KSRC"
	sed 's/^/# /' "$tmp/log73"
else
	echo "ok - harness: a KSRC of another version is refused, and taken with ANY_VERSION=1"
fi
