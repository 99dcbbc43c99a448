#!/usr/bin/env python3
"""tools/bench-mkcap.py - large benchmark captures built from the lab captures.

Usage: bench-mkcap.py ike|esp COUNT OUT.pcap KEYDIR [IKECAP]

  ike COUNT: COUNT IKE sessions (Main and Aggressive Mode, Quick Mode with
      and without PFS, Informational DELETEs, an RSA-signature exchange with
      certificates, a NO-PROPOSAL-CHOSEN and a PSK-mismatch failure), each a
      copy of a lab exchange with fresh random cookies, started 0.2 s apart.
  esp COUNT: COUNT ESP-in-UDP packets spread over 32 tunnels (64 SAs,
      AES-128-CBC + HMAC-SHA1-96, 100-byte ESP payloads), each tunnel a lab
      IKE exchange with fresh cookies followed by its ESP packets with fresh
      SPIs and sequence numbers counting up; the ICV is recomputed with the
      SA's integrity key (RFC 2404: HMAC-SHA1 over SPI..ciphertext, first 96
      bits), so every packet verifies and decrypts.

KEYDIR gets Wireshark's ikev1_decryption_table (new initiator cookie ->
the lab SA's phase-1 encryption key: the ciphertext is unchanged, so the
same key decrypts) and esp_sa (new SPI -> the lab SA's keys).  Both ikecap
(-k KEYDIR) and tshark (-o uat:...) read them.  UDP checksums are zeroed
(RFC 768: no checksum) since cookies and SPIs change.
"""
import hmac, os, random, struct, subprocess, sys, tempfile

LAB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "captures", "lab")
IKE_CASES = ["mm-psk-aes128-sha1-g2", "mm-psk-aes256-sha256-g14-pfs", "natt", "am-psk",
             "ikev1-esp-gcm", "mm-rsa-sig", "fail-no-proposal", "fail-psk-mismatch",
             "mm-psk-aes128-sha1-g2-udp500-xfrm"]
ESP_CASES = ["mm-psk-aes128-sha1-g2", "natt", "am-psk", "mm-rsa-sig"]   # all AES-128-CBC/HMAC-SHA1-96


def read_pcap(path):
    d = open(path, "rb").read()
    endian = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    hdr, off, recs = d[:24], 24, []
    while off + 16 <= len(d):
        ts, tu, cl, wl = struct.unpack(endian + "IIII", d[off:off + 16])
        recs.append((ts + tu / 1e6, bytearray(d[off + 16:off + 16 + cl])))
        off += 16 + cl
    return hdr, endian, recs


def classify(b):
    """(kind, offset of the UDP payload): kind ike | esp | None (Ethernet/IPv4/UDP only)."""
    if len(b) < 14 + 20 + 8 or b[12:14] != b"\x08\x00" or b[14] >> 4 != 4 or b[23] != 17:
        return None, 0
    ihl = (b[14] & 15) * 4
    u = 14 + ihl
    sport, dport = struct.unpack(">HH", b[u:u + 4])
    p = u + 8
    if 500 in (sport, dport):
        return "ike", p
    if 4500 in (sport, dport) and len(b) > p + 8:
        return ("ike", p + 4) if b[p:p + 4] == b"\0\0\0\0" else ("esp", p)
    return None, 0


def zero_udp_sum(b):
    ihl = (b[14] & 15) * 4
    b[14 + ihl + 6:14 + ihl + 8] = b"\0\0"


def lab_keys(case, ikecap):
    """Phase-1 keys {icookie: key} and ESP SAs {spi: (enc, auth, ekey, akey)} of a lab case."""
    with tempfile.TemporaryDirectory() as d:
        k = os.path.join(d, "k")
        kf = os.path.join(LAB, case + ".keys")
        subprocess.run([ikecap, "-q", "--no-progress", "--export-keys", k] + (["-k", kf] if os.path.exists(kf) else [])
                       + ["-r", os.path.join(LAB, case + ".pcap")], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        ike, esp = {}, {}
        try:
            for line in open(os.path.join(k, "ikev1_decryption_table")).read().split("\n"):
                if "," in line:
                    c, key = line.strip().split(",")
                    ike[c] = key
            for line in open(os.path.join(k, "esp_sa")):
                f = [x.strip('"') for x in line.strip().split('","')]
                if len(f) == 8:
                    esp[int(f[3], 16)] = (f[4], f[6], f[5], f[7])
        except FileNotFoundError:
            pass
    return ike, esp


class Writer:
    def __init__(self, hdr, endian):
        self.endian, self.parts = endian, [hdr]

    def add(self, t, b):
        s = int(t)
        self.parts.append(struct.pack(self.endian + "IIII", s, int(round((t - s) * 1e6)) % 1000000, len(b), len(b)))
        self.parts.append(bytes(b))

    def save(self, path):
        with open(path, "wb") as f:
            f.write(b"".join(self.parts))


def new_session(rng, recs, keys, table, ikeonly):
    """The case's packets with new cookies; returns [(reltime, kind, bytes)]."""
    ic, rc = rng.randbytes(8), rng.randbytes(8)
    out, t0 = [], None
    for t, b in recs:
        kind, p = classify(b)
        if kind is None or (ikeonly and kind != "ike"):
            continue
        b = bytearray(b)
        if kind == "ike":
            if b[p + 8:p + 16] != bytes(8):
                b[p + 8:p + 16] = rc
            old = b[p:p + 8].hex()
            b[p:p + 8] = ic
            if old in keys:
                table[ic.hex()] = keys[old]
        zero_udp_sum(b)
        t0 = t if t0 is None else t0
        out.append((t - t0, kind, b))
    return out


def main():
    mode, count, out, kdir = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    ikecap = sys.argv[5] if len(sys.argv) > 5 else "./ikecap"
    rng = random.Random(10)
    cases = IKE_CASES if mode == "ike" else ESP_CASES
    labs = {c: read_pcap(os.path.join(LAB, c + ".pcap")) for c in cases}
    keys = {c: lab_keys(c, ikecap) for c in cases}
    hdr, endian, _ = labs[cases[0]]
    w = Writer(hdr, endian)
    table, espsa = {}, {}
    base = 1700000000.0
    if mode == "ike":
        pk = []
        for i in range(count):
            c = cases[i % len(cases)]
            for rel, _, b in new_session(rng, labs[c][2], keys[c][0], table, True):
                pk.append((base + i * 0.2 + rel, len(pk), b))
        pk.sort()                          # sessions overlap: one time line
        for t, _, b in pk:
            w.add(t, b)
        npk = len(pk)
    else:
        ntun, t, npk = 32, base, 0
        tunnels = []
        for i in range(ntun):
            c = cases[i % len(cases)]
            pk = new_session(rng, labs[c][2], keys[c][0], table, False)
            for rel, kind, b in pk:
                if kind == "ike":
                    w.add(t + rel, b)
                    npk += 1
            t += 5
            spimap = {}
            esp = []
            for _, kind, b in pk:
                if kind != "esp":
                    continue
                _, p = classify(b)
                spi = struct.unpack(">I", b[p:p + 4])[0]
                if spi not in spimap:
                    new = rng.getrandbits(32) | 0x1000
                    spimap[spi] = new
                    espsa[new] = keys[c][1][spi]
                esp.append((p, b, spimap[spi]))
            tunnels.append(esp)
        seq = {}
        k = 0
        while k < count:
            for esp in tunnels:
                for p, b, spi in esp:
                    if k == count:
                        break
                    enc, auth, ekey, akey = espsa[spi]
                    s = seq.get(spi, 0) + 1
                    seq[spi] = s
                    b = bytearray(b)
                    b[p:p + 8] = struct.pack(">II", spi, s)
                    ak = bytes.fromhex(akey[2:])
                    b[-12:] = hmac.new(ak, bytes(b[p:-12]), "sha1").digest()[:12]
                    t += 0.00001
                    w.add(t, b)
                    k += 1
                    npk += 1
    w.save(out)
    os.makedirs(kdir, mode=0o700, exist_ok=True)
    old = os.umask(0o077)              # key files: 0600, as ikecap wants them
    with open(os.path.join(kdir, "ikev1_decryption_table"), "w") as f:
        for c, key in table.items():
            f.write(f"{c},{key}\n")
    with open(os.path.join(kdir, "esp_sa"), "w") as f:
        for spi, (enc, auth, ekey, akey) in espsa.items():
            f.write(f'"IPv4","*","*","0x{spi:08x}","{enc}","{ekey}","{auth}","{akey}"\n')
    os.umask(old)
    print(npk)


if __name__ == "__main__":
    main()
