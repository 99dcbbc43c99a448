#!/usr/bin/env bash
# run.sh - capture the GDOI test scenarios: a key server and a group member
# (tools/gdoi/gdoi.py) in two network namespaces joined by a veth pair.
#
#   tools/gdoi/run.sh [-o OUTDIR] [SCENARIO...]     (default: all, into captures/gdoi)
#
# For each scenario: namespaces ikc-gdoi-ks (198.51.100.1) and ikc-gdoi-gm
# (198.51.100.2), tcpdump -w on the member's veth, the KS started, then the GM;
# each side writes a JSON log of what it sent, received and derived, and
# mktruth.py turns the pcap and both logs into NAME.keys and NAME.truth.json.
# Traffic only flows between those two addresses.  Everything this script
# starts is stopped by PID and the namespaces removed on exit (trap).  Root only.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
outdir=$top/captures/gdoi
while getopts "o:h" opt; do
	case $opt in
	o) outdir=$OPTARG ;;
	*) sed -n '2,12p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "$(id -u)" = 0 ] || { echo "run.sh: must run as root" >&2; exit 2; }
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(gdoi-rekey gdoi-pull-unanswered gdoi-rekey-replay gdoi-rekey-badsig gdoi-rekey-p1doi1
	gdoi-tek-expired gdoi-tek-unannounced gdoi-rekey-ack gdoi-pull-pfs gdoi-pull-pop gdoi-rekey-noack)

PY=/usr/bin/python3   # Debian's python3-cryptography
"$PY" -c 'import cryptography' 2>/dev/null || {
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q python3-cryptography >/dev/null
}
NS_KS=ikc-gdoi-ks NS_GM=ikc-gdoi-gm
work=$(mktemp -d /tmp/ikc-gdoi.XXXXXX)
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
	ip netns del "$NS_KS" 2>/dev/null || true
	ip netns del "$NS_GM" 2>/dev/null || true
}
trap 'cleanup; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

mkdir -p "$outdir"
for name in "${scenarios[@]}"; do
	cleanup
	ip netns add "$NS_KS"
	ip netns add "$NS_GM"
	ip link add ikc-gdoi-k type veth peer name ikc-gdoi-g
	ip link set ikc-gdoi-k netns "$NS_KS"
	ip link set ikc-gdoi-g netns "$NS_GM"
	ip -n "$NS_KS" addr add 198.51.100.1/24 dev ikc-gdoi-k
	ip -n "$NS_GM" addr add 198.51.100.2/24 dev ikc-gdoi-g
	for ns in "$NS_KS" "$NS_GM"; do ip -n "$ns" link set lo up; done
	ip -n "$NS_KS" link set ikc-gdoi-k up
	ip -n "$NS_GM" link set ikc-gdoi-g up
	# no IPv6 chatter (router solicitations) in the capture
	ip netns exec "$NS_KS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$NS_GM" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	sleep 0.5

	ip netns exec "$NS_GM" timeout 60 tcpdump -q -n -s 0 -U -i ikc-gdoi-g -w "$work/$name.pcap" \
		'host 198.51.100.1 and host 198.51.100.2' 2>"$work/tcpdump.err" &
	pids+=($!)
	sleep 1
	ip netns exec "$NS_KS" timeout 60 "$PY" "$here/gdoi.py" ks --scenario "$name" --log "$work/ks.json" \
		2>"$work/$name.ks.log" &
	ks=$!
	pids+=($ks)
	sleep 0.5
	ip netns exec "$NS_GM" timeout 60 "$PY" "$here/gdoi.py" gm --scenario "$name" --log "$work/gm.json" \
		2>"$work/$name.gm.log" || echo "run.sh: $name: gm exited $?" >&2
	wait "$ks" || echo "run.sh: $name: ks exited $?" >&2
	sleep 1
	cleanup
	"$PY" "$here/mktruth.py" --name "$name" --pcap "$work/$name.pcap" --ks "$work/ks.json" \
		--gm "$work/gm.json" --out "$outdir"
	cp "$work/$name.pcap" "$outdir/$name.pcap"
	chmod 0600 "$outdir/$name.keys"
	echo "run.sh: $name: $(wc -c <"$outdir/$name.pcap") bytes" >&2
done
