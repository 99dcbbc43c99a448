#!/bin/sh
# Replays every reproducer in captures/regress/ through ikecap-asan (ASan +
# UBSan) and checks that it exits as expected with no sanitizer report.
#   NAME.pcap / NAME.pcapng   read with -v -x and with -T json; with -k NAME.keys
#                             when that file exists (decryption-path findings)
#   NAME.keyfile              a key file: loaded with -k against the lab capture
#                             captures/lab/mm-psk-aes128-sha1-g2.pcap
#   NAME.exit                 the expected exit status when it is not 0 (one
#                             number; e.g. 1 for a capture cut mid-record or a
#                             key file ikecap must refuse)
# Each file is named after its bug; captures/regress/README.md says which.
# Usage: sh tests/regress.sh [IKECAP]   (default ./ikecap-asan)
set -u
cd "$(dirname "$0")/.."
ikecap=${1:-./ikecap-asan}
export TZ=UTC LC_ALL=C
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
dir=captures/regress
log=$(mktemp)
trap 'rm -f "$log"' EXIT
pass=0 fail=0

if [ ! -x "$ikecap" ]; then
	echo "regress: $ikecap not built (make ikecap-asan)" >&2
	exit 1
fi

expected() {
	if [ -f "$1.exit" ]; then tr -dc 0-9 < "$1.exit"; else echo 0; fi
}

check() { # name expected-exit command...
	name=$1 want=$2
	shift 2
	"$@" >/dev/null 2>"$log"
	rc=$?
	if [ "$rc" != "$want" ] || grep -q -E 'Sanitizer|runtime error' "$log"; then
		echo "FAIL: $name: $* (exit $rc, want $want)"
		sed 's/^/    /' "$log" | head -20
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

for f in "$dir"/*.pcap "$dir"/*.pcapng; do
	[ -f "$f" ] || continue
	base=${f%.*}
	want=$(expected "$base")
	if [ -f "$base.keys" ]; then
		set -- -k "$base.keys"
	else
		set --
	fi
	check "$f" "$want" "$ikecap" --no-progress -v -x "$@" -r "$f"
	check "$f" "$want" "$ikecap" --no-progress -T json "$@" -r "$f"
done
for f in "$dir"/*.keyfile; do
	[ -f "$f" ] || continue
	want=$(expected "${f%.keyfile}")
	check "$f" "$want" "$ikecap" --no-progress -k "$f" -r captures/lab/mm-psk-aes128-sha1-g2.pcap
done
echo "regress: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
