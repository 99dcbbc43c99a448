#!/usr/bin/env python3
"""Make the failure captures of captures/synthetic/diag-*.pcap from the lab ones.

Independent of ikecap: reads and writes classic pcap with struct, edits frames
(drops the answers, repeats a message the way a daemon retransmits it) and, for
two cases, adds one answer built from the RFC formats:

  INVALID-COOKIE    RFC 2408 §3.1 header + §3.14 Notification payload, in clear
  INVALID-ID-INFO   the same, encrypted as RFC 2409 §5.7 / Appendix B says:
                    IV = hash(last CBC block of phase 1 | M-ID), HASH(1) =
                    prf(SKEYID_a, M-ID | N), AES-CBC with Ka, using the
                    SKEYID_a / Ka that charon logged (lab truth.json)

Usage: make-diag-captures.py [LABDIR] [OUTDIR]   (defaults: captures/lab, captures/synthetic)
"""
import hashlib
import hmac
import json
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

LAB = sys.argv[1] if len(sys.argv) > 1 else "captures/lab"
OUT = sys.argv[2] if len(sys.argv) > 2 else "captures/synthetic"


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic == 0xA1B2C3D4, "classic little-endian microsecond pcap expected"
    hdr, off, frames = data[:24], 24, []
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        frames.append([sec, usec, data[off + 16:off + 16 + incl]])
        off += 16 + incl
    return hdr, frames


def write_pcap(path, hdr, frames):
    with open(path, "wb") as f:
        f.write(hdr)
        for sec, usec, b in frames:
            f.write(struct.pack("<IIII", sec, usec, len(b), len(b)))
            f.write(b)


def at(frame, base, dt):
    """A copy of frame with the timestamp base + dt seconds."""
    t = base[0] + base[1] / 1e6 + dt
    sec = int(t)
    return [sec, int(round((t - sec) * 1e6)), frame[2]]


def udp_payload(b):
    ihl = (b[14] & 0x0F) * 4
    return b[14 + ihl + 8:]


def ip_csum(h):
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def with_udp_payload(b, payload):
    """Frame b (Ethernet/IPv4/UDP) carrying another UDP payload: lengths and
    the IPv4 checksum fixed, UDP checksum 0 (allowed over IPv4, RFC 768)."""
    ihl = (b[14] & 0x0F) * 4
    ip = bytearray(b[14:14 + ihl])
    udp = bytearray(b[14 + ihl:14 + ihl + 8])
    struct.pack_into("!H", ip, 2, ihl + 8 + len(payload))
    struct.pack_into("!H", ip, 10, 0)
    struct.pack_into("!H", ip, 10, ip_csum(bytes(ip)))
    struct.pack_into("!H", udp, 4, 8 + len(payload))
    struct.pack_into("!H", udp, 6, 0)
    return b[:14] + bytes(ip) + bytes(udp) + payload


def isakmp_of(b):
    p = udp_payload(b)
    return p[4:] if p[:4] == b"\0\0\0\0" else p


def notify_payload(next_pt, ntype, protoid=1, spi=b""):
    """RFC 2408 §3.14: generic header, DOI 1, protocol, SPI size, type, SPI."""
    body = struct.pack("!IBBH", 1, protoid, len(spi), ntype) + spi
    return struct.pack("!BBH", next_pt, 0, 4 + len(body)) + body


def clear_info(icky, rcky, ntype, spi):
    n = notify_payload(0, ntype, 1, spi)
    hdr = icky + rcky + struct.pack("!BBBBII", 11, 0x10, 5, 0, 0, 28 + len(n))
    return hdr + n


def encrypted_info(icky, rcky, msgid, ntype, skeyid_a, ka, p1_last_block, protoid=3):
    n = notify_payload(0, ntype, protoid, b"")
    mid = struct.pack("!I", msgid)
    h1 = hmac.new(skeyid_a, mid + n, hashlib.sha1).digest()         # HASH(1), RFC 2409 §5.7
    hp = struct.pack("!BBH", 11, 0, 4 + len(h1)) + h1
    plain = hp + n
    plain += b"\0" * (-len(plain) % 16)
    iv = hashlib.sha1(p1_last_block + mid).digest()[:16]            # RFC 2409 Appendix B
    enc = Cipher(algorithms.AES(ka), modes.CBC(iv)).encryptor()
    ct = enc.update(plain) + enc.finalize()
    hdr = icky + rcky + struct.pack("!BBBBII", 8, 0x10, 5, 1, msgid, 28 + len(ct))
    return hdr + ct


def icmp_about(frame, icmp_type, icmp_code, src=None, rest=0, quote=None):
    """An ICMP error (RFC 792) quoting frame's IP datagram (whole, or its
    header and `quote` bytes more), sent back to its sender by its destination
    (or by src, a router on the path)."""
    b = frame[2]
    ihl = (b[14] & 0x0F) * 4
    body = struct.pack("!BBHI", icmp_type, icmp_code, 0, rest) + (b[14:] if quote is None else b[14:14 + ihl + quote])
    csum = ip_csum(body + (b"\0" if len(body) % 2 else b""))
    body = body[:2] + struct.pack("!H", csum) + body[4:]
    ip = bytearray(b[14:14 + 20])
    ip[0] = 0x45
    ip[9] = 1                                      # ICMP
    ip[12:16], ip[16:20] = src or b[14 + 16:14 + 20], b[14 + 12:14 + 16]
    struct.pack_into("!H", ip, 2, 20 + len(body))
    struct.pack_into("!H", ip, 10, 0)
    struct.pack_into("!H", ip, 10, ip_csum(bytes(ip)))
    eth = b[6:12] + b[0:6] + b[12:14]
    return [0, 0, eth + bytes(ip) + body]


def retransmits(frame, base, times):
    return [at(frame, base, t) for t in times]


def main():
    os.makedirs(OUT, exist_ok=True)
    made = []

    # mm-psk-aes128-sha1-g2: frames 3..8 MM1..MM6, 9..11 QM1..QM3 (1-based)
    hdr, fr = read_pcap(os.path.join(LAB, "mm-psk-aes128-sha1-g2.pcap"))
    mm1, mm2, mm3, mm4, mm5, mm6, qm1 = (fr[i] for i in range(2, 9))
    t0 = (mm1[0], mm1[1])

    # 1. no-response: MM1 and its retransmissions (charon: 4 s, then x1.8), nothing back.
    write_pcap(os.path.join(OUT, "diag-no-response.pcap"), hdr,
               [mm1] + retransmits(mm1, t0, [4.0, 11.2, 24.16]))
    made.append("diag-no-response.pcap")

    # 1b. no-response, proven: MM1 twice, each answered by the responder host
    #     with ICMP port unreachable (RFC 792 type 3 code 3) quoting the
    #     datagram, as Linux does when nothing listens on UDP 500.
    icmp = []
    for dt in (0.0, 4.0):
        icmp.append(at(mm1, t0, dt))
        icmp.append(at(icmp_about(mm1, 3, 3), t0, dt + 0.0002))
    write_pcap(os.path.join(OUT, "diag-no-response-icmp.pcap"), hdr, icmp)
    made.append("diag-no-response-icmp.pcap")

    # 1b'. The same with the ICMP errors quoting only the IP header and the
    #      first 8 bytes (the UDP header), the least RFC 792 asks of a router.
    icmp = []
    for dt in (0.0, 4.0):
        icmp.append(at(mm1, t0, dt))
        icmp.append(at(icmp_about(mm1, 3, 3, quote=8), t0, dt + 0.0002))
    write_pcap(os.path.join(OUT, "diag-no-response-icmp8.pcap"), hdr, icmp)
    made.append("diag-no-response-icmp8.pcap")

    # 1c. icmp-error, the path MTU: MM1..MM3, and a router (192.0.2.254) answers
    #     MM3 and its two retransmissions with fragmentation needed (RFC 1191:
    #     type 3 code 4, next-hop MTU 1200 in the second half of the header).
    router = bytes([192, 0, 2, 254])
    seq = [mm1, mm2]
    for dt in (0.0, 4.0, 11.2):
        seq.append(at(mm3, (mm3[0], mm3[1]), dt))
        seq.append(at(icmp_about(mm3, 3, 4, src=router, rest=1200), (mm3[0], mm3[1]), dt + 0.0003))
    write_pcap(os.path.join(OUT, "diag-icmp-mtu.pcap"), hdr, seq)
    made.append("diag-icmp-mtu.pcap")

    # 2. phase1-stalled: MM1..MM3, MM3 retransmitted, no MM4.
    write_pcap(os.path.join(OUT, "diag-mm3-stalled.pcap"), hdr,
               [mm1, mm2, mm3] + retransmits(mm3, (mm3[0], mm3[1]), [4.0, 11.2]))
    made.append("diag-mm3-stalled.pcap")

    # 3. psk-mismatch (likely): the UDP-500-only case (no NAT-T float) MM1..MM5,
    #    MM5 retransmitted, no MM6 and no notify.
    hdr5, fr5 = read_pcap(os.path.join(LAB, "mm-psk-aes128-sha1-g2-udp500-xfrm.pcap"))
    m5 = fr5[6]
    write_pcap(os.path.join(OUT, "diag-mm5-silent.pcap"), hdr5,
               fr5[2:7] + retransmits(m5, (m5[0], m5[1]), [4.0, 11.2]))
    made.append("diag-mm5-silent.pcap")

    # 4. invalid-cookie: phase 1 + QM1, then the responder answers in clear
    #    N(INVALID-COOKIE) with the cookie pair as SPI (a rebooted responder).
    ik = isakmp_of(qm1[2])
    icky, rcky = ik[:8], ik[8:16]
    reply = b"\0\0\0\0" + clear_info(icky, rcky, 4, icky + rcky)
    write_pcap(os.path.join(OUT, "diag-invalid-cookie.pcap"), hdr,
               [mm1, mm2, mm3, mm4, mm5, mm6, qm1,
                at([0, 0, with_udp_payload(fr[9][2], reply)], (qm1[0], qm1[1]), 0.002)])
    made.append("diag-invalid-cookie.pcap")

    # 5. proxy-id-mismatch: phase 1 + QM1, then the responder's encrypted
    #    N(INVALID-ID-INFORMATION) for ESP (keys: the lab truth.json).
    truth = json.load(open(os.path.join(LAB, "mm-psk-aes128-sha1-g2.truth.json")))
    kd = truth["ike_sas"][0]["key_derivations"][1]    # side b, the responder
    mm6_ct = isakmp_of(mm6[2])[28:]
    info = encrypted_info(icky, rcky, 0x2b1c0d0e, 18, bytes.fromhex(kd["SKEYID_a"]), bytes.fromhex(kd["Ka"]),
                          mm6_ct[-16:])
    write_pcap(os.path.join(OUT, "diag-proxy-id.pcap"), hdr,
               [mm1, mm2, mm3, mm4, mm5, mm6, qm1,
                at([0, 0, with_udp_payload(fr[9][2], b"\0\0\0\0" + info)], (qm1[0], qm1[1]), 0.003)])
    made.append("diag-proxy-id.pcap")

    # 6. pfs-mismatch (likely): the PFS case up to QM1 (KE inside), QM1 retransmitted, no QM2.
    hdr2, fr2 = read_pcap(os.path.join(LAB, "mm-psk-aes256-sha256-g14-pfs.pcap"))
    q1 = fr2[8]
    write_pcap(os.path.join(OUT, "diag-pfs-unanswered.pcap"), hdr2,
               fr2[2:9] + retransmits(q1, (q1[0], q1[1]), [4.0, 11.2]))
    made.append("diag-pfs-unanswered.pcap")

    # 7. natt-blocked, responder side: NAT-D shows the NAT, MM5 on 4500 never
    #    arrives; the responder sends MM4 again while it waits (at +4 and +11.2 s).
    hdr3, fr3 = read_pcap(os.path.join(LAB, "natt-responder-side.pcap"))
    m4 = fr3[5]
    write_pcap(os.path.join(OUT, "diag-natt-blocked-responder.pcap"), hdr3,
               fr3[2:6] + retransmits(m4, (m4[0], m4[1]), [4.0, 11.2]))
    made.append("diag-natt-blocked-responder.pcap")

    # 8. natt-blocked, initiator side: MM5 goes out on 4500 again and again, nothing back.
    hdr4, fr4 = read_pcap(os.path.join(LAB, "natt.pcap"))
    m5 = fr4[6]
    write_pcap(os.path.join(OUT, "diag-natt-blocked-initiator.pcap"), hdr4,
               fr4[2:7] + retransmits(m5, (m5[0], m5[1]), [4.0, 11.2]))
    made.append("diag-natt-blocked-initiator.pcap")

    # 8b. icmp-error, NAT-T: the same float, but the responder host answers each
    #     MM5 on UDP 4500 with port unreachable (nothing listens there).
    seq = fr4[2:6]
    for dt in (0.0, 4.0, 11.2):
        seq.append(at(m5, (m5[0], m5[1]), dt))
        seq.append(at(icmp_about(m5, 3, 3), (m5[0], m5[1]), dt + 0.0002))
    write_pcap(os.path.join(OUT, "diag-icmp-natt.pcap"), hdr4, seq)
    made.append("diag-icmp-natt.pcap")

    # 9. esp-seq-gap: the first lab case with one ESP packet lost on the way
    #    (frame 14, SPI 0x69522f12 sequence 2): the next one on that SPI
    #    (sequence 3) follows a gap of one.
    write_pcap(os.path.join(OUT, "diag-esp-seq-gap.pcap"), hdr, fr[:13] + fr[14:])
    made.append("diag-esp-seq-gap.pcap")

    for m in made:
        print(os.path.join(OUT, m))


if __name__ == "__main__":
    main()
