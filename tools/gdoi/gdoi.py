#!/usr/bin/python3
"""gdoi.py - a small GDOI (RFC 6407) key server (KS) and group member (GM).

Test-data generator for ikecap, not a product: one group, one member, PSK only.

    gdoi.py ks --scenario NAME --log KS.json          (in the KS namespace)
    gdoi.py gm --scenario NAME --log GM.json --ks IP (in the GM namespace)

Wire formats and rules followed (see captures/gdoi/README.md for the choices
where the RFCs leave room):
  RFC 2408 §3   ISAKMP header, generic payload header, data attributes
  RFC 2409 §5   Main Mode with pre-shared keys: SKEYID chain, HASH_I/HASH_R;
           App. B  encryption key expansion (Ka), IVs (phase 1 and per message id)
  RFC 6407 §2   phase 1 on UDP 848, SA payload DOI = 2 (GDOI)
           §3   GROUPKEY-PULL (exchange 32): HDR*,HASH(1),Ni,ID -> HASH(2),Nr,SA
                -> HASH(3) -> HASH(4),SEQ,KD
           §4   GROUPKEY-PUSH (exchange 33): HDR*,SEQ,SA,KD,SIG under the KEK
           §5   SA (DOI 2), SA KEK, SA TEK (ESP), KD, SEQ, GAP payloads
           §3.2 PULL messages 3/4 with KE (PFS: the KD's key material XORed with the new
                DH secret), CERT and POP (SIG payloads over Ni_b | Nr_b); see pull_pfs_pop()
  RFC 8263      GROUPKEY-PUSH ACK (exchange 35): HDR, HASH, SEQ, ID from the GM when the
                SA KEK carries KEK_ACK_REQUESTED (9); see ack_hash() for what is ours
  RFC 4303      ESP (tunnel mode; RFC 6407 §5.4.1 address preservation)

Python 3 with Debian's python3-cryptography (run it with /usr/bin/python3).
"""
import argparse
import hashlib
import hmac
import json
import os
import socket
import struct
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

try:  # python3-cryptography >= 43 moved 3DES
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:  # Debian 12: 38.0
    TripleDES = algorithms.TripleDES

PORT = 848
GROUP_ID = 999                      # Cisco "identity number 999"
PSK = b"gdoi-lab-psk"

# Payload types (RFC 2408 §3.1, RFC 6407 §5)
SA, KE, ID, CERT, HASH, SIG, NONCE, NOTIFY = 1, 4, 5, 6, 8, 9, 10, 11
SAK, SAT, KD, SEQ, GAP = 15, 16, 17, 18, 22
PNAME = {1: "SA", 2: "P", 3: "T", 4: "KE", 5: "ID", 6: "CERT", 8: "HASH", 9: "SIG", 10: "NONCE",
         11: "N", 15: "SAK", 16: "SAT", 17: "KD", 18: "SEQ", 22: "GAP"}
EX_MAIN, EX_PULL, EX_PUSH, EX_PUSH_ACK = 2, 32, 33, 35
DOI_GDOI = 2

# RFC 3526 group 14 (2048-bit MODP)
MODP14 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AACAA68FFFFFFFFFFFFFFFF", 16)

# Phase-1 suites: Oakley values of RFC 2409 App. A (+ IANA: AES-CBC 7, SHA2-256 4)
SUITES = {
    "aes256-sha256": dict(cipher="aes", oakley_enc=7, keylen=32, hash="sha256", oakley_hash=4, bs=16),
    "aes128-sha256": dict(cipher="aes", oakley_enc=7, keylen=16, hash="sha256", oakley_hash=4, bs=16),
    "3des-sha1": dict(cipher="3des", oakley_enc=5, keylen=24, hash="sha1", oakley_hash=2, bs=8),
}

# What each scenario does (the KS and the GM read the same table).
SCENARIOS = {
    # registration, then two good rekeys; ESP before and after each
    "gdoi-rekey": dict(suite="aes256-sha256", pushes=["ok", "ok"], answer_pull=True),
    # the KS never answers GROUPKEY-PULL message 1; the GM retransmits, gives up
    "gdoi-pull-unanswered": dict(suite="aes128-sha256", pushes=[], answer_pull=False),
    # rekey SEQ 2, the same datagram again (replay), then SEQ 3; 3DES/SHA1 phase 1
    "gdoi-rekey-replay": dict(suite="3des-sha1", pushes=["ok", "replay", "ok"], answer_pull=True),
    # rekey whose SIG does not verify (one bit flipped before encryption), then a good one
    "gdoi-rekey-badsig": dict(suite="aes256-sha256", pushes=["badsig", "ok"], answer_pull=True),
    # as gdoi-rekey (one rekey) but the phase-1 SA says DOI 1 (IPsec), not RFC 6407's 2: Wireshark
    # reads a DOI-2 SA in the GDOI layout only, so this is the capture it can decrypt the PULL of
    "gdoi-rekey-p1doi1": dict(suite="aes128-sha256", pushes=["ok"], answer_pull=True, p1_doi=1,
                              gap=False),  # Wireshark 4.0 stops at a GAP nested in the SA: leave it out here
    # the TEK has a 4 s lifetime and the KS never rekeys; the GM (wrongly) keeps sending on it past that
    "gdoi-tek-expired": dict(suite="aes128-sha256", pushes=[], answer_pull=True, tek_life=4,
                             esp_after_expiry=2, ks_linger=7.0),
    # after registration the GM also sends ESP on an SPI no key download announced
    "gdoi-tek-unannounced": dict(suite="aes128-sha256", pushes=[], answer_pull=True, rogue_esp=2),
    # the SA KEK asks for acknowledgements (RFC 8263): the GM answers each accepted rekey with an ACK
    "gdoi-rekey-ack": dict(suite="aes256-sha256", pushes=["ok", "ok"], answer_pull=True, ack=True),
    # RFC 6407 §3.2 PFS: KE_I in PULL3, KE_R in PULL4 (MODP 2048 as the phase 1); the KD's key
    # material XORed with that DH secret; one rekey after
    "gdoi-pull-pfs": dict(suite="aes256-sha256", pushes=["ok"], answer_pull=True, pfs=True),
    # CERT + POP in PULL3 (the GM's own RSA key) and PULL4 (the KS's rekey-signing key), no KE
    "gdoi-pull-pop": dict(suite="aes128-sha256", pushes=[], answer_pull=True, pop=True),
    # ACKs requested; the GM answers the rekey SEQ 2, not SEQ 3 (RFC 8263: the KS sees no ACK)
    "gdoi-rekey-noack": dict(suite="aes256-sha256", pushes=["ok", "ok"], answer_pull=True, ack=True,
                             ack_withheld=[3], esp_after_withheld=1.3),   # ESP 1.3 s on: the capture goes on
}


def hx(b):
    return b.hex()


# ---------------------------------------------------------------- encoding
def attr(t, v):
    """RFC 2408 §3.3 data attribute: TV when the value fits 16 bits and is an int."""
    if isinstance(v, int) and v < 0x10000:
        return struct.pack("!HH", 0x8000 | t, v)
    if isinstance(v, int):
        v = struct.pack("!I", v)
    return struct.pack("!HH", t, len(v)) + v


def chain(items, last_next=0):
    """Payloads [(type, body)] -> bytes with each generic header's Next Payload set."""
    out = b""
    for i, (_, body) in enumerate(items):
        nxt = items[i + 1][0] if i + 1 < len(items) else last_next
        out += struct.pack("!BBH", nxt, 0, 4 + len(body)) + body
    return out


def isakmp_hdr(ic, rc, nxt, exch, flags, msgid, length):
    return ic + rc + struct.pack("!BBBBII", nxt, 0x10, exch, flags, msgid, length)


def walk(first, buf):
    """Generic chain walk -> [(type, whole payload bytes, body)]; stops at 0 or garbage."""
    out, t, off = [], first, 0
    while t and off + 4 <= len(buf):
        nxt, _, ln = struct.unpack_from("!BBH", buf, off)
        if ln < 4 or off + ln > len(buf):
            break
        out.append((t, buf[off:off + ln], buf[off + 4:off + ln]))
        t, off = nxt, off + ln
    return out


def id_body(idtype, data, proto=0, port=0):
    """ID payload body (RFC 2407 §4.6.2): Type | Protocol | Port | Data."""
    return struct.pack("!BBH", idtype, proto, port) + data


def gdoi_id_block(idtype, port, data, lenlen=1):
    """SRC/DST ID of SA KEK / SA TEK: Type | Port(2) | Data Len | Data.  Data Len is one
    octet in the SA KEK (RFC 6407 §5.3) and two in the SA TEK (§5.4.1), as Wireshark reads them."""
    return struct.pack("!BH" + ("B" if lenlen == 1 else "H"), idtype, port, len(data)) + data


# ---------------------------------------------------------------- crypto
def prf(hname, key, data):
    return hmac.new(key, data, hname).digest()


def hsh(hname, data):
    return hashlib.new(hname, data).digest()


def cbc(cipher, key, iv, data, decrypt=False):
    alg = algorithms.AES(key) if cipher == "aes" else TripleDES(key)
    c = Cipher(alg, modes.CBC(iv))
    op = c.decryptor() if decrypt else c.encryptor()
    return op.update(data) + op.finalize()


def zero_pad(data, bs):
    return data + b"\0" * (-len(data) % bs)


class Phase1:
    """RFC 2409 §5 / App. B key material of one ISAKMP SA (PSK auth)."""

    def __init__(self, suite, doi=DOI_GDOI):
        self.sname, self.doi = suite, doi
        self.s = SUITES[suite]
        self.ic = self.rc = None
        self.p2iv = {}

    def sa_body(self):
        s = self.s
        attrs = attr(1, s["oakley_enc"]) + attr(2, s["oakley_hash"]) + attr(3, 1) + attr(4, 14)
        if s["cipher"] == "aes":
            attrs += attr(14, s["keylen"] * 8)
        attrs += attr(11, 1) + attr(12, 86400)          # life: seconds, 86400 (TLV)
        transform = struct.pack("!BBH", 1, 1, 0) + attrs  # #1, KEY_IKE
        proposal = struct.pack("!BBBB", 1, 1, 0, 1) + chain([(3, transform)])  # #1, PROTO_ISAKMP
        # RFC 6407 §2.1: the phase-1 SA payload carries the GDOI DOI (2); situation 0
        situation = 1 if self.doi == 1 else 0             # IPsec DOI: SIT_IDENTITY_ONLY
        return struct.pack("!II", self.doi, situation) + chain([(2, proposal)])

    def derive(self, gxy):
        h, s = self.s["hash"], self.s
        self.gxy = gxy
        self.skeyid = prf(h, PSK, self.ni + self.nr)
        self.skeyid_d = prf(h, self.skeyid, gxy + self.ic + self.rc + b"\0")
        self.skeyid_a = prf(h, self.skeyid, self.skeyid_d + gxy + self.ic + self.rc + b"\1")
        self.skeyid_e = prf(h, self.skeyid, self.skeyid_a + gxy + self.ic + self.rc + b"\2")
        ka = self.skeyid_e
        if len(ka) < s["keylen"]:                       # App. B: K = K1 | K2 ..., K1 = prf(SKEYID_e, 0)
            k, ka = prf(h, self.skeyid_e, b"\0"), b""
            while True:
                ka += k
                if len(ka) >= s["keylen"]:
                    break
                k = prf(h, self.skeyid_e, k)
        self.ka = ka[:s["keylen"]]
        self.iv0 = hsh(h, self.gxi + self.gxr)[:s["bs"]]  # App. B: IV = hash(g^xi | g^xr)
        self.iv = self.iv0

    def seal(self, hdr_fields, first, payloads, iv):
        """Encrypt a payload chain after HDR; returns (wire, plaintext, iv used, last block)."""
        body = zero_pad(payloads, self.s["bs"])
        ct = cbc(self.s["cipher"], self.ka, iv, body)
        ic, rc, exch, msgid = hdr_fields
        wire = isakmp_hdr(ic, rc, first, exch, 1, msgid, 28 + len(ct)) + ct
        return wire, body, ct[-self.s["bs"]:]

    def open(self, wire, iv):
        ct = wire[28:]
        return cbc(self.s["cipher"], self.ka, iv, ct, decrypt=True), ct[-self.s["bs"]:]

    def p2_iv(self, msgid):
        """App. B: the first IV of an exchange is hash(last phase-1 CBC block | M-ID)."""
        if msgid not in self.p2iv:
            self.p2iv[msgid] = hsh(self.s["hash"], self.last_p1 + struct.pack("!I", msgid))[:self.s["bs"]]
        return self.p2iv[msgid]

    def secrets(self):
        return dict(suite=self.sname, psk=PSK.decode(), icookie=hx(self.ic), rcookie=hx(self.rc),
                    nonce_i=hx(self.ni), nonce_r=hx(self.nr), ke_i_gxi=hx(self.gxi), ke_r_gxr=hx(self.gxr),
                    gxy=hx(self.gxy), SKEYID=hx(self.skeyid), SKEYID_d=hx(self.skeyid_d),
                    SKEYID_a=hx(self.skeyid_a), SKEYID_e=hx(self.skeyid_e), Ka=hx(self.ka), IV=hx(self.iv0),
                    phase2_iv_base_last_p1_block=hx(self.last_p1))


# ---------------------------------------------------------------- group policy (KS side)
def tek_sat(spi, life=3600):
    """SA TEK, ESP (RFC 6407 §5.4.1): permit gre any any, ESP_AES-128 + HMAC-SHA1, tunnel."""
    anyv4 = gdoi_id_block(4, 0, bytes(8), lenlen=2)     # ID_IPV4_ADDR_SUBNET 0.0.0.0/0
    attrs = (attr(1, 1) + attr(2, life)                 # SA life type seconds, duration (3600)
             + attr(4, 1)                               # encapsulation mode: tunnel
             + attr(5, 2)                               # authentication algorithm: HMAC-SHA
             + attr(6, 128)                             # key length 128
             + attr(14, 4)                              # address preservation: source-and-destination
             + attr(15, 3))                             # SA direction: symmetric
    return struct.pack("!BB", 1, 47) + anyv4 + anyv4 + struct.pack("!B", 12) + spi + attrs


class Group:
    def __init__(self, ks_ip, gm_ip, tek_life=3600, ack=False):
        self.tek_life, self.ack = tek_life, ack
        self.kek_spi = os.urandom(16)                   # the KEK cookie pair of GROUPKEY-PUSH
        self.kek_key = os.urandom(32)                   # AES-CBC-256
        self.kek_iv = os.urandom(16)
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.pub_der = self.rsa.public_key().public_bytes(serialization.Encoding.DER,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo)
        self.ks_ip, self.gm_ip = ks_ip, gm_ip
        self.teks = [self.new_tek()]
        self.seq = 1

    @staticmethod
    def new_tek():
        return dict(spi=os.urandom(4), enc_key=os.urandom(16), auth_key=os.urandom(20))

    def sak(self):
        """SA KEK (RFC 6407 §5.3): rekeys by UDP from KS:848 to GM:848."""
        src = gdoi_id_block(1, PORT, socket.inet_aton(self.ks_ip))
        dst = gdoi_id_block(1, PORT, socket.inet_aton(self.gm_ip))
        attrs = (attr(2, 3)                             # KEK_ALGORITHM: KEK_ALG_AES
                 + attr(3, 256)                         # KEK_KEY_LENGTH (bits)
                 + attr(4, 86400)                       # KEK_KEY_LIFETIME (seconds, variable length)
                 + attr(5, 3)                           # SIG_HASH_ALGORITHM: SIG_HASH_SHA256
                 + attr(6, 1)                           # SIG_ALGORITHM: SIG_ALG_RSA
                 + attr(7, 2048))                       # SIG_KEY_LENGTH (bits)
        if self.ack:
            attrs += attr(9, 1)                         # KEK_ACK_REQUESTED (RFC 8263): 1
        return struct.pack("!B", 17) + src + dst + self.kek_spi + bytes(4) + attrs

    def sa_payload(self, tek, with_kek=True, with_gap=True):
        """GDOI SA (RFC 6407 §5.2): DOI | Situation | SA Attribute Next Payload(2) | RESERVED(2) | nested."""
        items = []
        if with_kek:
            items.append((SAK, self.sak()))
        if with_gap:
            items.append((GAP, attr(1, 0) + attr(2, 30)))  # ACTIVATION 0 s, DEACTIVATION 30 s
        items.append((SAT, tek_sat(tek["spi"], self.tek_life)))
        return struct.pack("!IIHH", DOI_GDOI, 0, items[0][0], 0) + chain(items), [n for n, _ in items]

    def kd_payload(self, teks, with_kek=True, mask=None):
        """KD (RFC 6407 §5.6): #packets | RESERVED2 | key packets.  mask: the PULL's PFS DH secret,
        XORed into the secret key values (see pfs_xor)."""
        kps = []
        mk = PfsMask(mask)
        for t in teks:
            a = attr(1, mk(t["enc_key"])) + attr(2, mk(t["auth_key"]))  # TEK_ALGORITHM_KEY, TEK_INTEGRITY_KEY
            kps.append(struct.pack("!BBHB", 1, 0, 5 + 4 + len(a), 4) + t["spi"] + a)
        if with_kek:
            # KEK_ALGORITHM_KEY = IV | key (GDOI reference implementation); SIG_ALGORITHM_KEY = DER SPKI
            a = attr(1, mk(self.kek_iv + self.kek_key)) + attr(2, self.pub_der)
            kps.append(struct.pack("!BBHB", 2, 0, 5 + 16 + len(a), 16) + self.kek_spi + a)
        return struct.pack("!HH", len(kps), 0) + b"".join(kps)

    def secrets(self):
        return dict(group_id=GROUP_ID, tek_lifetime_s=self.tek_life, kek_lifetime_s=86400, ack_requested=self.ack,
                    kek_spi=hx(self.kek_spi), kek_alg="KEK_ALG_AES", kek_key_bits=256,
                    kek_key=hx(self.kek_key), kek_iv=hx(self.kek_iv), sig_hash="SIG_HASH_SHA256",
                    sig_alg="SIG_ALG_RSA", sig_key_bits=2048, sig_public_key_der=hx(self.pub_der),
                    teks=[tek_json(t) for t in self.teks])


class PfsMask:
    """PFS in GROUPKEY-PULL (RFC 6407 §3.2, after RFC 2412's IEXTKEY): the KS XORs the new DH secret
    into the KD's key material, the GM XORs it out.  The RFC does not pin the bytes down; ours: every
    secret key value (TEK_ALGORITHM_KEY, TEK_INTEGRITY_KEY, KEK_ALGORITHM_KEY; not the public
    SIG_ALGORITHM_KEY) XORed with g^xy (the KE's DH secret, modulus length) taken in order through
    the KD, one running offset: the KD stays parseable.  mask None: no PFS, values unchanged."""

    def __init__(self, gxy):
        self.gxy, self.off = gxy, 0

    def __call__(self, value):
        if not self.gxy:
            return value
        if self.off + len(value) > len(self.gxy):
            raise ValueError("KD key material longer than the DH secret")
        out = bytes(a ^ b for a, b in zip(value, self.gxy[self.off:]))
        self.off += len(value)
        return out


def self_signed(key, cn):
    """A self-signed X.509 certificate (DER) for CERT payloads (encoding 4, RFC 2408 §3.9)."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID
    import datetime
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.datetime(2024, 1, 1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(int.from_bytes(os.urandom(8), "big") >> 1).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=3650)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


def pop_sign(key, ni_b, nr_b):
    """POP (RFC 6407 §3.2): the sender's signature over Ni_b | Nr_b; ours RSA PKCS#1 v1.5 with
    SHA-256 (the phase-1 hash of our suites), in a SIG payload."""
    return key.sign(ni_b + nr_b, padding.PKCS1v15(), hashes.SHA256())


def pop_verify(cert_der, sig, ni_b, nr_b):
    from cryptography import x509
    try:
        x509.load_der_x509_certificate(cert_der).public_key().verify(sig, ni_b + nr_b, padding.PKCS1v15(),
                                                                       hashes.SHA256())
        return True
    except Exception:
        return False


def tek_json(t):
    return dict(spi=hx(t["spi"]), enc="ESP_AES-CBC-128", enc_key=hx(t["enc_key"]),
                auth="HMAC-SHA1-96", auth_key=hx(t["auth_key"]))


def ack_hash(kek_key, kek_spi, seq_and_id):
    """HASH of a GROUPKEY-PUSH ACK.  RFC 8263 derives an ACK key from the KEK and takes
    prf(ACK key, SEQ | ID); its text was not at hand when this was written, so this is our
    reading: ACK key = HMAC-SHA256(KEK key, "GROUPKEY-PUSH ACK" | KEK SPI), HASH =
    HMAC-SHA256(ACK key, SEQ payload | ID payload).  ikecap shows it, does not check it."""
    k = prf("sha256", kek_key, b"GROUPKEY-PUSH ACK" + kek_spi)
    return prf("sha256", k, seq_and_id)


# ---------------------------------------------------------------- ESP (RFC 4303)
def ip_checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ipv4(src, dst, proto, payload, ident):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", ip_checksum(h)) + h[12:] + payload


def gre_ping(src, dst, n):
    """The group's payload: IPv4/GRE (DMVPN-style) carrying an ICMP echo between tunnel addresses."""
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x6d64, n) + b"gdoi-lab group traffic %02d" % n
    icmp = icmp[:2] + struct.pack("!H", ip_checksum(icmp)) + icmp[4:]
    inner = ipv4("10.99.0.2", "10.99.0.1", 1, icmp, 0x100 + n)
    gre = struct.pack("!HH", 0, 0x0800) + inner
    return ipv4(src, dst, 47, gre, 0x200 + n)   # tunnel mode with address preservation


def esp_seal(tek, seq, inner):
    pad_len = -(len(inner) + 2) % 16
    pt = inner + bytes(range(1, pad_len + 1)) + struct.pack("!BB", pad_len, 4)  # next header 4: IPv4
    iv = os.urandom(16)
    body = tek["spi"] + struct.pack("!I", seq) + iv + cbc("aes", tek["enc_key"], iv, pt)
    return body + hmac.new(tek["auth_key"], body, "sha1").digest()[:12]


def esp_open(tek, pkt):
    body, icv = pkt[:-12], pkt[-12:]
    ok = hmac.compare_digest(hmac.new(tek["auth_key"], body, "sha1").digest()[:12], icv)
    pt = cbc("aes", tek["enc_key"], body[8:24], body[24:], decrypt=True)
    return ok, pt[:len(pt) - 2 - pt[-2]], pt[-1]


# ---------------------------------------------------------------- the two roles
class Peer:
    def __init__(self, role, scen, log_path, ks_ip, gm_ip):
        self.role, self.scen, self.log_path = role, SCENARIOS[scen], log_path
        self.ks_ip, self.gm_ip = ks_ip, gm_ip
        self.peer_ip = gm_ip if role == "ks" else ks_ip
        self.log = dict(role=role, scenario=scen, messages=[], events=[])
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((ks_ip if role == "ks" else gm_ip, PORT))
        self.p1 = Phase1(self.scen["suite"], self.scen.get("p1_doi", DOI_GDOI))

    def event(self, what, **kw):
        kw["what"], kw["t"] = what, round(time.time(), 6)
        self.log["events"].append(kw)
        print("%s: %s %s" % (self.role, what, json.dumps({k: v for k, v in kw.items() if k not in ("what", "t")})),
              file=sys.stderr)

    def record(self, direction, wire, exch, msgid, payloads, plaintext=None, iv=None, **extra):
        m = dict(dir=direction, wire=hx(wire), exchange=exch, msgid=msgid, payloads=payloads,
                 encrypted=plaintext is not None)
        if plaintext is not None:
            m["iv"], m["plaintext"] = hx(iv), hx(plaintext)
        m.update(extra)
        self.log["messages"].append(m)

    def send(self, wire):
        self.sock.sendto(wire, (self.peer_ip, PORT))

    def recv(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data, _ = self.sock.recvfrom(65535)
            return data
        except socket.timeout:
            return None

    def save(self):
        with open(self.log_path, "w") as f:
            json.dump(self.log, f, indent=1)

    # -------- Main Mode, both sides (RFC 2409 §5, §5.4 PSK)
    def main_mode(self):
        p1, s = self.p1, self.p1.s
        ini = self.role == "gm"
        x = int.from_bytes(os.urandom(32), "big")
        gx = pow(2, x, MODP14).to_bytes(256, "big")
        nonce = os.urandom(32)
        if ini:
            p1.ic, p1.rc = os.urandom(8), bytes(8)
            sa = p1.sa_body()
            mm1 = isakmp_hdr(p1.ic, p1.rc, SA, EX_MAIN, 0, 0, 0) + chain([(SA, sa)])
            mm1 = mm1[:24] + struct.pack("!I", len(mm1)) + mm1[28:]
            self.send(mm1)
            self.record("gm->ks", mm1, "main", 0, ["SA"])
            mm2 = self.recv(5)
            p1.rc = mm2[8:16]
            self.record("ks->gm", mm2, "main", 0, ["SA"])
            p1.sai_b = sa
        else:
            mm1 = self.recv(30)
            if mm1 is None:
                raise SystemExit("ks: no MM1")
            p1.ic, p1.rc = mm1[:8], os.urandom(8)
            self.record("gm->ks", mm1, "main", 0, ["SA"])
            p1.sai_b = walk(mm1[16], mm1[28:])[0][2]
            mm2 = isakmp_hdr(p1.ic, p1.rc, SA, EX_MAIN, 0, 0, 28 + 4 + len(p1.sai_b)) + chain([(SA, p1.sai_b)])
            self.send(mm2)
            self.record("ks->gm", mm2, "main", 0, ["SA"])
        # MM3 / MM4: KE, Nonce
        body = chain([(KE, gx), (NONCE, nonce)])
        mine = isakmp_hdr(p1.ic, p1.rc, KE, EX_MAIN, 0, 0, 28 + len(body)) + body
        if ini:
            self.send(mine)
            self.record("gm->ks", mine, "main", 0, ["KE", "NONCE"])
            theirs = self.recv(5)
            self.record("ks->gm", theirs, "main", 0, ["KE", "NONCE"])
        else:
            theirs = self.recv(5)
            self.record("gm->ks", theirs, "main", 0, ["KE", "NONCE"])
            self.send(mine)
            self.record("ks->gm", mine, "main", 0, ["KE", "NONCE"])
        pl = walk(KE, theirs[28:])
        gy, their_nonce = pl[0][2], pl[1][2]
        gxy = pow(int.from_bytes(gy, "big"), x, MODP14).to_bytes(256, "big")
        if ini:
            p1.gxi, p1.gxr, p1.ni, p1.nr = gx, gy, nonce, their_nonce
        else:
            p1.gxi, p1.gxr, p1.ni, p1.nr = gy, gx, their_nonce, nonce
        p1.derive(gxy)
        p1.dh_private = hx(x.to_bytes(32, "big"))
        # MM5 / MM6: ID, HASH_I / HASH_R (RFC 2409 §5)
        h = s["hash"]
        hash_i = lambda idb: prf(h, p1.skeyid, p1.gxi + p1.gxr + p1.ic + p1.rc + p1.sai_b + idb)
        hash_r = lambda idb: prf(h, p1.skeyid, p1.gxr + p1.gxi + p1.rc + p1.ic + p1.sai_b + idb)
        my_id = id_body(1, socket.inet_aton(self.gm_ip if ini else self.ks_ip), 17, PORT)
        verdict = {}
        if ini:
            payloads = chain([(ID, my_id), (HASH, hash_i(my_id))])
            wire, pt, last = p1.seal((p1.ic, p1.rc, EX_MAIN, 0), ID, payloads, p1.iv)
            self.send(wire)
            self.record("gm->ks", wire, "main", 0, ["ID", "HASH"], pt, p1.iv)
            p1.iv = last
            mm6 = self.recv(5)
            pt6, last = p1.open(mm6, p1.iv)
            pl = walk(ID, pt6)
            ok = hmac.compare_digest(pl[1][2], hash_r(pl[0][2]))
            self.record("ks->gm", mm6, "main", 0, ["ID", "HASH"], pt6, p1.iv, hash_ok=ok)
            verdict["HASH_R"] = ok
            p1.iv = p1.last_p1 = last
        else:
            mm5 = self.recv(5)
            pt5, last = p1.open(mm5, p1.iv)
            pl = walk(ID, pt5)
            ok = hmac.compare_digest(pl[1][2], hash_i(pl[0][2]))
            self.record("gm->ks", mm5, "main", 0, ["ID", "HASH"], pt5, p1.iv, hash_ok=ok)
            verdict["HASH_I"] = ok
            p1.iv = last
            payloads = chain([(ID, my_id), (HASH, hash_r(my_id))])
            wire, pt, last = p1.seal((p1.ic, p1.rc, EX_MAIN, 0), ID, payloads, p1.iv)
            self.send(wire)
            self.record("ks->gm", wire, "main", 0, ["ID", "HASH"], pt, p1.iv)
            p1.iv = p1.last_p1 = last
        self.event("phase1_done", **verdict)
        self.log["phase1"] = p1.secrets()
        self.log["phase1"]["dh_private_" + self.role] = p1.dh_private

    # -------- GROUPKEY-PULL helpers (RFC 6407 §3.2)
    def pull_hash(self, msgid, data):
        return prf(self.p1.s["hash"], self.p1.skeyid_a, struct.pack("!I", msgid) + data)

    def pull_seal(self, msgid, first, payloads):
        iv = self.p1.p2_iv(msgid)
        wire, pt, last = self.p1.seal((self.p1.ic, self.p1.rc, EX_PULL, msgid), first, payloads, iv)
        self.p1.p2iv[msgid] = last
        return wire, pt, iv

    def pull_open(self, wire):
        msgid = struct.unpack_from("!I", wire, 20)[0]
        iv = self.p1.p2_iv(msgid)
        pt, last = self.p1.open(wire, iv)
        self.p1.p2iv[msgid] = last
        return msgid, walk(wire[16], pt), pt, iv


class KeyServer(Peer):
    def run(self):
        self.group = Group(self.ks_ip, self.gm_ip, self.scen.get("tek_life", 3600), self.scen.get("ack", False))
        self.raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)  # takes the group ESP (no ICMP unreachable)
        self.main_mode()
        g, p1 = self.group, self.p1
        # m1: HASH(1), Ni, ID
        m1 = self.recv(10)
        msgid, pl, pt, iv = self.pull_open(m1)
        ni_pl, id_pl = pl[1], pl[2]
        ok = hmac.compare_digest(pl[0][2], self.pull_hash(msgid, ni_pl[1] + id_pl[1]))
        self.record("gm->ks", m1, "pull", msgid, ["HASH", "NONCE", "ID"], pt, iv, hash_ok=ok, hash_name="HASH(1)")
        self.event("pull1_received", msgid=msgid, hash1_ok=ok, group_id=hx(id_pl[2][4:]))
        if not self.scen["answer_pull"]:
            deadline = time.time() + 6                  # swallow the retransmissions, answer nothing
            while time.time() < deadline:
                d = self.recv(deadline - time.time())
                if d:
                    self.record("gm->ks", d, "pull", msgid, ["HASH", "NONCE", "ID"], retransmission=True)
                    self.event("pull1_ignored", msgid=msgid)
            self.log["group"] = g.secrets()
            return
        ni_b = ni_pl[2]
        nr = os.urandom(32)
        sa, sa_names = g.sa_payload(g.teks[0], with_gap=self.scen.get("gap", True))
        rest = chain([(NONCE, nr), (SA, sa)])
        h2 = self.pull_hash(msgid, ni_b + rest)
        wire, pt, iv = self.pull_seal(msgid, HASH, chain([(HASH, h2)], NONCE) + rest)
        self.send(wire)
        self.record("ks->gm", wire, "pull", msgid, ["HASH", "NONCE", "SA"] + ["SA/" + PNAME[n] for n in sa_names],
                    pt, iv, hash_name="HASH(2)", hash=hx(h2))
        # m3: HASH(3) [, KE_I] [, CERT, POP_I]   (RFC 6407 §3.2)
        m3 = self.recv(5)
        _, pl, pt, iv = self.pull_open(m3)
        ok = hmac.compare_digest(pl[0][2], self.pull_hash(msgid, ni_b + nr + b"".join(w for _, w, _ in pl[1:])))
        got = {t: b for t, _, b in pl[1:]}
        extra = {}
        if CERT in got and SIG in got:
            extra["pop_ok"] = pop_verify(got[CERT][1:], got[SIG], ni_b, nr)
        self.record("gm->ks", m3, "pull", msgid, [PNAME[t] for t, _, _ in pl], pt, iv, hash_ok=ok,
                    hash_name="HASH(3)", **extra)
        # m4: HASH(4) [, KE_R], SEQ, KD [, CERT, POP_R]
        items, mask = [], None
        if KE in got:
            y = int.from_bytes(os.urandom(32), "big")
            ke_r = pow(2, y, MODP14).to_bytes(256, "big")
            mask = pow(int.from_bytes(got[KE], "big"), y, MODP14).to_bytes(256, "big")
            items.append((KE, ke_r))
            self.log["pfs"] = dict(dh_group=14, ke_i=hx(got[KE]), ke_r=hx(ke_r), dh_private_ks=hx(y.to_bytes(32, "big")),
                                   gxy=hx(mask), msgid=msgid)
        items += [(SEQ, struct.pack("!I", g.seq)), (KD, g.kd_payload(g.teks, mask=mask))]
        if self.scen.get("pop"):
            cert = self_signed(g.rsa, "gdoi-lab key server")
            items += [(CERT, b"\x04" + cert), (SIG, pop_sign(g.rsa, ni_b, nr))]
            self.log["ks_cert"] = hx(cert)
        rest = chain(items)
        h4 = self.pull_hash(msgid, ni_b + nr + rest)
        wire, pt, iv = self.pull_seal(msgid, HASH, chain([(HASH, h4)], items[0][0]) + rest)
        self.send(wire)
        self.record("ks->gm", wire, "pull", msgid, ["HASH"] + [PNAME[t] for t, _ in items], pt, iv,
                    hash_name="HASH(4)", hash=hx(h4), seq=g.seq, kd_masked=mask is not None)
        self.event("pull_done", msgid=msgid, seq=g.seq)
        self.pump_esp(1.0)
        last = None
        for kind in self.scen["pushes"]:
            if kind == "replay":
                wire = last
                self.event("push_replayed", seq=g.seq)
                self.record("ks->gm", wire, "push", 0, [], replay_of_seq=g.seq)
            else:
                wire = self.push(kind)
                last = wire
            self.send(wire)
            if self.scen.get("ack") and kind != "replay":
                ack = self.recv(1.0)
                if ack:
                    self.on_ack(ack)
                else:
                    self.event("ack_missing", seq=g.seq)
            self.pump_esp(1.0)
        self.pump_esp(self.scen.get("ks_linger", 1.5))
        self.log["group"] = g.secrets()

    def on_ack(self, wire):
        """GROUPKEY-PUSH ACK (RFC 8263): HDR, HASH, SEQ, ID in the clear under the KEK cookies."""
        g = self.group
        pl = walk(wire[16], wire[28:])
        names = [PNAME.get(t, str(t)) for t, _, _ in pl]
        seq = struct.unpack("!I", pl[1][2])[0] if len(pl) > 1 and pl[1][0] == SEQ else None
        ok = (wire[:16] == g.kek_spi and wire[18] == EX_PUSH_ACK and len(pl) == 3 and
              hmac.compare_digest(pl[0][2], ack_hash(g.kek_key, g.kek_spi, pl[1][1] + pl[2][1])))
        self.record("gm->ks", wire, "push-ack", 0, names, seq=seq, hash_ok=ok)
        self.event("ack_received", seq=seq, hash_ok=ok)

    def push(self, kind):
        """GROUPKEY-PUSH (RFC 6407 §4): HDR*, SEQ, SA(SAK, SAT), KD(TEK), SIG under the KEK."""
        g = self.group
        g.seq += 1
        tek = g.new_tek()
        g.teks.append(tek)
        sa, sa_names = g.sa_payload(tek, with_kek=True, with_gap=False)
        items = [(SEQ, struct.pack("!I", g.seq)), (SA, sa), (KD, g.kd_payload([tek], with_kek=False))]
        body = chain(items, last_next=SIG)
        siglen = 256
        ic, rc = g.kek_spi[:8], g.kek_spi[8:]
        # Signed: "rekey" | HDR | SEQ..KD; HDR with the E flag and the length of the unpadded
        # message including the SIG payload (as the GDOI reference implementation does).
        hdr_signed = isakmp_hdr(ic, rc, SEQ, EX_PUSH, 1, 0, 28 + len(body) + 4 + siglen)
        signed = b"rekey" + hdr_signed + body
        sig = g.rsa.sign(signed, padding.PKCS1v15(), hashes.SHA256())
        good_sig = sig
        if kind == "badsig":
            sig = sig[:100] + bytes([sig[100] ^ 0x01]) + sig[101:]
        pt = zero_pad(body + chain([(SIG, sig)]), 16)
        ct = cbc("aes", g.kek_key, g.kek_iv, pt)        # static IV from the KD (KEK_ALGORITHM_KEY)
        wire = isakmp_hdr(ic, rc, SEQ, EX_PUSH, 1, 0, 28 + len(ct)) + ct
        self.record("ks->gm", wire, "push", 0, ["SEQ", "SA"] + ["SA/" + PNAME[n] for n in sa_names] + ["KD", "SIG"],
                    pt, g.kek_iv, seq=g.seq, new_tek=tek_json(tek), signed_input=hx(signed),
                    signed_hash_sha256=hx(hashlib.sha256(signed).digest()), signature=hx(sig),
                    signature_corrupted=kind == "badsig", signature_good=hx(good_sig) if kind == "badsig" else None)
        self.event("push_sent", seq=g.seq, spi=hx(tek["spi"]), kind=kind)
        return wire

    def pump_esp(self, secs):
        """Read (and check) the group ESP the GM sends, for `secs` seconds."""
        end = time.time() + secs
        while time.time() < end:
            self.raw.settimeout(max(0.01, end - time.time()))
            try:
                pkt = self.raw.recv(65535)
            except socket.timeout:
                break
            esp = pkt[(pkt[0] & 15) * 4:]
            tek = next((t for t in self.group.teks if t["spi"] == esp[:4]), None)
            if tek is None:
                self.event("esp_unknown_spi", spi=hx(esp[:4]))
                continue
            ok, inner, nh = esp_open(tek, esp)
            self.event("esp_received", spi=hx(esp[:4]), seq=struct.unpack_from("!I", esp, 4)[0], icv_ok=ok,
                       next_header=nh, inner_len=len(inner))


class Member(Peer):
    def run(self):
        self.esp_sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
        self.main_mode()
        p1 = self.p1
        msgid = struct.unpack("!I", os.urandom(4))[0] | 1
        ni = os.urandom(32)
        rest = chain([(NONCE, ni), (ID, id_body(11, struct.pack("!I", GROUP_ID)))])  # ID_KEY_ID, 4-octet group
        h1 = self.pull_hash(msgid, rest)
        wire, pt, iv = self.pull_seal(msgid, HASH, chain([(HASH, h1)], NONCE) + rest)
        m2 = None
        for attempt in range(3):                        # RFC 2408-style retransmission of the same datagram
            self.send(wire)
            self.record("gm->ks", wire, "pull", msgid, ["HASH", "NONCE", "ID"], pt, iv, hash_name="HASH(1)",
                        hash=hx(h1), retransmission=attempt > 0)
            m2 = self.recv(2.0)
            if m2:
                break
            self.event("pull1_timeout", attempt=attempt + 1)
        if m2 is None:
            self.event("pull_gave_up", msgid=msgid)
            return
        _, pl, pt, iv = self.pull_open(m2)
        nr, sa = pl[1], pl[2]
        ok = hmac.compare_digest(pl[0][2], self.pull_hash(msgid, ni + nr[1] + sa[1]))
        self.record("ks->gm", m2, "pull", msgid, ["HASH", "NONCE", "SA"], pt, iv, hash_ok=ok, hash_name="HASH(2)")
        nr_b = nr[2]
        # m3: HASH(3) [, KE_I] [, CERT, POP_I]   (RFC 6407 §3.2)
        items, x = [], None
        if self.scen.get("pfs"):
            x = int.from_bytes(os.urandom(32), "big")
            items.append((KE, pow(2, x, MODP14).to_bytes(256, "big")))
            self.log["pfs_gm"] = dict(dh_private_gm=hx(x.to_bytes(32, "big")), ke_i=hx(items[0][1]))
        if self.scen.get("pop"):
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            cert = self_signed(key, "gdoi-lab group member")
            items += [(CERT, b"\x04" + cert), (SIG, pop_sign(key, ni, nr_b))]
            self.log["gm_cert"] = hx(cert)
        rest = chain(items)
        h3 = self.pull_hash(msgid, ni + nr_b + rest)
        wire, pt, iv = self.pull_seal(msgid, HASH, chain([(HASH, h3)], items[0][0] if items else 0) + rest)
        self.send(wire)
        self.record("gm->ks", wire, "pull", msgid, ["HASH"] + [PNAME[t] for t, _ in items], pt, iv,
                    hash_name="HASH(3)", hash=hx(h3))
        m4 = self.recv(5)
        _, pl, pt, iv = self.pull_open(m4)
        ok4 = hmac.compare_digest(pl[0][2], self.pull_hash(msgid, ni + nr_b + b"".join(w for _, w, _ in pl[1:])))
        got = {t: b for t, _, b in pl[1:]}
        self.seq = struct.unpack("!I", got[SEQ])[0]
        mask, extra = None, {}
        if KE in got and x is not None:
            mask = pow(int.from_bytes(got[KE], "big"), x, MODP14).to_bytes(256, "big")
            self.log["pfs_gm"]["gxy"] = hx(mask)
        if CERT in got and SIG in got:
            extra["pop_ok"] = pop_verify(got[CERT][1:], got[SIG], ni, nr_b)
        kd = self.parse_kd(got[KD], mask)
        self.record("ks->gm", m4, "pull", msgid, [PNAME[t] for t, _, _ in pl], pt, iv, hash_ok=ok4,
                    hash_name="HASH(4)", seq=self.seq, **extra)
        self.kek = kd["kek"]
        self.teks = kd["teks"]
        self.current = self.teks[0]
        self.esp_seq = {}
        self.event("registered", hash2_ok=ok, hash4_ok=ok4, seq=self.seq, tek_spi=hx(self.current["spi"]))
        self.send_esp(2)
        if self.scen.get("rogue_esp"):
            # an SPI no KD announced, with keys nobody gave out
            rogue = self.current
            self.current = Group.new_tek()
            self.event("rogue_tek", spi=hx(self.current["spi"]))
            self.send_esp(self.scen["rogue_esp"])
            self.current = rogue
        if self.scen.get("esp_after_expiry"):
            # a member that ignores the TEK lifetime (the KS never rekeyed): wait past it, send on
            time.sleep(self.scen["tek_life"] + 1.0)
            self.event("tek_lifetime_over", spi=hx(self.current["spi"]), lifetime_s=self.scen["tek_life"])
            self.send_esp(self.scen["esp_after_expiry"])
        while True:
            d = self.recv(3.0)
            if d is None:
                break
            self.on_push(d)
        self.log["gm_view"] = dict(kek=dict(spi=hx(self.kek["spi"]), key=hx(self.kek["key"]), iv=hx(self.kek["iv"]),
                                            sig_public_key_der=hx(self.kek["pub"])),
                                   teks=[tek_json(t) for t in self.teks], last_seq=self.seq)

    @staticmethod
    def parse_kd(body, mask=None):
        n = struct.unpack_from("!H", body)[0]
        off, out = 4, dict(teks=[], kek=None)
        mk = PfsMask(mask)
        for _ in range(n):
            typ, _, ln, spisz = struct.unpack_from("!BBHB", body, off)
            spi = body[off + 5:off + 5 + spisz]
            a, attrs = off + 5 + spisz, {}
            while a < off + ln:
                t, l = struct.unpack_from("!HH", body, a)
                v = body[a + 4:a + 4 + l]
                attrs[t] = mk(v) if (typ == 1 and t in (1, 2)) or (typ == 2 and t == 1) else v
                a += 4 + l
            if typ == 1:
                out["teks"].append(dict(spi=spi, enc_key=attrs[1], auth_key=attrs[2]))
            elif typ == 2:
                out["kek"] = dict(spi=spi, iv=attrs[1][:16], key=attrs[1][16:], pub=attrs[2])
            off += ln
        return out

    def on_push(self, wire):
        exch = wire[18]
        if exch != EX_PUSH or wire[:16] != self.kek["spi"]:
            self.event("unexpected_message", exchange=exch)
            return
        pt = cbc("aes", self.kek["key"], self.kek["iv"], wire[28:], decrypt=True)
        pl = walk(wire[16], pt)
        names = [PNAME.get(t, str(t)) for t, _, _ in pl]
        seq = struct.unpack("!I", pl[0][2])[0]
        sig_pl = pl[-1]
        body = b"".join(p for _, p, _ in pl[:-1])
        hdr = wire[:24] + struct.pack("!I", 28 + len(body) + len(sig_pl[1]))
        pub = serialization.load_der_public_key(self.kek["pub"])
        try:
            pub.verify(sig_pl[2], b"rekey" + hdr + body, padding.PKCS1v15(), hashes.SHA256())
            sig_ok = True
        except Exception:
            sig_ok = False
        seq_ok = seq > self.seq
        accepted = sig_ok and seq_ok
        self.record("ks->gm", wire, "push", 0, names, pt, self.kek["iv"], seq=seq, signature_ok=sig_ok,
                    seq_ok=seq_ok, accepted=accepted)
        self.event("push_received", seq=seq, signature_ok=sig_ok, seq_ok=seq_ok, accepted=accepted,
                   last_seq=self.seq)
        if not accepted:
            return
        self.seq = seq
        sak = self.kek_ack_requested(next(b for t, _, b in pl if t == SA))
        if sak and seq in self.scen.get("ack_withheld", []):
            self.event("ack_withheld", seq=seq)     # asked for, never sent
        elif sak:
            self.send_ack(wire, pl[0][1])
        kd = self.parse_kd(next(b for t, _, b in pl if t == KD))
        self.teks += kd["teks"]
        self.current = kd["teks"][0]
        self.send_esp(2)
        if seq in self.scen.get("ack_withheld", []) and self.scen.get("esp_after_withheld"):
            time.sleep(self.scen["esp_after_withheld"])
            self.send_esp(1)

    @staticmethod
    def kek_ack_requested(sa_body):
        """KEK_ACK_REQUESTED (9) among the SA KEK's attributes (SAK first in our SA)."""
        nested = walk(struct.unpack_from("!H", sa_body, 8)[0], sa_body[12:])
        for t, _, body in nested:
            if t != SAK:
                continue
            off = 1
            for _ in range(2):                          # SRC, DST ID: Type | Port(2) | Len(1) | Data
                off += 4 + body[off + 3]
            off += 16 + 4                               # SPI, POP algorithm + key length
            while off + 4 <= len(body):
                at, v = struct.unpack_from("!HH", body, off)
                if at & 0x7fff == 9:
                    return True
                off += 4 + (0 if at & 0x8000 else v)
        return False

    def send_ack(self, push_wire, seq_payload):
        """RFC 8263: HDR (KEK SPI, exchange 35, no flags, M-ID 0), HASH, SEQ, ID (the member)."""
        idp = chain([(ID, id_body(1, socket.inet_aton(self.gm_ip)))])
        seq_pl = struct.pack("!BBH", ID, 0, len(seq_payload)) + seq_payload[4:]   # the rekey's SEQ, Next = ID
        h = ack_hash(self.kek["key"], self.kek["spi"], seq_pl + idp)
        body = chain([(HASH, h)], SEQ) + seq_pl + idp
        wire = isakmp_hdr(self.kek["spi"][:8], self.kek["spi"][8:], HASH, EX_PUSH_ACK, 0, 0, 28 + len(body)) + body
        self.send(wire)
        seq = struct.unpack("!I", seq_payload[4:8])[0]
        self.record("gm->ks", wire, "push-ack", 0, ["HASH", "SEQ", "ID"], seq=seq, ack_hash=hx(h))
        self.event("ack_sent", seq=seq)

    def send_esp(self, n):
        t = self.current
        for _ in range(n):
            seq = self.esp_seq.get(t["spi"], 0) + 1
            self.esp_seq[t["spi"]] = seq
            inner = gre_ping(self.gm_ip, self.ks_ip, len(self.log["events"]))
            self.esp_sock.sendto(esp_seal(t, seq, inner), (self.ks_ip, 0))
            self.event("esp_sent", spi=hx(t["spi"]), seq=seq, inner=hx(inner))
            time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("role", choices=["ks", "gm"])
    ap.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    ap.add_argument("--log", required=True)
    ap.add_argument("--ks", default="198.51.100.1")
    ap.add_argument("--gm", default="198.51.100.2")
    a = ap.parse_args()
    peer = (KeyServer if a.role == "ks" else Member)(a.role, a.scenario, a.log, a.ks, a.gm)
    try:
        peer.run()
    finally:
        peer.save()


if __name__ == "__main__":
    main()
