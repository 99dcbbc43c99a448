#!/usr/bin/env bash
# libreswan.sh - strongSwan charon (initiator) against libreswan pluto
# (responder) in the lab's network namespaces, captured on the wire, with the
# keys harvested from pluto's crypt debug log.
#
#   tools/lab/libreswan.sh [-o OUTDIR] [-L LIBRESWAN_DIR] SCENARIO...
#
# SCENARIO is tools/lab/scenarios/NAME (or NAME) with a scenario.env holding
# PEER_B=libreswan (see tools/lab/scenarios/README.md).  Debian's libreswan
# package conflicts with strongswan-charon, so it is never installed: the
# .deb is fetched with `apt-get download libreswan` and unpacked with
# `dpkg-deb -x` into LIBRESWAN_DIR (default /opt/ikc-libreswan); only its
# runtime libraries (no conflicts) are installed with apt.  For each scenario:
#   1. namespaces ikc-a / ikc-b joined by a veth (198.51.100.1 / .2), the
#      protected subnets 192.0.2.0/26 and 192.0.2.64/26 (as netns-lab.sh);
#   2. tcpdump -w on ikc-a's wire veth;
#   3. pluto in ikc-b in a private mount namespace (the unpacked
#      /usr/libexec bind-mounted over /usr/libexec: pluto runs
#      /usr/libexec/ipsec/addconn), its own ipsec.conf, ipsec.secrets, NSS
#      database (certutil -N, as `ipsec initnss`), run dir and log
#      (plutodebug="all private crypt": the DH shared secret and SKEYID*);
#      charon in ikc-a with kernel-netlink only (port 500 throughout; the
#      kernel has no ESP, so neither daemon can install its IPsec SA);
#   4. initiates from charon, waits, terminates, stops everything it started
#      (by PID), removes the namespaces and runs harvest-pluto.py:
#      OUTDIR/NAME/{capture.pcap,NAME.keys,log-secrets.txt,pluto.log,...}.
# Traffic only ever flows between addresses inside the namespaces made here.
# Root only.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
outdir=/tmp/ikc-lab
lsw=${IKC_LIBRESWAN_DIR:-/opt/ikc-libreswan}
while getopts "o:L:h" opt; do
	case $opt in
	o) outdir=$OPTARG ;;
	L) lsw=$OPTARG ;;
	*) sed -n '2,28p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '2,28p' "$0"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "libreswan: must run as root" >&2; exit 2; }

# Namespace names: the lab's by default; IKC_NS_A/IKC_NS_B let a run beside
# another lab run (netns-lab.sh deletes ikc-a/ikc-b when it starts).
NS_A=${IKC_NS_A:-ikc-a} NS_B=${IKC_NS_B:-ikc-b}
ADDR_A=198.51.100.1 ADDR_B=198.51.100.2
CHARON=/usr/lib/ipsec/charon
PLUGINS="random nonce openssl pem pkcs1 pkcs8 x509 pubkey revocation constraints gmp aes sha1 sha2 md5 hmac gcm kdf kernel-netlink socket-default vici"
PLUTO=$lsw/usr/libexec/ipsec/pluto
pids=()
made_ns=()

log() { printf 'libreswan: %s\n' "$*" >&2; }

# The .deb unpacked, never installed; its libraries installed (they do not
# conflict with strongSwan).
ensure_libreswan() {
	local need="" p tmp
	for p in strongswan-charon strongswan-swanctl tcpdump iproute2 python3 libnss3-tools \
		libldns3 libunbound8 libevent-core-2.1-7 libevent-pthreads-2.1-7 libcurl3-nss; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
	done
	export DEBIAN_FRONTEND=noninteractive
	if [ -n "$need" ]; then
		log "installing$need"
		timeout 300 apt-get update -q >/dev/null
		# shellcheck disable=SC2086
		timeout 600 apt-get install -y -q --no-install-recommends $need >/dev/null
	fi
	if [ ! -x "$PLUTO" ]; then
		log "fetching libreswan (apt-get download) into $lsw"
		tmp=$(mktemp -d /tmp/ikc-lsw-deb.XXXXXX)
		(cd "$tmp" && chmod 755 . && timeout 300 apt-get download -q libreswan >/dev/null 2>&1) ||
			{ rm -rf "$tmp"; log "apt-get download libreswan failed"; return 1; }
		mkdir -p "$lsw"
		dpkg-deb -x "$tmp"/libreswan_*.deb "$lsw"
		cp "$tmp"/libreswan_*.deb "$lsw/"
		rm -rf "$tmp"
	fi
	if ldd "$PLUTO" | grep -q 'not found'; then
		log "pluto misses libraries: $(ldd "$PLUTO" | grep 'not found' | tr -s ' \t\n' ' ')"
		return 1
	fi
}

stop_pid() {
	local pid=$1 sig=${2:-TERM} i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -"$sig" "$pid" 2>/dev/null || true
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
	wait "$pid" 2>/dev/null || true
}

teardown() {
	local pid ns i
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_pid "${pids[i]%%:*}" "${pids[i]#*:}"; done
	pids=()
	for ns in "${made_ns[@]}"; do
		ip netns list 2>/dev/null | grep -qw "^$ns" || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do stop_pid "$pid" KILL; done
		ip netns del "$ns" 2>/dev/null || true
	done
	made_ns=()
}
trap teardown EXIT
trap 'exit 130' INT TERM HUP

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

mkns() {
	if ip netns list | grep -qw "^$1"; then
		log "namespace $1 exists (another lab run?); not touching it"
		return 1
	fi
	ip netns add "$1"
	made_ns+=("$1")
	nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$1" link set lo up
}

mklan() {
	ip -n "$1" link add ikc-lan0 type veth peer name ikc-lan1
	ip -n "$1" addr add "$2" dev ikc-lan0
	ip -n "$1" link set ikc-lan0 up
	ip -n "$1" link set ikc-lan1 up
}

setup_net() {
	mkns "$NS_A"; mkns "$NS_B"
	ip link add ikc-a0 netns "$NS_A" type veth peer name ikc-b0 netns "$NS_B"
	ip -n "$NS_A" addr add $ADDR_A/24 dev ikc-a0
	ip -n "$NS_B" addr add $ADDR_B/24 dev ikc-b0
	ip -n "$NS_A" link set ikc-a0 up; ip -n "$NS_B" link set ikc-b0 up
	mklan "$NS_A" 192.0.2.1/26
	mklan "$NS_B" 192.0.2.65/26
}

write_strongswan_conf() {
	local dir=$1
	cat > "$dir/strongswan.conf" <<EOF
# generated by tools/lab/libreswan.sh for scenario $NAME (initiator)
charon {
  load_modular = no
  load = $PLUGINS
  install_routes = no
  retransmit_tries = 3
  retransmit_timeout = 1.0
  retransmit_base = 1.4
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

write_swanctl_conf() {
	cat > "$1" <<EOF
# generated by tools/lab/libreswan.sh for scenario $NAME (initiator)
connections {
  lab {
    version = 1
    local_addrs = $ADDR_A
    remote_addrs = $ADDR_B
    proposals = $IKE_A
    fragmentation = no
    encap = no
    rekey_time = 4h
    reauth_time = 0
    over_time = 10m
    rand_time = 0s
    local {
      auth = psk
      id = $ADDR_A
    }
    remote {
      auth = psk
      id = $ADDR_B
    }
    children {
      net {
        local_ts = 192.0.2.0/26
        remote_ts = 192.0.2.64/26
        esp_proposals = $ESP_A
        mode = tunnel
        rekey_time = 1h
        life_time = 2h
        rand_time = 0s
      }
    }
  }
}
secrets {
  ike-lab {
    id-a = $ADDR_A
    id-b = $ADDR_B
    secret = "$PSK"
  }
}
EOF
}

# ipsec.conf for pluto: IKEv1 (ikev2=no, ikev1-policy=accept), PSK, and every
# secret logged (plutodebug "private" + "crypt").
write_pluto_conf() {
	local dir=$1
	cat > "$dir/ipsec.conf" <<EOF
# generated by tools/lab/libreswan.sh for scenario $NAME (responder)
config setup
	plutodebug="all private crypt"
	logfile=$dir/pluto.log
	logappend=no
	logtime=yes
	ikev1-policy=accept
	uniqueids=no
	dumpdir=$dir/run
	nhelpers=1

conn lab
	ikev2=no
	authby=secret
	left=$ADDR_B
	leftid=$ADDR_B
	leftsubnet=192.0.2.64/26
	right=$ADDR_A
	rightid=$ADDR_A
	rightsubnet=192.0.2.0/26
	ike=$IKE_B
	phase2=esp
	phase2alg=$ESP_B
	pfs=$PFS_B
	ikelifetime=4h
	salifetime=1h
	encapsulation=no
	fragmentation=no
	auto=add
EOF
	printf '# generated by tools/lab/libreswan.sh\n%s %s : PSK "%s"\n' "$ADDR_B" "$ADDR_A" "$PSK" > "$dir/ipsec.secrets"
	chmod 600 "$dir/ipsec.secrets"
}

start_pluto() {
	local dir=$1 i
	mkdir -p "$dir/run" "$dir/nss"
	# `ipsec initnss`: an empty-password NSS database of pluto's own.
	certutil -N -d "sql:$dir/nss" --empty-password
	# shellcheck disable=SC2016  # $1..$3 are the inner sh's arguments
	ip netns exec "$NS_B" unshare --mount --propagation private \
		sh -c 'mount --bind "$1/usr/libexec" /usr/libexec && exec "$1/usr/libexec/ipsec/pluto" --nofork \
			--config "$2/ipsec.conf" --secretsfile "$2/ipsec.secrets" --nssdir "$2/nss" \
			--rundir "$2/run" --ipsecdir "$2" --logfile "$2/pluto.log" --no-dnssec' \
		sh "$lsw" "$dir" >"$dir/pluto.stdout" 2>&1 &
	pids+=("$!:TERM")
	for i in $(seq 100); do
		[ -S "$dir/run/pluto.ctl" ] && grep -q 'added IKEv1 connection\|"lab": added' "$dir/pluto.log" 2>/dev/null && return 0
		sleep 0.1
	done
	log "pluto in $NS_B did not load its connection in 10 s"
	return 1
}

start_charon() {
	local dir=$1 i
	mkdir -p "$dir/run"
	# shellcheck disable=SC2016
	ip netns exec "$NS_A" unshare --mount --propagation private \
		sh -c 'mount --bind "$1/run" /run && STRONGSWAN_CONF="$1/strongswan.conf" exec "$2" --use-syslog no' \
		sh "$dir" "$CHARON" >"$dir/charon.stdout" 2>&1 &
	pids+=("$!:TERM")
	for i in $(seq 100); do [ -S "$dir/charon.vici" ] && return 0; sleep 0.1; done
	log "charon in $NS_A did not open its VICI socket in 10 s"
	return 1
}

sw() { local dir=$1 cmd=$2; shift 2; timeout 40 swanctl "$cmd" --uri "unix://$dir/charon.vici" "$@"; }

whack() { nsx "$NS_B" "$lsw/usr/libexec/ipsec/whack" --ctlsocket "$b/run/pluto.ctl" "$@"; }

run_scenario() {
	local sdir=$1 out rc=0 t0
	NAME=$(basename "$sdir")
	PEER_B="" IKE_A=aes256-sha256-modp2048 IKE_B=aes256-sha2_256-modp2048
	ESP_A=aes256-sha256 ESP_B=aes256-sha2_256 PFS_B=no PSK='P@ssword123'
	HOLD=0 INITIATE_TIMEOUT=4 DESCRIPTION=""
	# shellcheck disable=SC1091
	. "$sdir/scenario.env"
	[ "$PEER_B" = libreswan ] || { log "$NAME: not a libreswan scenario (PEER_B=$PEER_B)"; return 2; }
	out=$outdir/$NAME
	rm -rf "$out"; mkdir -p "$out/a" "$out/b"
	a=$out/a b=$out/b
	t0=$(date +%s)
	log "== $NAME: $DESCRIPTION"
	setup_net
	write_strongswan_conf "$a"
	write_swanctl_conf "$a/swanctl.conf"
	write_pluto_conf "$b"

	ip netns exec "$NS_A" tcpdump -i ikc-a0 -s 0 -U -n -Z root -w "$out/capture.pcap" 'not arp' 2>"$out/tcpdump.txt" &
	pids+=("$!:TERM")
	for i in $(seq 50); do grep -q "listening on" "$out/tcpdump.txt" 2>/dev/null && break; sleep 0.1; done
	sleep 0.3

	start_pluto "$b"
	start_charon "$a"
	sw "$a" --load-all --file "$a/swanctl.conf" >"$out/swanctl-a.txt" 2>&1
	# Phase 1 completes; pluto cannot install its IPsec SA (no kernel ESP:
	# "netlink response for Add SA esp...: Protocol not supported"), so it
	# never answers QM1 and charon retransmits it.  INITIATE_TIMEOUT ends the
	# wait after a few retransmits, before charon gives up (it would delete
	# and re-establish the IKE SA); the IKE SA is then deleted cleanly.
	if sw "$a" --initiate --ike lab --child net --timeout "$INITIATE_TIMEOUT" >>"$out/swanctl-a.txt" 2>&1; then
		log "$NAME: charon: tunnel up"
	else
		log "$NAME: charon: initiate did not complete in ${INITIATE_TIMEOUT}s (expected here: no kernel ESP for pluto)"
	fi
	sleep "$HOLD"
	whack --status >"$out/pluto-status.txt" 2>&1 || true
	sw "$a" --list-sas >>"$out/swanctl-a.txt" 2>&1 || true
	sw "$a" --terminate --ike lab --timeout 5 >>"$out/swanctl-a.txt" 2>&1 || true
	sleep 1
	teardown
	cp "$a/charon.log" "$out/charon-a.log" 2>/dev/null || : >"$out/charon-a.log"
	cp "$b/pluto.log" "$out/pluto-b.log" 2>/dev/null || : >"$out/pluto-b.log"
	cp "$a/swanctl.conf" "$out/swanctl-a.conf"; cp "$b/ipsec.conf" "$out/ipsec-b.conf"
	python3 "$here/harvest-pluto.py" --name "$NAME" --charon-log "$out/charon-a.log" \
		--pluto-log "$out/pluto-b.log" --conf "$out/swanctl-a.conf" \
		--keys "$out/$NAME.keys" --secrets "$out/log-secrets.txt" || rc=1
	log "$NAME: done in $(($(date +%s) - t0)) s, $(stat -c %s "$out/capture.pcap") bytes captured -> $out"
	return $rc
}

ensure_libreswan
status=0
for s in "$@"; do
	[ -d "$s" ] || s=$here/scenarios/$s
	[ -f "$s/scenario.env" ] || { log "no scenario.env in $s"; status=2; continue; }
	run_scenario "$s" || status=1
done
exit $status
