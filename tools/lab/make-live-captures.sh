#!/usr/bin/env bash
# make-live-captures.sh - (re)make captures/live/ from the lab scenarios.
#
#   tools/lab/make-live-captures.sh [SCENARIO...]     (root; default: all)
#
# Runs tools/lab/netns-lab.sh for each scenario and copies the results to
# captures/live/NAME.pcap, NAME.keys, NAME.log-secrets.txt.  The full charon
# logs and configs stay in the work directory it prints.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/ikc-lab.XXXXXX)
dest=$top/captures/live
mkdir -p "$dest"
if [ $# -eq 0 ]; then
	set --
	for d in "$here"/scenarios/*/; do d=${d%/}; set -- "$@" "${d##*/}"; done
fi
status=0
for s in "$@"; do
	if ! "$here/netns-lab.sh" -o "$work" "$s"; then
		echo "make-live-captures: $s did not go as its scenario expects; not installed" >&2
		status=1
		continue
	fi
	cp "$work/$s/capture.pcap" "$dest/$s.pcap"
	cp "$work/$s/$s.keys" "$dest/$s.keys"
	cp "$work/$s/log-secrets.txt" "$dest/$s.log-secrets.txt"
	echo "make-live-captures: $s -> captures/live/$s.{pcap,keys,log-secrets.txt}" >&2
done
echo "make-live-captures: logs and configs in $work" >&2
exit $status
