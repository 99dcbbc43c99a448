#!/usr/bin/python3
"""mktruth.py - NAME.truth.json and NAME.keys from a GDOI capture and both peers' logs.

    mktruth.py --name NAME --pcap F --ks ks.json --gm gm.json --out DIR

Every message the KS and the GM logged is found in the pcap by its exact bytes
(frame numbers are 1-based, as tshark counts); the sender's record gives the IV
and plaintext, the receiver's record its verdicts (HASH, SEQ, signature).
"""
import argparse
import json
import os
import struct

EXCH = {2: "main", 32: "groupkey-pull", 33: "groupkey-push", 35: "groupkey-push-ack"}
DESCR = {
    "gdoi-rekey": "Registration (Main Mode PSK AES-CBC-256/SHA-256/MODP-2048, GROUPKEY-PULL) then two "
                  "GROUPKEY-PUSH rekeys (SEQ 2, 3); group ESP (GRE in ESP tunnel mode) on each TEK.",
    "gdoi-pull-unanswered": "Main Mode (AES-CBC-128/SHA-256) completes; the KS never answers GROUPKEY-PULL "
                            "message 1; the GM sends it three times (same datagram) and gives up.",
    "gdoi-rekey-replay": "Registration with a 3DES/SHA-1 phase 1; rekey SEQ 2, the same rekey datagram again "
                         "(SEQ replay: the GM rejects it), then rekey SEQ 3.",
    "gdoi-rekey-badsig": "Registration; a rekey (SEQ 2) whose RSA signature does not verify (one bit flipped "
                         "before encryption: the GM rejects it and keeps the old TEK), then a good rekey SEQ 3.",
    "gdoi-rekey-p1doi1": "As gdoi-rekey with one rekey and an AES-CBC-128/SHA-256 phase 1, but the phase-1 SA "
                         "payload carries DOI 1 (IPsec) instead of RFC 6407's 2, so that Wireshark (which reads a "
                         "DOI-2 SA in the GDOI layout only) learns the cipher and decrypts the GROUPKEY-PULL.",
    "gdoi-tek-expired": "Registration whose SA TEK has a 4 s lifetime; the KS never rekeys; the GM sends ESP on the "
                        "TEK, waits past its lifetime and sends on it again (ESP after expiry).",
    "gdoi-tek-unannounced": "Registration; ESP on the TEK, then ESP on an SPI no key download announced (the GM "
                            "made it up, with keys of its own).",
    "gdoi-rekey-ack": "As gdoi-rekey, but the SA KEK carries KEK_ACK_REQUESTED (RFC 8263) and the GM answers "
                      "each rekey with a GROUPKEY-PUSH ACK (exchange 35: HDR, HASH, SEQ, ID, unencrypted).",
    "gdoi-pull-pfs": "Registration with PFS (RFC 6407 §3.2): KE_I in GROUPKEY-PULL message 3, KE_R in message 4 "
                     "(MODP 2048, as the phase 1); the KD's secret key values are XORed with that DH secret; "
                     "one rekey (SEQ 2) after.",
    "gdoi-pull-pop": "Registration with CERT + POP (RFC 6407 §3.2): the GM sends its self-signed certificate and "
                     "a signature over Ni_b | Nr_b in message 3, the KS the same with its rekey-signing key in "
                     "message 4; no rekey.",
    "gdoi-rekey-noack": "As gdoi-rekey-ack, but the GM acknowledges only the rekey with SEQ 2: the one with "
                        "SEQ 3 (ACK requested) is never acknowledged.",
}


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data)[0]
    nano = magic == 0xa1b23c4d
    linktype = struct.unpack_from("<I", data, 20)[0]
    off, n, out, frags = 24, 0, [], {}
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack_from("<IIII", data, off)
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        n += 1
        l3 = pkt[14:] if linktype == 1 else pkt
        if linktype == 1 and pkt[12:14] != b"\x08\x00":
            out.append(dict(frame=n, kind="other"))
            continue
        ihl = (l3[0] & 15) * 4
        proto, src, dst = l3[9], ".".join(map(str, l3[12:16])), ".".join(map(str, l3[16:20]))
        rec = dict(frame=n, time=sec + frac / (1e9 if nano else 1e6), src=src, dst=dst, proto=proto)
        fo = struct.unpack_from("!H", l3, 6)[0]
        if fo & 0x3fff:
            # IPv4 fragment (RFC 791; a PULL with CERTs exceeds the veth MTU): the datagram is
            # reassembled and counted at its last fragment's frame, as tshark and ikecap do
            key = (src, dst, proto, l3[4:6])
            parts = frags.setdefault(key, {})
            tot = struct.unpack_from("!H", l3, 2)[0]
            parts[(fo & 0x1fff) * 8] = l3[ihl:tot]
            if fo & 0x2000:
                out.append(dict(frame=n, kind="fragment"))
                continue
            data, want = b"", 0
            for o in sorted(parts):
                if o != want:
                    break
                data += parts[o]
                want = len(data)
            del frags[key]
            l3 = l3[:ihl] + data
            rec["fragments"] = len(parts)
        if proto == 17:
            sport, dport = struct.unpack_from("!HH", l3, ihl)
            rec.update(kind="udp", sport=sport, dport=dport, payload=l3[ihl + 8:])
        elif proto == 50:
            rec.update(kind="esp", payload=l3[ihl:])
        else:
            rec.update(kind="other")
        out.append(rec)
    return out


def main():
    ap = argparse.ArgumentParser()
    for a in ("name", "pcap", "ks", "gm", "out"):
        ap.add_argument("--" + a, required=True)
    a = ap.parse_args()
    ks, gm = json.load(open(a.ks)), json.load(open(a.gm))
    frames = read_pcap(a.pcap)

    by_wire = {}
    for side, log in (("ks", ks), ("gm", gm)):
        for m in log["messages"]:
            sender = m["dir"].split("->")[0] == side
            e = by_wire.setdefault(m["wire"], {"records": []})
            e["records"].append((sender, m))

    messages, rekeys, unmatched = [], [], 0
    for fr in frames:
        if fr.get("kind") != "udp":
            continue
        p = fr["payload"]
        e = by_wire.get(p.hex())
        m = dict(frame=fr["frame"], time=round(fr["time"], 6), src="%s:%d" % (fr["src"], fr["sport"]),
                 dst="%s:%d" % (fr["dst"], fr["dport"]), exchange=EXCH.get(p[18], p[18]), exchange_type=p[18],
                 icookie=p[:8].hex(), rcookie=p[8:16].hex(), mid=struct.unpack_from("!I", p, 20)[0],
                 encrypted=bool(p[19] & 1), length=len(p))
        if e is None:
            unmatched += 1
            m["note"] = "not in either log"
            messages.append(m)
            continue
        recs = e["records"]
        # a datagram sent twice (retransmission, replay) appears twice in each log: take them in order
        idx = e.setdefault("used", 0)
        e["used"] = idx + 1
        snd = [r for s, r in recs if s]
        rcv = [r for s, r in recs if not s]
        s_rec = snd[min(idx, len(snd) - 1)] if snd else {}
        r_rec = rcv[idx] if idx < len(rcv) else None
        for k in ("payloads", "iv", "plaintext", "hash_name", "hash", "seq", "retransmission", "new_tek", "ack_hash",
                  "signed_input", "signed_hash_sha256", "signature", "signature_corrupted", "signature_good",
                  "replay_of_seq", "kd_masked"):
            if s_rec.get(k) not in (None, []):
                m[k] = s_rec[k]
        if r_rec is None:
            m["received"] = False
        else:
            m["received"] = True
            for k in ("payloads", "iv", "plaintext", "hash_ok", "signature_ok", "seq_ok", "accepted", "seq"):
                if r_rec.get(k) is not None and k not in m:
                    m[k] = r_rec[k]
            if "pop_ok" in r_rec:
                m["receiver_pop_ok"] = r_rec["pop_ok"]
            for k in ("hash_ok", "signature_ok", "seq_ok", "accepted"):
                if k in r_rec:
                    m["receiver_" + k] = r_rec[k]
        messages.append(m)
        if p[18] == 33:
            rekeys.append({k: m.get(k) for k in ("frame", "seq", "replay_of_seq", "signature_corrupted",
                                                 "receiver_signature_ok", "receiver_seq_ok", "receiver_accepted")})

    # group ESP: match by SPI + sequence number with the GM's esp_sent events, keys from the KS
    teks = {t["spi"]: dict(t, index=i) for i, t in enumerate(ks.get("group", {}).get("teks", []))}
    sent = {(ev["spi"], ev["seq"]): ev for ev in gm["events"] if ev["what"] == "esp_sent"}
    rcvd = {(ev["spi"], ev["seq"]): ev for ev in ks["events"] if ev["what"] == "esp_received"}
    # key lifetimes: the TEK of each KD runs out `tek_lifetime_s` after the frame that delivered it
    group0 = ks.get("group") or {}
    life = group0.get("tek_lifetime_s")
    kd_frames = [m for m in messages if m.get("hash_name") == "HASH(4)" or
                 (m.get("exchange") == "groupkey-push" and m.get("receiver_accepted"))]
    expiry = []
    if life:
        for m in kd_frames:
            end = m["time"] + life
            later = [f for f in frames if f.get("time") is not None and f["time"] > end]
            nxt = [k for k in kd_frames if k["frame"] > m["frame"] and k["time"] <= end]
            expiry.append(dict(kd_frame=m["frame"], lifetime_s=life, expires_at=round(end, 6),
                               replaced_in_time=bool(nxt), first_frame_after=later[0]["frame"] if later else None))
    esp = []
    for fr in frames:
        if fr.get("kind") != "esp":
            continue
        spi, seq = fr["payload"][:4].hex(), struct.unpack_from("!I", fr["payload"], 4)[0]
        ev, rv = sent.get((spi, seq)), rcvd.get((spi, seq))
        esp.append(dict(frame=fr["frame"], time=round(fr["time"], 6), src=fr["src"], dst=fr["dst"], spi=spi, seq=seq,
                        tek_index=teks.get(spi, {}).get("index"), inner_ip_packet=ev and ev["inner"],
                        inner="IPv4 198.51.100.2 > 198.51.100.1 GRE(0x0800) IPv4 10.99.0.2 > 10.99.0.1 ICMP echo",
                        ks_icv_ok=rv and rv["icv_ok"]))

    p1 = ks.get("phase1", {})
    mm1 = next(bytes.fromhex(r["wire"]) for r in ks["messages"] if r["exchange"] == "main")
    p1_doi = struct.unpack_from("!I", mm1, 32)[0]
    gp1 = gm.get("phase1", {})
    equals = {k: p1.get(k) == gp1.get(k) for k in ("gxy", "SKEYID", "SKEYID_d", "SKEYID_a", "SKEYID_e", "Ka", "IV",
                                                    "phase2_iv_base_last_p1_block")}
    group = ks.get("group")
    gmv = gm.get("gm_view")
    truth = dict(
        case=a.name, description=DESCR.get(a.name, ""), capture=a.name + ".pcap",
        generator="tools/gdoi/gdoi.py (KS and GM in network namespaces ikc-gdoi-ks/ikc-gdoi-gm, "
                  "captured with tcpdump -w on the GM's veth; see captures/gdoi/README.md)",
        addresses=dict(ks="198.51.100.1", gm="198.51.100.2", udp_port=848),
        verified=all(equals.values()) and unmatched == 0,
        verified_reason="KS and GM derived the same phase-1 keys: %s; %d datagrams in the capture, %d not in either "
                        "log" % (all(equals.values()), len(messages), unmatched),
        ike_sa=dict(p1, dh_private_gm=gp1.get("dh_private_gm"), gm_equals_ks=equals,
                    auth="psk", dh_group=14, sa_doi=p1_doi),
        group=group, gm_view=gmv,
        # the GM's KEK is the KS's and every TEK the GM installed is one the KS made
        gm_view_equals_ks=(bool(gmv["kek"]["key"] == group["kek_key"] and gmv["kek"]["iv"] == group["kek_iv"]
                                and all(t in group["teks"] for t in gmv["teks"])) if group and gmv else None),
        messages=messages, rekeys=rekeys, esp=esp, tek_expiry=expiry,
        rogue_teks=[ev["spi"] for ev in gm["events"] if ev["what"] == "rogue_tek"],
        events=dict(ks=ks["events"], gm=gm["events"]),
        conventions=dict(
            phase1_sa_doi="%d (%s)" % (p1_doi, "GDOI, RFC 6407 §2.1" if p1_doi == 2 else "IPsec: for Wireshark"),
            group_id="ID payload type ID_KEY_ID (11), protocol 0, port 0, data = 4-octet group number 999 (000003e7)",
            pull_hashes="HASH(n) = prf(SKEYID_a, M-ID | ...) per RFC 6407 §3.2; Ni, Nr, SA, SEQ, KD with their "
                        "generic headers, Ni_b/Nr_b bodies only",
            sa_attribute_next_payload="2 octets (value 15) followed by 2 octets RESERVED",
            kek_algorithm_key="IV (16) | AES-256 key (32)",
            push_iv="the IV from KEK_ALGORITHM_KEY for every GROUPKEY-PUSH (static IV)",
            push_signature="RSA PKCS#1 v1.5 / SHA-256 over 'rekey' | HDR | SEQ | SA | KD, HDR with the E flag and "
                           "Length = 28 + unpadded payloads incl. the SIG payload; KD's Next Payload = SIG (9)",
            sig_algorithm_key="DER SubjectPublicKeyInfo (RSA)",
            padding="zero bytes to the cipher block size; ISAKMP Length includes them"),
    )
    # PFS in the PULL (RFC 6407 §3.2): both sides' DH secret, KE values, private values
    kp, gp = ks.get("pfs"), gm.get("pfs_gm")
    if kp:
        truth["pull_pfs"] = dict(kp, dh_private_gm=gp and gp.get("dh_private_gm"),
                                 gm_equals_ks=bool(gp and gp.get("gxy") == kp["gxy"] and gp.get("ke_i") == kp["ke_i"]),
                                 kd_masking="every secret key value of the KD (TEK_ALGORITHM_KEY, TEK_INTEGRITY_KEY, "
                                            "KEK_ALGORITHM_KEY) XORed with g^xy, one running offset through the KD")
    if ks.get("ks_cert") or gm.get("gm_cert"):
        truth["pull_pop"] = dict(gm_cert=gm.get("gm_cert"), ks_cert=ks.get("ks_cert"),
                                 signed="Ni_b | Nr_b", sig="RSA PKCS#1 v1.5 / SHA-256")
    # RFC 8263: rekeys that asked for an ACK the GM never sent
    withheld = {ev["seq"] for ev in gm["events"] if ev["what"] == "ack_withheld"}
    truth["unacknowledged_rekeys"] = [dict(seq=m["seq"], frame=m["frame"]) for m in messages
                                      if m["exchange"] == "groupkey-push" and m.get("seq") in withheld]
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, a.name + ".truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    with open(os.path.join(a.out, a.name + ".keys"), "w") as f:
        f.write("# %s: keys for %s.pcap, written by tools/gdoi/mktruth.py from the KS's log\n" % (a.name, a.name))
        f.write("# (phase-1 SA of the GDOI registration on UDP 848; KEK/TEKs travel in the KD payloads)\n")
        f.write('psk * "%s"\n' % p1["psk"])
        f.write("dh %s %s\n" % (p1["icookie"], p1["gxy"]))
        if kp:   # the PULL's PFS DH secret, as a PFS Quick Mode's: <icookie>:<message id>
            f.write("dh %s:%08x %s\n" % (p1["icookie"], kp["msgid"], kp["gxy"]))
    print("mktruth: %s: %d datagrams (%d unmatched), %d ESP, verified=%s" % (a.name, len(messages), unmatched,
                                                                            len(esp), truth["verified"]))


if __name__ == "__main__":
    main()
