#!/usr/bin/env bash
# netns-lab.sh - real IKEv1 peers (strongSwan charon) in network namespaces,
# captured on the wire, with the keys harvested from charon's level-4 log.
#
#   tools/lab/netns-lab.sh [-o OUTDIR] [-I IKECAP] SCENARIO...
#
# SCENARIO is a directory tools/lab/scenarios/NAME (or its NAME) holding a
# scenario.env (see tools/lab/scenarios/README.md).  For each one the script
#   1. creates the namespaces ikc-a, ikc-b (and ikc-nat for TOPO=nat), joined
#      by veth pairs on 198.51.100.0/24 (and 203.0.113.0/24 behind the NAT),
#      a protected subnet on an in-namespace veth (192.0.2.0/26 on a,
#      192.0.2.64/26 on b), iptables MASQUERADE in ikc-nat;
#   2. captures a's wire veth with tcpdump -w (and, as a second check, runs
#      ikecap -i on the same veth, writing its text output);
#   3. starts one charon per namespace (own strongswan.conf, own /run, own
#      VICI socket; kernel-libipsec because this kernel has no ESP/XFRM),
#      loads the connection with swanctl, initiates from a, pings across the
#      tunnel, waits HOLD seconds (DPD, rekey), terminates;
#   4. stops everything it started (by PID), removes the namespaces, and runs
#      harvest-keys.py: OUTDIR/NAME/{capture.pcap,NAME.keys,log-secrets.txt}.
# Traffic only ever flows between addresses inside the namespaces made here.
# Everything is torn down on exit, failure or signal (trap).  Root only.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
outdir=/tmp/ikc-lab
ikecap=""
while getopts "o:I:h" opt; do
	case $opt in
	o) outdir=$OPTARG ;;
	I) ikecap=$OPTARG ;;
	*) sed -n '2,22p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,22p' "$0"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "netns-lab: must run as root" >&2; exit 2; }
[ -n "$ikecap" ] || { [ -x "$top/ikecap" ] && ikecap=$top/ikecap; } || true

NS_A=ikc-a NS_B=ikc-b NS_NAT=ikc-nat
CHARON=/usr/lib/ipsec/charon
PLUGINS="random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints gmp aes sha1 sha2 md5 hmac gcm kdf kernel-libipsec kernel-netlink socket-default vici"
pids=()

log() { printf 'netns-lab: %s\n' "$*" >&2; }

ensure_packages() {
	local need="" p
	for p in strongswan-charon strongswan-swanctl libcharon-extra-plugins tcpdump iptables iputils-ping iproute2 python3; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
	done
	[ -z "$need" ] && return 0
	log "installing$need"
	export DEBIAN_FRONTEND=noninteractive
	timeout 300 apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	timeout 600 apt-get install -y -q --no-install-recommends $need >/dev/null
	# A system charon the package may start lives in the root namespace with
	# /run/charon.pid: ours have their own namespaces and /run, so no clash.
}

# Stop one PID we started: TERM (or the given signal), then KILL after ~3 s.
stop_pid() {
	local pid=$1 sig=${2:-TERM} i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -"$sig" "$pid" 2>/dev/null || true
	for i in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
	wait "$pid" 2>/dev/null || true
}

teardown() {
	local pid ns i
	# Newest first: the daemons stop before the captures that watch them.
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[i]%%:*}" "${pids[i]#*:}"; done
	pids=()
	for ns in $NS_A $NS_B $NS_NAT; do
		ip netns list 2>/dev/null | grep -qw "^$ns" || continue
		# Anything still inside one of OUR namespaces is ours: stop it by PID.
		for pid in $(ip netns pids "$ns" 2>/dev/null); do stop_pid "$pid" KILL; done
		ip netns del "$ns" 2>/dev/null || true
	done
}
trap teardown EXIT
trap 'exit 130' INT TERM HUP

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

mkns() {
	ip netns add "$1"
	nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$1" link set lo up
}

# A protected subnet: a veth pair inside the namespace, one end addressed.
mklan() {
	ip -n "$1" link add ikc-lan0 type veth peer name ikc-lan1
	ip -n "$1" addr add "$2" dev ikc-lan0
	ip -n "$1" link set ikc-lan0 up
	ip -n "$1" link set ikc-lan1 up
}

setup_net() {
	teardown
	mkns $NS_A; mkns $NS_B
	if [ "$TOPO" = nat ]; then
		mkns $NS_NAT
		ip link add ikc-a0 netns $NS_A type veth peer name ikc-n0 netns $NS_NAT
		ip link add ikc-b0 netns $NS_B type veth peer name ikc-n1 netns $NS_NAT
		ip -n $NS_A addr add 198.51.100.1/24 dev ikc-a0
		ip -n $NS_NAT addr add 198.51.100.254/24 dev ikc-n0
		ip -n $NS_NAT addr add 203.0.113.254/24 dev ikc-n1
		ip -n $NS_B addr add 203.0.113.2/24 dev ikc-b0
		ip -n $NS_NAT link set ikc-n0 up; ip -n $NS_NAT link set ikc-n1 up
		ip -n $NS_A link set ikc-a0 up; ip -n $NS_B link set ikc-b0 up
		ip -n $NS_A route add default via 198.51.100.254
		ip -n $NS_B route add default via 203.0.113.254
		nsx $NS_NAT sysctl -qw net.ipv4.ip_forward=1
		nsx $NS_NAT iptables -t nat -A POSTROUTING -o ikc-n1 -j MASQUERADE
		ADDR_B=203.0.113.2
	else
		ip link add ikc-a0 netns $NS_A type veth peer name ikc-b0 netns $NS_B
		ip -n $NS_A addr add 198.51.100.1/24 dev ikc-a0
		ip -n $NS_B addr add 198.51.100.2/24 dev ikc-b0
		ip -n $NS_A link set ikc-a0 up; ip -n $NS_B link set ikc-b0 up
		ADDR_B=198.51.100.2
	fi
	ADDR_A=198.51.100.1
	mklan $NS_A 192.0.2.1/26
	mklan $NS_B 192.0.2.65/26
}

# strongswan.conf for one peer: level-4 IKE/CHD logging (g^xy, SKEYID*, keys),
# enc 3 (the header dumps name each IKE SA's cookies), kernel-libipsec.
write_strongswan_conf() {
	local dir=$1 side=$2
	cat > "$dir/strongswan.conf" <<EOF
# generated by tools/lab/netns-lab.sh for side $side of scenario $NAME
charon {
  load_modular = no
  load = $PLUGINS
  install_routes = yes
  retransmit_tries = ${RETRANSMIT_TRIES}
  retransmit_timeout = 1.0
  retransmit_base = 1.4
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  filelog {
    lab {
      path = $dir/charon.log
      time_format = %Y-%m-%d %H:%M:%S
      append = no
      flush_line = yes
      ike_name = yes
      default = 1
      ike = 4
      chd = 4
      enc = 3
      mgr = 2
      cfg = 2
      knl = 2
      net = 2
      esp = 2
      lib = 1
    }
  }
  plugins {
    vici {
      socket = unix://$dir/charon.vici
    }
  }
}
EOF
}

# swanctl.conf for one peer from the scenario variables.
write_swanctl_conf() {
	local f=$1 laddr=$2 raddr=$3 lid=$4 rid=$5 lts=$6 rts=$7 ike=$8 esp=$9 psk=${10}
	cat > "$f" <<EOF
# generated by tools/lab/netns-lab.sh for scenario $NAME
connections {
  lab {
    version = 1
    aggressive = $AGGRESSIVE
    local_addrs = $laddr
    remote_addrs = $raddr
    proposals = $ike
    fragmentation = no
    encap = no
    dpd_delay = $DPD_DELAY
    rekey_time = $IKE_REKEY
    reauth_time = $IKE_REAUTH
    over_time = $IKE_OVER
    rand_time = 0s
    local {
      auth = psk
      id = $lid
    }
    remote {
      auth = psk
      id = $rid
    }
    children {
      net {
        local_ts = $lts
        remote_ts = $rts
        esp_proposals = $esp
        mode = tunnel
        rekey_time = $CHILD_REKEY
        life_time = $CHILD_LIFE
        rand_time = 0s
        dpd_action = clear
      }
    }
  }
}
secrets {
  ike-lab {
    id-a = $ID_A
    id-b = $ID_B
    secret = "$psk"
  }
}
EOF
}

start_charon() {
	local ns=$1 dir=$2 i
	mkdir -p "$dir/run"
	# ip netns exec and unshare exec in place, so $! is charon's own PID.
	# shellcheck disable=SC2016  # $1 and $2 are the inner sh's arguments
	ip netns exec "$ns" unshare --mount --propagation private \
		sh -c 'mount --bind "$1/run" /run && STRONGSWAN_CONF="$1/strongswan.conf" exec "$2" --use-syslog no' \
		sh "$dir" "$CHARON" >"$dir/charon.stdout" 2>&1 &
	pids+=("$!:TERM")
	charon_pid=$!
	for i in $(seq 100); do [ -S "$dir/charon.vici" ] && return 0; sleep 0.1; done
	log "charon in $ns did not open its VICI socket in 10 s"
	return 1
}

# swanctl takes its options after the command: swanctl --initiate --uri ... .
sw() { local dir=$1 cmd=$2; shift 2; timeout 40 swanctl "$cmd" --uri "unix://$dir/charon.vici" "$@"; }

run_scenario() {
	local sdir=$1 out a b i rc=0 t0
	NAME=$(basename "$sdir")
	# Defaults; scenario.env overrides.
	TOPO=direct RUN_B=yes PINGS=3 HOLD=0 EXPECT=up RETRANSMIT_TRIES=3 RESTART_B=no
	IKE_A=aes128-sha1-modp1024 IKE_B="" ESP_A=aes128-sha1 ESP_B=""
	PSK_A='P@ssword123' PSK_B="" AGGRESSIVE=no ID_A="" ID_B=""
	DPD_DELAY=0s IKE_REKEY=4h IKE_REAUTH=0 IKE_OVER=10m CHILD_REKEY=1h CHILD_LIFE=2h
	LTS_A=192.0.2.0/26 RTS_A=192.0.2.64/26 LTS_B=192.0.2.64/26 RTS_B=192.0.2.0/26
	DESCRIPTION="" PEER_B=charon
	# shellcheck disable=SC1091
	. "$sdir/scenario.env"
	if [ "$PEER_B" = libreswan ]; then
		# Responder is libreswan pluto (unpacked, never installed: it conflicts
		# with strongswan-charon): libreswan.sh runs it, same output layout.
		"$here/libreswan.sh" -o "$outdir" "$sdir"
		return
	fi
	: "${IKE_B:=$IKE_A}" "${ESP_B:=$ESP_A}" "${PSK_B:=$PSK_A}"
	out=$outdir/$NAME
	rm -rf "$out"; mkdir -p "$out/a" "$out/b"
	a=$out/a b=$out/b
	t0=$(date +%s)
	log "== $NAME: $DESCRIPTION"
	setup_net
	: "${ID_A:=$ADDR_A}" "${ID_B:=$ADDR_B}"
	write_strongswan_conf "$a" a
	write_strongswan_conf "$b" b
	write_swanctl_conf "$a/swanctl.conf" "$ADDR_A" "$ADDR_B" "$ID_A" "$ID_B" "$LTS_A" "$RTS_A" "$IKE_A" "$ESP_A" "$PSK_A"
	write_swanctl_conf "$b/swanctl.conf" "$ADDR_B" "%any" "$ID_B" "$ID_A" "$LTS_B" "$RTS_B" "$IKE_B" "$ESP_B" "$PSK_B"

	# Capture first: tcpdump -w is the record; ikecap -i is the live check.
	# Started with ip netns exec itself, not the nsx function: a function in
	# the background is a subshell, so $! would be that shell (which ignores
	# SIGINT) and the signal would never reach the capture program.
	ip netns exec $NS_A tcpdump -i ikc-a0 -s 0 -U -n -Z root -w "$out/capture.pcap" 'not arp' 2>"$out/tcpdump.txt" &
	pids+=("$!:TERM")
	if [ -n "$ikecap" ]; then
		# ikecap -i reads live.keys, which a harvester below rewrites (by
		# rename) from charon's logs while the peers negotiate: what an
		# operator does with a daemon's key log.  SIGINT: ikecap prints its
		# summary and exits 0 (as tcpdump does).  stdbuf: line-buffered even
		# into a file, so a KILL loses no line.
		: >"$out/live.keys"
		chmod 600 "$out/live.keys"
		ip netns exec $NS_A stdbuf -oL "$ikecap" -i ikc-a0 -k "$out/live.keys" --no-progress --color=never \
			>"$out/ikecap-live.txt" 2>&1 &
		pids+=("$!:INT")
		harvest_loop &
		pids+=("$!:TERM")
	fi
	for i in $(seq 50); do grep -q "listening on" "$out/tcpdump.txt" 2>/dev/null && break; sleep 0.1; done
	sleep 0.3

	[ "$RUN_B" = yes ] && start_charon $NS_B "$b" && charon_b=$charon_pid
	start_charon $NS_A "$a"
	[ "$RUN_B" = yes ] && sw "$b" --load-all --file "$b/swanctl.conf" >"$out/swanctl-b.txt" 2>&1
	sw "$a" --load-all --file "$a/swanctl.conf" >"$out/swanctl-a.txt" 2>&1

	if sw "$a" --initiate --ike lab --child net --timeout 30 >>"$out/swanctl-a.txt" 2>&1; then
		log "$NAME: tunnel up"
		if [ "$PINGS" -gt 0 ]; then
			nsx $NS_A timeout 20 ping -n -c "$PINGS" -i 0.5 -W 2 -I 192.0.2.1 192.0.2.65 >"$out/ping.txt" 2>&1 || rc=$?
			log "$NAME: ping exit $rc ($(grep -o '[0-9]* received' "$out/ping.txt" || true))"
		fi
		if [ "$RESTART_B" = yes ]; then
			# The responder restarts and forgets its SAs; the initiator keeps
			# using its (now stale) IKE SA: DPD, and the responder's answer to
			# messages for an SA it does not know.
			log "$NAME: restarting the responder's charon"
			stop_pid "$charon_b" KILL   # a crash: no DELETE goes out
			rm -f "$b/charon.vici"
			start_charon $NS_B "$b" && charon_b=$charon_pid
			sw "$b" --load-all --file "$b/swanctl.conf" >>"$out/swanctl-b.txt" 2>&1
		fi
		[ "$EXPECT" = up ] || log "$NAME: WARNING: expected a failure, the tunnel came up"
	else
		log "$NAME: initiate failed (expected: $EXPECT)"
		[ "$EXPECT" = up ] && rc=1
	fi
	if [ "$HOLD" -gt 0 ]; then log "$NAME: holding ${HOLD}s"; sleep "$HOLD"; fi
	sw "$a" --list-sas >>"$out/swanctl-a.txt" 2>&1 || true
	sw "$a" --terminate --ike lab --timeout 5 >>"$out/swanctl-a.txt" 2>&1 || true
	sleep 1
	teardown
	cp "$a/charon.log" "$out/charon-a.log" 2>/dev/null || : >"$out/charon-a.log"
	cp "$b/charon.log" "$out/charon-b.log" 2>/dev/null || : >"$out/charon-b.log"
	cp "$a/swanctl.conf" "$out/swanctl-a.conf"; cp "$b/swanctl.conf" "$out/swanctl-b.conf"
	cp "$a/strongswan.conf" "$out/strongswan-a.conf"
	python3 "$here/harvest-keys.py" --name "$NAME" \
		--log "$out/charon-a.log" --log "$out/charon-b.log" \
		--conf "$out/swanctl-a.conf" --conf "$out/swanctl-b.conf" \
		--keys "$out/$NAME.keys" --secrets "$out/log-secrets.txt" || rc=1
	log "$NAME: done in $(($(date +%s) - t0)) s, $(stat -c %s "$out/capture.pcap") bytes captured -> $out"
	return $rc
}

# While a scenario runs: harvest the keys charon has logged so far into
# $out/live.keys every 0.2 s, replacing the file only when it changed.
harvest_loop() {
	local logs
	while :; do
		logs=()
		[ -s "$a/charon.log" ] && logs+=(--log "$a/charon.log")
		[ -s "$b/charon.log" ] && logs+=(--log "$b/charon.log")
		if [ ${#logs[@]} -gt 0 ]; then
			python3 "$here/harvest-keys.py" --name "$NAME" "${logs[@]}" --conf "$a/swanctl.conf" \
				--conf "$b/swanctl.conf" --keys "$out/live.keys.new" >/dev/null 2>&1 || true
			if [ -s "$out/live.keys.new" ] && ! cmp -s "$out/live.keys.new" "$out/live.keys"; then
				mv -f "$out/live.keys.new" "$out/live.keys"
			fi
		fi
		sleep 0.2
	done
}

ensure_packages
status=0
for s in "$@"; do
	[ -d "$s" ] || s=$here/scenarios/$s
	[ -f "$s/scenario.env" ] || { log "no scenario.env in $s"; status=2; continue; }
	run_scenario "$s" || status=1
done
exit $status
