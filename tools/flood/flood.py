#!/usr/bin/env python3
"""make flood: peak RSS and time of ikecap on hostile floods (issue 9).

For each size (default 100k, 300k, 1M packets) and each flood of
tools/flood/gen_flood.py (distinct initiator cookies, unfinished IP fragment
trains, a mix with IKE fragments) it runs ikecap with the default limits and
reports the time, the time per packet, the peak RSS (getrusage of the child)
and the evictions the summary reports.  It also runs the cookie flood with
--max-ike-sas as large as the flood, so every SA is held, and reports the
memory per held SA.  A benchmark, not a test: it fails (exit 1) only when the
peak RSS exceeds the bound documented in docs/ikecap.1 (BOUND_MB) or when
the time per packet at the largest size is more than 3x that at the
smallest (not linear).

  python3 tools/flood/flood.py [--sizes 100000,300000,1000000] [--dir build/flood]
"""
import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BOUND_MB = 64          # docs/ikecap.1, BOUNDED STATE: peak RSS under these floods with the default limits


def run_rusage(ikecap, args):
    """Run ikecap with its stdout to a file; peak RSS from wait4 of that child alone."""
    t0 = time.monotonic()
    with open(os.devnull, "wb") as null, open("/tmp/ikecap-flood.out", "w+b") as out:
        pid = os.fork()
        if pid == 0:
            os.dup2(out.fileno(), 1)
            os.dup2(null.fileno(), 2)
            os.execv(ikecap, [ikecap, "-q", "--no-progress"] + args)
        _, status, ru = os.wait4(pid, 0)
        el = time.monotonic() - t0
        out.seek(0)
        text = out.read().decode(errors="replace")
    return el, os.waitstatus_to_exitcode(status), ru.ru_maxrss / 1024.0, text


def evictions(text):
    return "; ".join(re.sub(r" \(limit.*", "", l) for l in text.splitlines() if "evicted:" in l) or "none"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,300000,1000000")
    ap.add_argument("--dir", default="build/flood")
    ap.add_argument("--ikecap", default="./ikecap")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]
    os.makedirs(a.dir, exist_ok=True)
    fail = False
    rows = []
    per_pkt = {}
    for kind in ("cookies", "ipfrags", "mix"):
        for n in sizes:
            path = os.path.join(a.dir, "%s-%d.pcap" % (kind, n))
            if not os.path.exists(path):
                subprocess.run([sys.executable, os.path.join(HERE, "gen_flood.py"), kind, str(n), path], check=True)
            el, rc, rss, text = run_rusage(a.ikecap, ["-r", path])
            ok = rc == 0 and rss <= BOUND_MB
            fail |= not ok
            per_pkt.setdefault(kind, []).append(el / n * 1e6)
            rows.append((kind, n, el, el / n * 1e6, rss, "ok" if ok else "OVER BOUND" if rc == 0 else "exit %d" % rc,
                         evictions(text)))
    # Every SA held: the memory one spoofed MM1 costs.
    held = []
    for n in sizes:
        path = os.path.join(a.dir, "cookies-%d.pcap" % n)
        el, rc, rss, _ = run_rusage(a.ikecap, ["--max-ike-sas", str(n), "-r", path])
        held.append((n, el, rss))
    print("ikecap flood benchmark (default limits; bound %d MB peak RSS)" % BOUND_MB)
    print("%-8s %9s %8s %8s %9s  %-10s %s" % ("flood", "packets", "time s", "us/pkt", "RSS MB", "verdict", "evictions"))
    for r in rows:
        print("%-8s %9d %8.2f %8.2f %9.1f  %-10s %s" % r)
    for kind, v in per_pkt.items():
        if len(v) > 1 and v[-1] > 3 * v[0]:
            print("%s: time per packet grew from %.2f to %.2f us: not linear" % (kind, v[0], v[-1]))
            fail = True
    print("\nevery SA held (--max-ike-sas = packets):")
    print("%9s %8s %9s %12s" % ("SAs", "time s", "RSS MB", "bytes/SA"))
    base = None
    for n, el, rss in held:
        if base is None:
            base = (n, rss)
            print("%9d %8.2f %9.1f %12s" % (n, el, rss, "-"))
        else:
            print("%9d %8.2f %9.1f %12.0f" % (n, el, rss, (rss - base[1]) * 1048576 / (n - base[0])))
    print("\nflood: %s" % ("FAIL" if fail else "ok"))
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
