#!/bin/sh
# send.sh: print, for each series in the order it applies, the git
# send-email command that sends it (To/Cc come from the headers export
# wrote, from get_maintainer.pl); sends nothing.
. "$(dirname "$0")/lib.sh"

say "# Each series is a thread of its own, cover letter first; add --dry-run to see"
say "# what would be sent.  Check the To/Cc lists (get_maintainer.pl's) first."
for d in $(series_dirs); do
	set -- "$d"/*.patch
	[ -f "$1" ] || die "no patches in $d: make export first"
	say "git send-email --to-cover --cc-cover --thread --no-chain-reply-to \\"
	say "	--suppress-cc=self ${d#$TOP/}/*.patch"
done
