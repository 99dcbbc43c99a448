#!/usr/bin/env python3
"""Make captures/synthetic/mm-psk-ikefrag.pcap: the lab capture
mm-psk-aes128-sha1-g2.pcap with MM5 (frame 7) sent as IKEv1 fragments
(payload 132, as strongSwan and Cisco send them: each fragment an ISAKMP
message with the same cookies, message id 0, one Fragment payload; the
fragments' data in order is the whole original ISAKMP message, header
included).  Fragment 2 comes first and is sent twice, to exercise
out-of-order and duplicate handling (the copy is 2 us after the first: a
capture duplicate to ikecap, which hands it to the reassembly only with
--dup-window 0).  Written by hand from the format, so the
test that reads it does not depend on ikecap.
"""
import struct
import sys

SRC = "captures/lab/mm-psk-aes128-sha1-g2.pcap"
DST = "captures/synthetic/mm-psk-ikefrag.pcap"


def read_pcap(path):
    data = open(path, "rb").read()
    hdr, off, out = data[:24], 24, []
    while off + 16 <= len(data):
        ts, tu, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        out.append([ts, tu, data[off + 16:off + 16 + incl]])
        off += 16 + incl
    return hdr, out


def ip_checksum(h):
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def reframe(frame, udp_payload):
    """Same Ethernet/IPv4/UDP headers, new UDP payload."""
    eth, ip = frame[:14], bytearray(frame[14:34])
    udp = bytearray(frame[34:42])
    struct.pack_into("!H", udp, 4, 8 + len(udp_payload))
    struct.pack_into("!H", udp, 6, 0)          # no UDP checksum
    struct.pack_into("!H", ip, 2, 20 + 8 + len(udp_payload))
    struct.pack_into("!H", ip, 10, 0)
    struct.pack_into("!H", ip, 10, ip_checksum(bytes(ip)))
    return eth + bytes(ip) + bytes(udp) + udp_payload


def fragment_msg(orig, frag_id, num, last, data):
    icky, rcky = orig[0:8], orig[8:16]
    body = struct.pack("!BBHHBB", 0, 0, 8 + len(data), frag_id, num, 1 if last else 0) + data
    hdr = icky + rcky + struct.pack("!BBBBII", 132, 0x10, orig[18], 0, 0, 28 + len(body))
    return hdr + body


def main():
    hdr, frames = read_pcap(SRC)
    ts, tu, mm5 = frames[6]                    # frame 7
    marker, isakmp = mm5[42:46], mm5[46:]
    assert marker == b"\0\0\0\0" and isakmp[16] == 5, "frame 7 is not MM5 behind a non-ESP marker"
    cut = [0, 40, 80, len(isakmp)]
    frags = [fragment_msg(isakmp, 7, i + 1, i == 2, isakmp[cut[i]:cut[i + 1]]) for i in range(3)]
    order = [1, 0, 1, 2]                       # #2, #1, #2 again, #3
    new = frames[:6]
    for k, i in enumerate(order):
        new.append([ts, tu + k, reframe(mm5, marker + frags[i])])
    new += frames[7:]
    with open(DST, "wb") as f:
        f.write(hdr)
        for ts_, tu_, d in new:
            f.write(struct.pack("<IIII", ts_, tu_, len(d), len(d)) + d)
    print(f"wrote {DST}: {len(new)} frames, MM5 ({len(isakmp)} bytes) in 3 fragments, frames 7-10")


if __name__ == "__main__":
    sys.exit(main())
