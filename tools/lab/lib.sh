# lib.sh - shell helpers shared by the lab scripts (netns-lab.sh,
# libreswan.sh): namespaces, processes stopped by PID, charon.  Sourced, not
# run.  The caller sets: log() (its own prefix), the arrays pids=() ("PID:SIGNAL"
# of every process it started) and made_ns=() (namespaces it created), and
# CHARON (the charon binary).

# Stop one of our processes: sig, up to 5 s, then KILL.
stop_pid() {
	local pid=$1 sig=${2:-TERM} i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -"$sig" "$pid" 2>/dev/null || true
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
	wait "$pid" 2>/dev/null || true
}

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# A namespace of our own: never one that exists already (another run's).
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

# A protected subnet: a veth pair inside the namespace, one end addressed.
mklan() {
	ip -n "$1" link add ikc-lan0 type veth peer name ikc-lan1
	ip -n "$1" addr add "$2" dev ikc-lan0
	ip -n "$1" link set ikc-lan0 up
	ip -n "$1" link set ikc-lan1 up
}

# charon in namespace ns with dir's strongswan.conf and its own /run (a
# private mount namespace), waiting for its VICI socket.  ip netns exec and
# unshare exec in place, so $! (also left in charon_pid) is charon's own PID.
start_charon() {
	local ns=$1 dir=$2 i
	mkdir -p "$dir/run"
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
