#!/bin/sh
# Live check of ikecap against real strongSwan peers (see tests/check_live.py):
# every committed captures/live capture, then one scenario run live in network
# namespaces (root only; prints "check_live: SKIPPED: <reason>" where it cannot).
cd "$(dirname "$0")/.." || exit 1
exec python3 tests/check_live.py --live "$@"
