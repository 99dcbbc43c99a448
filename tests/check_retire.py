#!/usr/bin/env python3
"""SAs that end are retired (memory bounded by live state, issues 9 and 10).

A capture is built from the lab's mm-psk-aes128-sha1-g2 exchange (which ends
with an ISAKMP DELETE):
  A  the exchange as captured, at t0;
  C  A's MM1 again with a new initiator cookie, at t0 + 5 s, never answered;
  B  the whole exchange again with new cookies, at t0 + 3600 s.
What the bytes say (parsed here, not by ikecap): A is deleted and C is
abandoned long before B starts, so with the default --retire-idle both must
have ended, and been written, before B's first packet; B is alive at the end.
Retiring must lose nothing: the JSON records of a run that retires and of one
that keeps every SA (--retire-idle 0) must be the same multiset (stats aside),
and B's phase 1 must still be reported as a rekey of A, whose SA is gone.
An SA quiet for five minutes gives back the memory kept for retransmissions
(session.c, sa_compact); when it speaks again, a new message and its exact
copy must still be told apart as they are after a short pause.
Then: peak RSS must stay flat as an IKE-heavy capture grows 8x
(tools/bench-mkcap.py, 500 vs 4000 sessions).
"""
import collections
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IKECAP = os.environ.get("IKECAP", os.path.join(ROOT, "ikecap"))
LAB = os.path.join(ROOT, "captures", "lab", "mm-psk-aes128-sha1-g2")

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("  FAIL:", what)


def read_pcap(path):
    d = open(path, "rb").read()
    e = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off, recs = 24, []
    while off + 16 <= len(d):
        sec, frac, cl, wl = struct.unpack(e + "IIII", d[off:off + 16])
        recs.append([sec, frac, wl, bytearray(d[off + 16:off + 16 + cl])])
        off += 16 + cl
    return d[:24], e, recs


def ike_offset(b):
    """Offset of the ISAKMP header in an Ethernet/IPv4/UDP frame, or None."""
    if len(b) < 42 or b[12:14] != b"\x08\x00" or b[23] != 17:
        return None
    u = 14 + (b[14] & 15) * 4
    sport, dport = struct.unpack(">HH", b[u:u + 4])
    p = u + 8
    if 500 in (sport, dport):
        return p
    if 4500 in (sport, dport) and b[p:p + 4] == b"\0\0\0\0":
        return p + 4
    return None


def recookie(b, icky, rcky):
    p = ike_offset(b)
    b = bytearray(b)
    if p is not None:
        if b[p:p + 8] != bytes(8):
            b[p:p + 8] = icky
        if b[p + 8:p + 16] != bytes(8):
            b[p + 8:p + 16] = rcky
        u = 14 + (b[14] & 15) * 4
        b[u + 6:u + 8] = b"\0\0"   # UDP checksum: none (RFC 768)
    return b


def write_pcap(path, hdr, e, out):
    """A classic pcap of records (seconds, fraction, original length, bytes)."""
    with open(path, "wb") as f:
        f.write(hdr)
        for sec, frac, wl, b in out:
            f.write(struct.pack(e + "IIII", sec, frac, len(b), wl) + bytes(b))


def build(path):
    hdr, e, recs = read_pcap(LAB + ".pcap")
    t0 = recs[0][0]
    first = next(r for r in recs if ike_offset(r[3]) is not None)
    p = ike_offset(first[3])
    a_icky = bytes(first[3][p:p + 8])
    out = [(r[0], r[1], r[2], r[3]) for r in recs]
    c = recookie(first[3], b"\xc0\xc0\xc0\xc0\x00\x00\x00\x01", bytes(8))
    out.append((t0 + 5, first[1], first[2], c))
    b_icky, b_rcky = b"\xb0\xb0\xb0\xb0\x00\x00\x00\x02", b"\xb1\xb1\xb1\xb1\x00\x00\x00\x03"
    for r in recs:
        out.append((r[0] + 3600, r[1], r[2], recookie(r[3], b_icky, b_rcky)))
    out.sort(key=lambda r: (r[0], r[1]))
    write_pcap(path, hdr, e, out)
    return a_icky.hex(), c[p:p + 8].hex(), b_icky.hex()


def run(args):
    p = subprocess.run([IKECAP, "--no-progress"] + args, capture_output=True, text=True, timeout=300)
    check(p.returncode == 0 and "Sanitizer" not in p.stderr, f"{args}: exit {p.returncode} {p.stderr[-300:]}")
    return p.stdout


def records(out):
    return [json.loads(ln) for ln in out.splitlines() if ln.strip()]


def check_capture(d):
    cap = os.path.join(d, "retire.pcap")
    a, c, b = build(cap)
    keys = ["-k", LAB + ".keys"]
    recs = records(run(["-T", "json"] + keys + ["-r", cap]))
    keep = records(run(["-T", "json", "--retire-idle", "0"] + keys + ["-r", cap]))
    stats = next(r for r in recs if r["type"] == "stats")
    check(stats.get("ikecap.sas_retired") == 2, f"A and C retired ({stats.get('ikecap.sas_retired')})")
    first_b = next(i for i, r in enumerate(recs) if r["type"] == "packet" and r.get("isakmp.ispi") == b)
    where = {r["isakmp.ispi"]: i for i, r in enumerate(recs) if r["type"] == "sa"}
    check(where.get(a, 1 << 30) < first_b, "A's sa record is written before B's first packet")
    check(where.get(c, 1 << 30) < first_b, "C's sa record is written before B's first packet")
    check(where.get(b, -1) > first_b, "B (alive at the end) is written at the end")
    sa = {r["isakmp.ispi"]: r for r in recs if r["type"] == "sa"}
    check(sa.get(a, {}).get("ikecap.state") == "DELETED", "A ended DELETED")
    check(sa.get(c, {}).get("ikecap.state") == "MM_WAIT_MSG2", "C ended in MM_WAIT_MSG2")

    def canon(rs):
        return collections.Counter(json.dumps({k: v for k, v in r.items() if k != "ikecap.sas_retired"},
                                              sort_keys=True) for r in rs)
    check(canon(recs) == canon(keep), "retiring loses no record: same records as --retire-idle 0")
    rekey = [r for r in recs if r["type"] == "diagnosis" and r["code"] == "rekey" and r["isakmp.ispi"] == b]
    check(rekey and a in rekey[0]["text"], "B is still a rekey of A after A's SA was freed")

    text = run(keys + ["-r", cap])
    check("IKE SAs (2 ended during the capture" in text, "text summary says 2 SAs ended during the capture")
    for cky in (a, c, b):
        check(sum(1 for ln in text.splitlines() if ln.startswith("  " + cky + "/")) == 1,
              f"text summary lists {cky} once")
    # --export-cbor beside the text view: the CBOR stream (read by
    # tools/cbor2json, libcbor's decoder) carries exactly the -T json records,
    # ended SAs included, in the same order.
    cb = os.path.join(d, "x.cbor")
    run(keys + ["--export-cbor", cb, "-r", cap])
    c2j = subprocess.run([os.path.join(ROOT, "tools", "cbor2json"), cb], capture_output=True, text=True)
    check(c2j.returncode == 0 and records(c2j.stdout) == recs,
          "--export-cbor with the text view: the same records as -T json, in order")
    ladder = run(["-T", "ladder"] + keys + ["-r", cap])
    for cky in (a, c, b):
        check(ladder.count("IKE SA " + cky) == 1, f"ladder draws {cky} once")


def build_quiet(path, gap):
    """A's exchange (no keys: it stays established), an ESP packet of it
    50 s before the end of a `gap` s pause (the clock that compacts quiet
    SAs runs on frames), then a new Informational (frame 20's bytes, message
    ID 0x11111111) and, 2 s later, an exact copy of it."""
    hdr, e, recs = read_pcap(LAB + ".pcap")
    info = recs[19][3]
    p = ike_offset(info)
    new = bytearray(info)
    new[p + 20:p + 24] = b"\x11\x11\x11\x11"
    last = recs[-1][0]
    esp = recs[11][3]
    out = [tuple(r) for r in recs] + [(last + gap - 50, 0, len(esp), esp), (last + gap, 0, len(new), new),
                                      (last + gap + 2, 0, len(new), new)]
    write_pcap(path, hdr, e, out)
    return len(out)


def check_open_exchange(d):
    """A Quick Mode still waiting for QM3 (frame 11 left out) whose QM2 comes
    again 240 s later (an exact copy, from the responder): a schedule that
    long is a configured one, and the copy must still read as QM2 sent
    again, not as a new message, although the SA was quiet for 4 minutes."""
    hdr, e, recs = read_pcap(LAB + ".pcap")
    qm2 = recs[9][3]
    last = recs[-1][0]
    out = [tuple(r) for i, r in enumerate(recs) if i != 10]
    out += [(last + 200, 0, len(recs[11][3]), recs[11][3]), (last + 240, 0, len(qm2), qm2)]
    cap = os.path.join(d, "open.pcap")
    write_pcap(cap, hdr, e, out)
    recs = records(run(["-T", "json", "-r", cap]))
    pk = [r for r in recs if r["type"] == "packet"]
    check(pk and pk[-1].get("ikecap.retransmit") is True and pk[-1].get("ikecap.msg") == "QM2",
          f"QM2 again after 240 s while QM3 is awaited: a retransmission ({pk[-1] if pk else None})")


def check_late_copy_with_keys(d):
    """With keys, a copy of MM5 (frame 7) 200 s after the exchange went quiet
    (a replay, or captures merged with skewed clocks; an ESP packet at 190 s
    runs the clock that compacts quiet SAs) is still MM5 sent again: the SA's
    ring, which holds the IV it was decrypted with, is kept with keys, so the
    DELETEs after it still decrypt and the SA ends DELETED."""
    hdr, e, recs = read_pcap(LAB + ".pcap")
    last = recs[18][0]
    out = [tuple(r) for r in recs[:19]]
    out += [(last + 190, 0, len(recs[11][3]), recs[11][3]), (last + 200, 0, len(recs[6][3]), recs[6][3])]
    out += [(last + 201, r[1], r[2], r[3]) for r in recs[19:]]
    cap = os.path.join(d, "latecopy.pcap")
    write_pcap(cap, hdr, e, out)
    recs = records(run(["-T", "json", "-k", LAB + ".keys", "-r", cap]))
    pk = {r["ikecap.frame"]: r for r in recs if r["type"] == "packet"}
    sa = [r for r in recs if r["type"] == "sa"]
    check(pk.get(21, {}).get("ikecap.retransmit") is True and pk.get(21, {}).get("ikecap.msg") == "MM5",
          f"MM5 again 200 s later, with keys: MM5 sent again ({pk.get(21, {}).get('ikecap.msg')})")
    check(sa and sa[0].get("ikecap.state") == "DELETED", f"... and the DELETEs after it decrypt "
          f"({sa[0].get('ikecap.state') if sa else None})")


def check_ring_wrap_with_keys(d):
    """With keys, a copy of MM5 after 40 more messages (the 32-message
    retransmission ring has let it go): phase 1 is over, so the copy must not
    move the IV chain phase 2 hangs on; the DELETEs after it still decrypt."""
    hdr, e, recs = read_pcap(LAB + ".pcap")
    info = recs[19][3]
    p = ike_offset(info)
    last = recs[18][0]
    out = [tuple(r) for r in recs[:19]]
    for k in range(40):
        b = bytearray(info)
        b[p + 20:p + 24] = struct.pack(">I", 0x70000000 + k)
        out.append((last + 1 + k, 0, len(b), b))
    out.append((last + 50, 0, len(recs[6][3]), recs[6][3]))
    out += [(last + 51, r[1], r[2], r[3]) for r in recs[19:]]
    cap = os.path.join(d, "wrap.pcap")
    write_pcap(cap, hdr, e, out)
    recs = records(run(["-T", "json", "--retire-idle", "0", "-k", LAB + ".keys", "-r", cap]))
    sa = [r for r in recs if r["type"] == "sa"]
    check(sa and sa[0].get("ikecap.state") == "DELETED", "MM5 again after the ring wrapped, with keys: the DELETEs "
          f"after it still decrypt ({sa[0].get('ikecap.state') if sa else None})")


def check_quiet(d):
    seen = {}
    for gap in (100, 600, 4000):
        cap = os.path.join(d, f"quiet{gap}.pcap")
        n = build_quiet(cap, gap)
        recs = records(run(["-T", "json", "-r", cap]))
        pk = {r["ikecap.frame"]: r for r in recs if r["type"] == "packet"}
        sa = [r for r in recs if r["type"] == "sa"]
        check(len(sa) == 1, f"gap {gap} s: one SA ({len(sa)})")
        if not sa:
            continue
        sa = sa[0]
        check(pk.get(n - 1, {}).get("ikecap.retransmit") is False, f"gap {gap} s: the new message is no copy")
        check(pk.get(n, {}).get("ikecap.retransmit") is True, f"gap {gap} s: its copy is a retransmission")
        check(sa.get("ikecap.messages") == 13 and sa.get("ikecap.retransmits") == 1 and
              sa.get("ikecap.last_frame") == n, f"gap {gap} s: 13 messages, 1 retransmitted, last frame {n} "
              f"({sa.get('ikecap.messages')}, {sa.get('ikecap.retransmits')}, {sa.get('ikecap.last_frame')})")
        ladder = run(["-T", "ladder", "-r", cap])
        seen[gap] = (sa.get("ikecap.state"), json.dumps(sa.get("ikecap.quick_mode_list")), ladder.count(" R1"),
                     ladder.count("mid 11111111"))
    check(len(set(seen.values())) == 1, f"a quiet SA that speaks again reads as after a short pause: {seen}")


def peak_rss_kib(args):
    t = shutil.which("time") or "/usr/bin/time"
    with tempfile.NamedTemporaryFile("r") as tf:
        subprocess.run([t, "-o", tf.name, "-f", "%M", IKECAP, "--no-progress", "-q"] + args,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600, check=False)
        return int(tf.read().split()[-1])


def check_flat(d):
    if not os.path.exists("/usr/bin/time") and not shutil.which("time"):
        print("  note: no GNU time, the RSS check is skipped")
        return
    rss = {}
    for n in (500, 4000):
        pcap, kdir = os.path.join(d, f"ike{n}.pcap"), os.path.join(d, f"ike{n}.keys")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "bench-mkcap.py"), "ike", str(n), pcap, kdir,
                        IKECAP], check=True, capture_output=True)
        rss[n] = peak_rss_kib(["-k", kdir, "-r", pcap])
    print(f"  peak RSS: 500 sessions {rss[500]} KiB, 4000 sessions {rss[4000]} KiB")
    check(rss[4000] <= rss[500] * 1.5 + 4096, f"RSS flat as the capture grows 8x ({rss[500]} -> {rss[4000]} KiB)")


def main():
    with tempfile.TemporaryDirectory() as d:
        check_capture(d)
        check_quiet(d)
        check_open_exchange(d)
        check_late_copy_with_keys(d)
        check_ring_wrap_with_keys(d)
        if "ikecap-asan" not in IKECAP:   # ASan's shadow memory says nothing about ours
            check_flat(d)
    print(f"check_retire: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
