#!/usr/bin/env python3
"""The known-Wireshark-limit rules of tests/compare_tshark.py fire where they
should, and only there.

Oracle: the capture bytes, read here with a small pcap parser that shares no
code with ikecap: a retransmission is a UDP payload byte-identical to an earlier
one (RFC 2408 has no retransmission marker); a responder message is one sent
from the address that sent the first message with a non-zero responder cookie
(RFC 2408 3.1); "encrypted" is the E flag, bit 0 of header byte 19.

  * captures/live/fail-psk-mismatch.pcap with keys: MM5 sent 4 times (frames
    5, 7, 9, 11, byte-identical);
    the responder's answers (6, 8, 10, 12) are under the other PSK.  Every
    difference with tshark must be classified "retransmit" exactly on the
    retransmitted frames and "psk-mismatch" exactly on the responder's
    encrypted frames; none unexplained.
  * a clean keyed capture: no rule fires, no difference.
  * cisco-frag-id, after-retransmit: hand-built records (no capture has them).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_tshark as ct  # noqa: E402

ROOT = ct.ROOT
fails = 0


def check(cond, what):
    global fails
    print("%s: %s" % ("ok" if cond else "FAIL", what))
    if not cond:
        fails += 1


def udp_payloads(path):
    """frame number -> (source IP bytes, UDP payload without a NAT-T non-ESP marker)."""
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link = struct.unpack(endian + "I", data[20:24])[0]
    off, n, out = 24, 0, {}
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        n += 1
        ip = pkt[14:] if link == 1 else pkt[16:] if link == 113 else pkt
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        udp = ip[ihl:]
        pl = udp[8:]
        if struct.unpack("!H", udp[2:4])[0] == 4500 or struct.unpack("!H", udp[0:2])[0] == 4500:
            if pl[:4] != b"\0\0\0\0":
                continue  # ESP in UDP (RFC 3948 2.2)
            pl = pl[4:]
        out[n] = (ip[12:16], pl)
    return out


def oracle(path):
    pls = udp_payloads(path)
    retx, resp_enc, seen, responder = set(), set(), set(), None
    for n in sorted(pls):
        src, pl = pls[n]
        if pl in seen:
            retx.add(n)
        seen.add(pl)
        if responder is None and len(pl) >= 28 and pl[8:16] != b"\0" * 8:
            responder = src
        if src == responder and len(pl) >= 28 and pl[19] & 1 and n not in retx:
            resp_enc.add(n)
    return retx, resp_enc


def rule_frames(known, rule):
    return {fr for fr, _, _, _, r in known if r == rule}


def main():
    cap = os.path.join(ROOT, "captures", "live", "fail-psk-mismatch.pcap")
    keys = [cap[: -len(".pcap")] + ".keys"]
    retx, resp_enc = oracle(cap)
    check(retx == {7, 9, 11}, "oracle: MM5 retransmitted in frames 7, 9, 11 (got %s)" % sorted(retx))
    check(resp_enc == {6, 8, 10, 12}, "oracle: responder's encrypted frames 6, 8, 10, 12 (got %s)"
          % sorted(resp_enc))
    name, _, agree, diffs, allow, known, err = ct.job(
        ("fail-psk-mismatch +keys", cap, "t", (ct.exported_opts(cap, keys), keys)))
    check(err is None, "keyed comparison ran (%s)" % err)
    check(not diffs and not allow, "no unexplained or allow-listed difference (%d, %d)" % (len(diffs), len(allow)))
    check(rule_frames(known, "retransmit") == retx,
          "rule 'retransmit' fires on exactly %s (got %s)" % (sorted(retx), sorted(rule_frames(known, "retransmit"))))
    check(rule_frames(known, "psk-mismatch") == resp_enc,
          "rule 'psk-mismatch' fires on exactly %s (got %s)"
          % (sorted(resp_enc), sorted(rule_frames(known, "psk-mismatch"))))
    check(agree > 0, "other fields agree (%d)" % agree)

    clean = os.path.join(ROOT, "captures", "live", "mm-psk-aes256-sha256-g14.pcap")
    ck = [clean[: -len(".pcap")] + ".keys"]
    _, _, agree, diffs, allow, known, err = ct.job(("clean +keys", clean, "t", (ct.exported_opts(clean, ck), ck)))
    check(err is None and agree > 0 and not diffs and not allow and not known,
          "clean capture: %d agree, no difference, no rule fires (%d known)" % (agree, len(known)))

    # Hand-built records: Cisco fragments reusing id 7 for a second message;
    # a retransmission followed by a new encrypted message.
    def frag(fid, last):
        return {"isakmp.ispi": "aa", "isakmp.payloads": [{"isakmp.frag.packetid": fid, "isakmp.frag.last": last}]}
    recs = [(1, frag(7, 0)), (2, frag(7, 1)), (3, frag(7, 0)), (4, frag(7, 1)), (5, frag(8, 1))]
    got = ct.classify_records(recs, {})
    check(set(got) == {3, 4, "3 reassembled", "4 reassembled"} and set(got.values()) == {"cisco-frag-id"},
          "rule 'cisco-frag-id' on the fragments reusing an id (got %s)" % sorted(map(str, got)))
    enc = {"isakmp.ispi": "bb", "ikecap.enc_len": 64, "ikecap.dir": "I>R"}
    recs = [(1, enc), (2, dict(enc, **{"ikecap.retransmit": True})), (3, dict(enc, **{"ikecap.dir": "R>I"})),
            (4, enc)]
    got = ct.classify_records(recs, {"bb": {}})
    check(got == {2: "retransmit", 3: "after-retransmit"},
          "rules 'retransmit' then 'after-retransmit' once (got %s)" % got)
    print("ws rules: %s" % ("passed" if not fails else "%d failed" % fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
