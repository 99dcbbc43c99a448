#!/usr/bin/env python3
"""Span-port duplicates: a capture with every packet captured twice says what
the capture with each packet once says.

A span port that mirrors both directions of a link hands the capture each
packet twice, microseconds apart.  Read as traffic, the copies were IKE
retransmissions and ESP replays, and a capture cut short gave false
no-response / phase1-stalled / psk-mismatch / qm-no-response failures.

The oracle is the capture without the copies (a metamorphic test): for every
capture in captures/{lab,live,gdoi} and captures/synthetic/diag-*, whole and
cut short after 3, 5, 7 and 9 frames, the doubled capture (frame k becomes
frames 2k-1 and its copy 2k, 9 us later) must give ikecap's answer on the
original with frame numbers mapped: the same findings (code, certainty,
frames, text), the same per-SA message and retransmission counts, the same
ESP replays and packets, and one capture duplicate per IKE/ESP/keepalive/ICMP
frame and IP fragment.  The answers on the originals are themselves checked against
independent sources by check_diag.py, check_lab.py and check_gdoi.py.

Controls, so that the check can fail: with --dup-window 0 every copy is a
retransmission again; copies 1 s apart (an IKE stack's retransmission timer)
are not duplicates; in a capture whose times are all zero (anonymised), or
one tick a packet (text2pcap), none is; with one time for all (a coarse clock)
a copy right after its original is.

Usage: check_dupes.py   (env IKECAP, default ./ikecap)
"""
import glob
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IKECAP = os.environ.get("IKECAP", os.path.join(ROOT, "ikecap"))
CUTS = (3, 5, 7, 9)

checks = failures = 0


def check(ok, what):
    global checks, failures
    checks += 1
    if not ok:
        failures += 1
        print("FAIL: " + what)


def read_pcap(path):
    """(header, endian, nanosecond, [(sec, frac, record bytes after the 16-byte header, orig_len)])."""
    b = open(path, "rb").read()
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None
    ns = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    off, frames = 24, []
    while off + 16 <= len(b):
        sec, frac, incl, orig = struct.unpack(e + "IIII", b[off:off + 16])
        frames.append((sec, frac, b[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    return b[:24], e, ns, frames


def write_pcap(path, hdr, e, frames):
    with open(path, "wb") as f:
        f.write(hdr)
        for sec, frac, data, orig in frames:
            f.write(struct.pack(e + "IIII", sec, frac, len(data), orig) + data)


def later(sec, frac, ns, us):
    unit = 1000 if ns else 1
    lim = 10 ** 9 if ns else 10 ** 6
    frac += us * unit
    return sec + frac // lim, frac % lim


def doubled(frames, ns, gap_us):
    out = []
    for sec, frac, data, orig in frames:
        out.append((sec, frac, data, orig))
        s2, f2 = later(sec, frac, ns, gap_us)
        out.append((s2, f2, data, orig))
    return out


def records(pcap, keys, extra=()):
    cmd = [IKECAP, "--no-progress", "-q", "-T", "json"] + list(extra) + ["-r", pcap]
    if keys:
        cmd[1:1] = ["-k", keys]
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, TZ="UTC", LC_ALL="C"))
    recs = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return out.returncode, recs


FRAME_REF = re.compile(r"\b(frames?|in) ([0-9][0-9,-]*[0-9]|[0-9])")


def map_text(text, f):
    """Frame numbers in a finding's text ("frame 9", "frames 3,5", "frames 29-31") through f."""
    return FRAME_REF.sub(lambda m: m.group(1) + " " + re.sub(r"[0-9]+", lambda n: str(f(int(n.group()))), m.group(2)),
                         text)


def answer(recs, f=lambda k: k):
    """What a capture says, frame numbers through f: findings, SAs, ESP SAs, counts."""
    ds = sorted((d["code"], d["certainty"], d.get("isakmp.ispi", ""), tuple(f(x) for x in d.get("frames", [])),
                 map_text(d.get("text", ""), f)) for d in recs if d.get("type") == "diagnosis")
    sas = sorted((s.get("isakmp.ispi"), s.get("ikecap.state"), s.get("ikecap.messages"),
                  s.get("ikecap.retransmits"), s.get("ikecap.decrypted_messages"))
                 for s in recs if s.get("type") == "sa")
    esp = sorted((s.get("esp.spi"), s.get("ikecap.esp_packets"), s.get("ikecap.esp_decrypted_packets"),
                  s.get("ikecap.esp_replays"), s.get("ikecap.esp_seq_gaps"))
                 for s in recs if s.get("type") == "esp_sa")
    st = next((r for r in recs if r.get("type") == "stats"), {})
    counts = tuple(st.get(k) for k in ("ikecap.ike", "ikecap.esp", "ikecap.keepalives", "ikecap.icmp_errors",
                                       "ikecap.retransmits", "ikecap.sas"))
    return ds, sas, esp, counts


def stat(recs, key):
    return next((r.get(key) for r in recs if r.get("type") == "stats"), None)


def read_again(st_orig):
    """The frames a doubled capture should call duplicates: those ikecap reads."""
    return sum(st_orig.get(k, 0) for k in ("ikecap.ike", "ikecap.ike_malformed", "ikecap.esp",
                                            "ikecap.esp_malformed", "ikecap.keepalives", "ikecap.icmp_errors"))


def compare(name, pcap, keys, td):
    parsed = read_pcap(pcap)
    if not parsed:
        return
    hdr, e, ns, frames = parsed
    if len({(s, f) for s, f, _, _ in frames}) < 2:
        return   # times that never move: nothing can be told a duplicate (see controls)
    for cut in (None,) + CUTS:
        part = frames if cut is None else frames[:cut]
        if cut is not None and cut >= len(frames):
            continue
        what = name + ("" if cut is None else " cut after frame %d" % cut)
        src = os.path.join(td, "orig.pcap")
        dup = os.path.join(td, "dup.pcap")
        write_pcap(src, hdr, e, part)
        write_pcap(dup, hdr, e, doubled(part, ns, 9))
        rc1, r1 = records(src, keys)
        rc2, r2 = records(dup, keys)
        if rc1 != rc2:
            check(False, "%s: exit %d once, %d doubled" % (what, rc1, rc2))
            continue
        a1, a2 = answer(r1, lambda k: 2 * k - 1), answer(r2)
        for i, part_name in enumerate(("findings", "IKE SAs", "ESP SAs", "counts")):
            check(a1[i] == a2[i], "%s doubled: %s differ:\n  once:    %s\n  doubled: %s" % (what, part_name, a1[i], a2[i]))
        st1 = next((r for r in r1 if r.get("type") == "stats"), {})
        # each IP fragment's copy is one too
        want = read_again(st1) + st1.get("ikecap.fragments_held", 0)
        check(stat(r2, "ikecap.duplicates") == want and
              stat(r2, "ikecap.fragments_held") == st1.get("ikecap.fragments_held"),
              "%s doubled: %s capture duplicates (expected %d), %s IP fragments held (once: %s)"
              % (what, stat(r2, "ikecap.duplicates"), want, stat(r2, "ikecap.fragments_held"),
                 st1.get("ikecap.fragments_held")))


def controls(td):
    lab = os.path.join(ROOT, "captures", "lab", "mm-psk-aes128-sha1-g2")
    hdr, e, ns, frames = read_pcap(lab + ".pcap")
    keys = lab + ".keys"
    _, once = records(lab + ".pcap", keys)
    ike = stat(once, "ikecap.ike")
    dup = os.path.join(td, "dup.pcap")

    write_pcap(dup, hdr, e, doubled(frames, ns, 9))
    _, r = records(dup, keys, ["--dup-window", "0"])
    check(stat(r, "ikecap.duplicates") == 0 and stat(r, "ikecap.retransmits") == ike,
          "--dup-window 0: every copy a retransmission (%s retransmits, %s IKE messages once)"
          % (stat(r, "ikecap.retransmits"), ike))
    check(any(s.get("ikecap.esp_replays") for s in r if s.get("type") == "esp_sa"),
          "--dup-window 0: ESP copies are replays")

    write_pcap(dup, hdr, e, doubled(frames, ns, 1000000))
    _, r = records(dup, keys)
    check(stat(r, "ikecap.duplicates") == 0 and stat(r, "ikecap.retransmits") == ike,
          "copies 1 s apart are retransmissions (%s duplicates, %s retransmits)"
          % (stat(r, "ikecap.duplicates"), stat(r, "ikecap.retransmits")))

    write_pcap(dup, hdr, e, doubled(frames, ns, 20001))
    _, r = records(dup, keys)
    check(stat(r, "ikecap.duplicates") == 0, "copies 20.001 ms apart: past the default window")
    _, r = records(dup, keys, ["--dup-window", "21"])
    check(stat(r, "ikecap.duplicates") == read_again(next(x for x in once if x["type"] == "stats")),
          "copies 20.001 ms apart with --dup-window 21: duplicates")

    # Times that tell nothing: all zero (anonymised), or one tick a packet (text2pcap).
    zero = [(0, 0, d, o) for _, _, d, o in frames]
    write_pcap(dup, hdr, e, zero + zero)
    _, r = records(dup, keys)
    check(stat(r, "ikecap.duplicates") == 0, "all times zero, the copies later in the file: no duplicates (%s)"
          % stat(r, "ikecap.duplicates"))
    write_pcap(dup, hdr, e, doubled(zero, ns, 0))
    _, r = records(dup, keys)
    check(stat(r, "ikecap.duplicates") == 0 and stat(r, "ikecap.retransmits") == ike,
          "all times zero, each copy right after its original: retransmissions, as they may be (%s duplicates)"
          % stat(r, "ikecap.duplicates"))
    still = [(1700000000, 0, d, o) for _, _, d, o in frames]
    write_pcap(dup, hdr, e, doubled(still, ns, 0))
    _, r = records(dup, keys)
    check(stat(r, "ikecap.duplicates") == read_again(next(x for x in once if x["type"] == "stats")),
          "one time for all (a coarse clock), each copy right after its original: duplicates (%s)"
          % stat(r, "ikecap.duplicates"))
    tick = [(1700000000, k, d, o) for k, (_, _, d, o) in enumerate(frames + frames)]
    write_pcap(dup, hdr, e, tick)
    _, r = records(dup, keys)
    check(stat(r, "ikecap.duplicates") == 0 and stat(r, "ikecap.retransmits") == ike,
          "times one tick a packet (text2pcap): copies are retransmissions (%s duplicates)"
          % stat(r, "ikecap.duplicates"))


def main():
    if not os.access(IKECAP, os.X_OK):
        print("check_dupes: no ikecap binary; run make first")
        return 2
    caps = sorted(glob.glob(os.path.join(ROOT, "captures", d, "*.pcap")) for d in ("lab", "live", "gdoi"))
    caps = [c for group in caps for c in group] + \
        sorted(glob.glob(os.path.join(ROOT, "captures", "synthetic", "diag-*.pcap")))
    with tempfile.TemporaryDirectory() as td:
        controls(td)
        for pcap in caps:
            keys = pcap[:-len(".pcap")] + ".keys"
            compare(os.path.relpath(pcap, ROOT), pcap, keys if os.path.exists(keys) else None, td)
    print("span-port duplicates: %d checks over %d captures, %d failed" % (checks, len(caps), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
