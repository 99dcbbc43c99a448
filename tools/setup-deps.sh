#!/bin/sh
# Install what ikecap's build and tests need on Debian 12, only when missing.
# Runs as root (CI does); a non-root user gets the list to install by hand.
set -eu
need=""
for p in build-essential pkg-config libpcap-dev libssl-dev libcbor-dev libcriterion-dev valgrind \
         tshark tcpdump python3 clang libclang-rt-14-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need="$need $p"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "ikecap: missing packages:$need (install them with apt-get as root)" >&2
	exit 1
fi
echo "ikecap: installing$need" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $need >/dev/null
