#!/usr/bin/env python3
"""Write hostile flood captures for the bounded-state benchmark (issue 9).

  gen_flood.py cookies N out.pcap   N Main Mode MM1s, each from its own spoofed
                                    address with its own initiator cookie
  gen_flood.py ipfrags N out.pcap   N first IP fragments (MF set, offset 0) of
                                    UDP/500 datagrams whose other fragments
                                    never come: N unfinished trains
  gen_flood.py mix N out.pcap       N packets: MM1s, first IP fragments and
                                    first IKEv1 fragments (payload 132) of
                                    distinct fragment trains, in turn

The packets are built from the RFCs, not from ikecap: ISAKMP header and SA
payload (RFC 2408 3.1, 3.4-3.6; IKE attributes RFC 2409 App. A), IPv4
fragmentation (RFC 791: MF flag, offset in 8-byte units), the IKEv1 Fragment
payload as strongSwan and Cisco send it (generic header, fragment id(2),
number(1), flags(1; bit 0 = last)).  Timestamps advance 1 us per packet, so
the whole capture spans about a second: nothing times out, every train is
still held when the next arrives, and only the limits bound the state.
"""
import struct
import sys

ETH = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
DST = bytes([192, 0, 2, 1])


def ip_checksum(h):
    s = sum(struct.unpack("!10H", h))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, ident, flags_off, payload):
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags_off, 64, 17, 0,
                              src, DST))
    struct.pack_into("!H", h, 10, ip_checksum(bytes(h)))
    return bytes(h) + payload


def udp(payload, udp_len=None):
    return struct.pack("!HHHH", 500, 500, udp_len if udp_len else 8 + len(payload), 0) + payload


def sa_payload():
    # Transform: KEY_IKE (1); AES-CBC (7) 128, SHA1 (2), PSK (1), group 2, 28800 s.
    attrs = struct.pack("!HHHHHHHHHHHH", 0x8001, 7, 0x800E, 128, 0x8002, 2, 0x8003, 1, 0x8004, 2, 0x800B, 1)
    attrs += struct.pack("!HHI", 0x000C, 4, 28800)
    tr = struct.pack("!BBHBBH", 0, 0, 8 + len(attrs), 1, 1, 0) + attrs
    prop = struct.pack("!BBHBBBB", 0, 0, 8 + len(tr), 1, 1, 0, 1) + tr
    body = struct.pack("!II", 1, 1) + prop              # DOI IPsec, situation identity only
    return struct.pack("!BBH", 0, 0, 4 + len(body)) + body


SA = sa_payload()


def mm1(icky):
    # next payload SA (1), version 1.0, exchange Main Mode (2), flags 0, message id 0
    return icky + b"\0" * 8 + struct.pack("!BBBBII", 1, 0x10, 2, 0, 0, 28 + len(SA)) + SA


def ikefrag1(icky, frag_id):
    data = bytes(range(64))                             # the first 64 bytes of a message that never completes
    body = struct.pack("!BBHHBB", 0, 0, 8 + len(data), frag_id, 1, 0) + data
    return icky + b"\0" * 8 + struct.pack("!BBBBII", 132, 0x10, 2, 0, 0, 28 + len(body)) + body


def src_of(i):
    return bytes([10, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])


def cookie(i, salt):
    return struct.pack("!II", 0x1C000000 | salt << 20 | (i >> 32 & 0xFFFFF), i & 0xFFFFFFFF)


def packet(kind, i):
    if kind == "mix":
        kind, i = ("cookies", "ipfrags", "ikefrags")[i % 3], i // 3
    src = src_of(i)
    if kind == "cookies":
        return ipv4(src, i & 0xFFFF, 0x4000, udp(mm1(cookie(i, 1))))
    if kind == "ipfrags":
        # First fragment: MF set, offset 0, 48 payload bytes of a 1000-byte datagram.
        return ipv4(src, i & 0xFFFF, 0x2000, udp(b"\0" * 40, udp_len=1000))
    return ipv4(src, i & 0xFFFF, 0x4000, udp(ikefrag1(cookie(i, 2), i & 0xFFFF)))


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("cookies", "ipfrags", "mix"):
        sys.exit(__doc__)
    kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    with open(path, "wb") as f:
        f.write(out)
        buf = []
        for i in range(n):
            frame = ETH + packet(kind, i)
            t = 1_700_000_000_000_000 + i
            buf.append(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), len(frame)) + frame)
            if len(buf) == 65536:
                f.write(b"".join(buf))
                buf.clear()
        f.write(b"".join(buf))


if __name__ == "__main__":
    main()
