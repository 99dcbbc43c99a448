#!/usr/bin/env python3
"""Known-answer checks of ikecap against the strongSwan lab truth.

For every captures/lab/NAME.pcap with NAME.truth.json and NAME.keys, run
`ikecap -T json --print-keys -k NAME.keys` and check against truth.json, whose
values come from the daemons' level-4 logs and an independent verifier:

  * per side, SKEYID, SKEYID_d/a/e and Ka equal the logged values; the initial
    IV and the phase-2 IV base too;
  * every encrypted message the truth decrypted is decrypted by ikecap, with
    the same payload types in the same order, the same HASH verdict, the same
    nonces, IDs, notify types and deleted SPIs;
  * the message labels (MM5, QM2 ...) and directions match the truth's;
  * without keys every encrypted message says which secret is missing, and
    with a wrong PSK every one is reported as "wrong key or PSK";
  * ESP: the keys ikecap derives from each Quick Mode's KEYMAT equal the
    logged ESP keys per SPI; every ESP packet the truth lists decrypts to the
    same inner packet (addresses, protocol, ICMP type/id/seq, SPI, sequence);
    the --write-decrypted pcap read back with tshark shows that ICMP traffic in order; tshark
    given ikecap's exported esp_sa decrypts the same ESP frames; a wrong ESP key
    gives ICV failures, never an inner packet.

Prints one line per check group and a closing "N passed, M failed" line.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB = os.path.join(ROOT, "captures", "lab")
IKECAP = os.environ.get("IKECAP", os.path.join(ROOT, "ikecap"))

PT = {"SA": 1, "KE": 4, "ID": 5, "CERT": 6, "CR": 7, "HASH": 8, "SIG": 9, "NONCE": 10,
      "N": 11, "D": 12, "VID": 13, "NAT-D": 20}
NOTIFY = {"PAYLOAD_MALFORMED": 16, "INITIAL_CONTACT": 24578, "INVALID_ID_INFORMATION": 18,
          "NO_PROPOSAL_CHOSEN": 14, "R_U_THERE": 36136, "R_U_THERE_ACK": 36137}

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("  FAIL:", what)


def run(args):
    p = subprocess.run([IKECAP, "--no-progress", "-T", "json"] + args, capture_output=True, text=True)
    recs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    return p.returncode, recs, p.stderr


def hexnorm(v):
    return str(v).replace(":", "").lower()


def packets(recs):
    return {r["ikecap.frame"]: r for r in recs if r.get("type") == "packet"}


def payload_types(plist):
    return [p.get("isakmp.typepayload") for p in plist]


def plain_payloads(rec):
    return rec.get("ikecap.plain", {}).get("isakmp.payloads", [])


def check_message(case, rec, tm, label=None):
    """tm: a truth message with frame, payload_types, maybe hash_ok, payloads."""
    f = tm["frame"]
    where = f"{case} frame {f}"
    if rec is None:
        check(False, f"{where}: no packet record")
        return
    check(rec.get("ikecap.decrypted") is True, f"{where}: decrypted ({rec.get('ikecap.decrypt_detail')})")
    want = [PT[t] for t in tm["payload_types"].split()]
    got = payload_types(plain_payloads(rec))
    check(got == want, f"{where}: payload types {got} != truth {want}")
    if "hash_ok" in tm and tm["hash_ok"] is not None:
        want_h = "verified" if tm["hash_ok"] else "failed"
        check(rec.get("ikecap.hash") == want_h, f"{where}: hash {rec.get('ikecap.hash')} != {want_h}")
    if tm.get("sig_ok") is not None:
        want_s = "verified" if tm["sig_ok"] else "failed"
        check(rec.get("ikecap.hash") == want_s, f"{where}: signature {rec.get('ikecap.hash')} != {want_s}")
    if label:
        check(rec.get("ikecap.msg") == label, f"{where}: label {rec.get('ikecap.msg')} != {label}")
    if "from_initiator" in tm:
        want_d = "I>R" if tm["from_initiator"] else "R>I"
        check(rec.get("ikecap.dir") == want_d, f"{where}: direction {rec.get('ikecap.dir')} != {want_d}")
    ours = plain_payloads(rec)
    ids = [p for p in ours if p.get("isakmp.typepayload") == 5]
    for i, tid in enumerate(tm.get("ids", []) or []):
        if i < len(ids) and isinstance(tid.get("value"), str):
            check(ids[i].get("ikecap.id") == tid["value"], f"{where}: ID {ids[i].get('ikecap.id')} != {tid['value']}")
    for i, tp in enumerate(tm.get("payloads", [])):
        if i >= len(ours):
            break
        op = ours[i]
        if "nonce" in tp:
            check(hexnorm(op.get("isakmp.nonce")) == tp["nonce"], f"{where}: nonce {i}")
        if "hash" in tp:
            check(hexnorm(op.get("isakmp.hash")) == tp["hash"], f"{where}: hash bytes {i}")
        if "notify" in tp:
            check(op.get("isakmp.notify.msgtype") == tp["notify"]["type_num"], f"{where}: notify type {i}")
        if "delete" in tp:
            spis = op.get("isakmp.delete.spi", [])
            if not isinstance(spis, list):
                spis = [spis]
            check([hexnorm(s) for s in spis] == [s.lower() for s in tp["delete"]["spis"]],
                  f"{where}: deleted SPIs {spis} != {tp['delete']['spis']}")
        if "id" in tp and isinstance(tp["id"].get("value"), str):
            check(op.get("ikecap.id") == tp["id"]["value"],
                  f"{where}: ID {op.get('ikecap.id')} != {tp['id']['value']}")


def check_keys(case, sa_rec, sa):
    keys = {k["ikecap.side"]: k for k in sa_rec.get("ikecap.keys", [])}
    side_name = {"a": "initiator", "b": "responder"}
    for kd in sa.get("key_derivations", []):
        ours = keys.get(side_name.get(kd["side"]))
        if ours is None:
            # a side whose messages never reached the capture has no keys
            continue
        for tk, ok in (("SKEYID", "ikecap.skeyid"), ("SKEYID_d", "ikecap.skeyid_d"),
                       ("SKEYID_a", "ikecap.skeyid_a"), ("SKEYID_e", "ikecap.skeyid_e"),
                       ("Ka", "ikecap.enc_key")):
            check(hexnorm(ours.get(ok)) == kd[tk].lower(), f"{case} side {kd['side']}: {tk}")
    check(hexnorm(sa_rec.get("ikecap.initial_iv")) == sa["phase1_initial_iv"].lower(), f"{case}: initial IV")
    if sa.get("phase2_iv_base_last_p1_block") and "ikecap.phase2_iv_base" in sa_rec:
        check(hexnorm(sa_rec["ikecap.phase2_iv_base"]) == sa["phase2_iv_base_last_p1_block"].lower(),
              f"{case}: phase-2 IV base")


ICMP_TYPE = {"echo-request": 8, "echo-reply": 0}


def check_esp(case, truth, recs, keyf, pcap):
    """ESP keys, per-packet inner summaries, -w output, exported esp_sa."""
    esp_recs = {r["esp.spi"]: r for r in recs if r.get("type") == "esp_sa"}
    n_keys = 0
    for sa in truth["ike_sas"]:
        for q in sa.get("quick_modes", []):
            for d, k in (q.get("esp_sas") or {}).items():
                spi = int(k["spi"], 16)
                r = esp_recs.get(spi)
                check(r is not None, f"{case}: ESP SA {k['spi']} ({d}) learned")
                if r is None:
                    continue
                n_keys += 1
                check(hexnorm(r.get("ikecap.esp_enc_key", "")) == k["enc_key"].lower(),
                      f"{case}: ESP {k['spi']} enc key {r.get('ikecap.esp_enc_key')} != {k['enc_key']}")
                check(hexnorm(r.get("ikecap.esp_auth_key", "")) == k["auth_key"].lower(),
                      f"{case}: ESP {k['spi']} auth key {r.get('ikecap.esp_auth_key')} != {k['auth_key']}")
                want_src = sa["initiator_ip"] if d == "initiator->responder" else None
                if want_src:
                    check(r.get("ip.src") == want_src, f"{case}: ESP {k['spi']} sent by {r.get('ip.src')} != {want_src}")
    esp = truth.get("esp") or {}
    inner = esp.get("inner_packets") or []
    pk = packets(recs)
    for t in inner:
        r = pk.get(t["frame"], {})
        what = f"{case} ESP frame {t['frame']}"
        check(r.get("esp.spi") == int(t["spi"], 16) and r.get("esp.sequence") == t["seq"],
              f"{what}: spi/seq {r.get('esp.spi')}/{r.get('esp.sequence')}")
        check(r.get("ikecap.esp_status") == "decrypted", f"{what}: {r.get('ikecap.esp_status')}")
        i = r.get("ikecap.inner", {})
        check(r.get("esp.protocol") == t["next_header"], f"{what}: next header {r.get('esp.protocol')}")
        check((i.get("ip.src"), i.get("ip.dst"), i.get("ip.proto")) == (t["inner_src"], t["inner_dst"], t["inner_proto"]),
              f"{what}: inner {i}")
        if t.get("icmp_type"):
            check((i.get("icmp.type"), i.get("icmp.ident"), i.get("icmp.seq")) ==
                  (ICMP_TYPE[t["icmp_type"]], t["icmp_id"], t["icmp_seq"]), f"{what}: icmp {i}")
    n_esp = sum(1 for r in pk.values() if "esp.spi" in r)
    check(n_esp == esp.get("total_packets", 0), f"{case}: {n_esp} ESP records != {esp.get('total_packets', 0)}")
    check(all(r.get("ikecap.esp_status") == "decrypted" for r in pk.values() if "esp.spi" in r),
          f"{case}: every ESP packet decrypts")
    if not inner:
        print(f"lab {case}: ESP {n_keys} keys, no ESP packets")
        return
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "inner.pcap")
        p = subprocess.run([IKECAP, "--no-progress", "-q", "--write-decrypted", out, "--export-keys", d, "-k", keyf, "-r", pcap],
                           capture_output=True, text=True)
        check(p.returncode == 0, f"{case}: --write-decrypted exit {p.returncode}: {p.stderr}")
        t = subprocess.run(["tshark", "-n", "-r", out, "-T", "fields", "-e", "ip.src", "-e", "ip.dst",
                            "-e", "icmp.type", "-e", "icmp.ident", "-e", "icmp.seq"], capture_output=True, text=True)
        got = [l.split("\t") for l in t.stdout.splitlines() if l.strip()]
        want = [[x["inner_src"], x["inner_dst"], str(ICMP_TYPE[x["icmp_type"]]), str(x["icmp_id"]), str(x["icmp_seq"])]
                for x in inner]
        check(got == want, f"{case}: --write-decrypted pcap read by tshark {got} != {want}")
        td = subprocess.run(["tcpdump", "-n", "-r", out], capture_output=True, text=True)
        echo = [l for l in td.stdout.splitlines() if "ICMP echo" in l]
        check(len(echo) == len(inner), f"{case}: tcpdump reads {len(echo)} ICMP echoes from -w, want {len(inner)}")
        # tshark with the exported esp_sa decrypts and authenticates the same frames.
        lines = [l for l in open(os.path.join(d, "esp_sa")).read().splitlines() if l.strip()]
        ref = os.path.join(LAB, case + ".wireshark", "esp_sa")
        if os.path.exists(ref):
            want_lines = sorted(l.lower() for l in open(ref).read().splitlines() if l.strip())
            check(sorted(l.lower() for l in lines) == want_lines, f"{case}: exported esp_sa {lines} != {ref}")
        opts = ["-o", "esp.enable_encryption_decode:TRUE", "-o", "esp.enable_authentication_check:TRUE"]
        for l in lines:
            opts += ["-o", "uat:esp_sa:" + l]
        t = subprocess.run(["tshark", "-n", "-r", pcap] + opts + ["-Y", "esp && icmp", "-T", "fields",
                            "-e", "frame.number", "-e", "icmp.seq"], capture_output=True, text=True)
        frames = sorted(int(l.split("\t")[0]) for l in t.stdout.splitlines() if l.strip())
        check(frames == sorted(x["frame"] for x in inner),
              f"{case}: tshark with exported esp_sa decrypts frames {frames}")
    # A wrong ESP key: ICV failures, never a decrypted packet.
    spi = inner[0]["spi"]
    r = esp_recs[int(spi, 16)]
    ek = "".join("%02x" % (b ^ 0x5a) for b in bytes.fromhex(hexnorm(r["ikecap.esp_enc_key"])))
    ak = "".join("%02x" % (b ^ 0x5a) for b in bytes.fromhex(hexnorm(r.get("ikecap.esp_auth_key", "")))) or "-"
    with tempfile.NamedTemporaryFile("w", suffix=".keys", delete=False) as tf:
        tf.write(f"esp * * 0x{spi} {r['ikecap.esp_enc']} 0x{ek} {r['ikecap.esp_auth']} {ak}\n")
        name = tf.name
    os.chmod(name, 0o600)
    rc, wrecs, err = run(["-k", name, "-r", pcap])
    os.unlink(name)
    bad = [r for r in wrecs if r.get("type") == "packet" and r.get("esp.spi") == int(spi, 16)]
    check(bad and all(r.get("ikecap.esp_status") == "icv_failed" and "ikecap.inner" not in r for r in bad),
          f"{case}: wrong ESP key reads as ICV failure ({[r.get('ikecap.esp_status') for r in bad]})")
    print(f"lab {case}: ESP {n_keys} keys checked, {len(inner)} packets decrypted")


def check_case(case):
    truth = json.load(open(os.path.join(LAB, case + ".truth.json")))
    pcap = os.path.join(LAB, case + ".pcap")
    keyf = os.path.join(LAB, case + ".keys")
    before = passed + failed
    rc, recs, err = run(["--print-keys", "-k", keyf, "-r", pcap])
    check(rc == 0, f"{case}: exit {rc}: {err.strip()}")
    pk = packets(recs)
    sas = [r for r in recs if r.get("type") == "sa"]
    check_esp(case, truth, recs, keyf, pcap)
    # A PFS Quick Mode without its own g^xy line: IKE decrypts, ESP cannot, and
    # the SA's summary names the missing line (cookie and message id from truth).
    for sa in truth["ike_sas"]:
        for qm in sa.get("quick_modes", []):
            if not qm.get("pfs") or not qm.get("established"):
                continue
            cut = [l for l in open(keyf) if not l.startswith(f'dh {sa["initiator_cookie"]}:')]
            with tempfile.TemporaryDirectory() as d:
                nk = os.path.join(d, "nopfs.keys")
                open(nk, "w").write("".join(cut))
                os.chmod(nk, 0o600)
                rc2, recs2, _ = run(["-k", nk, "-r", pcap])
                ptxt = subprocess.run([IKECAP, "--no-progress", "-q", "-k", nk, "-r", pcap], capture_output=True,
                                      text=True)
            need = f'dh {sa["initiator_cookie"]}:{qm["message_id_hex"]}'
            srec = [r for r in recs2 if r.get("type") == "sa"]
            check(rc2 == 0 and any(need in r.get("ikecap.esp_missing_secret", "") for r in srec),
                  f"{case}: PFS QM without its dh line: the sa record names {need}: {srec}")
            line = [l for l in ptxt.stdout.splitlines() if l.startswith("    no ESP keys: ")]
            check(len(line) == 1 and need in line[0],
                  f"{case}: PFS QM without its dh line: the text summary names {need}: {line}")
    # --print-keys in the text summary too (the daemon's logged SKEYID* and Ka)
    ptxt = subprocess.run([IKECAP, "--no-progress", "-q", "--print-keys", "-k", keyf, "-r", pcap],
                          capture_output=True, text=True)
    for sa in truth["ike_sas"]:
        if not sa.get("gxy"):
            continue
        for kd in sa.get("key_derivations", []):
            for tk, label in (("SKEYID", "SKEYID: "), ("SKEYID_e", "SKEYID_e: "), ("Ka", "Encryption key (Ka): ")):
                check(label + kd[tk].lower() in ptxt.stdout, f"{case}: text summary --print-keys {tk}")
    for sa in truth["ike_sas"]:
        srec = next((r for r in sas if hexnorm(r.get("isakmp.ispi")) == sa["initiator_cookie"]), None)
        check(srec is not None, f"{case}: SA {sa['initiator_cookie']} in the summary")
        if srec is None:
            continue
        if sa.get("gxy"):
            check_keys(case, srec, sa)
        psk = sa.get("psk") or {}
        if len(set(psk.values())) > 1:
            check("ikecap.psk_mismatch" in srec, f"{case}: PSK mismatch named in the SA summary")
        for m in sa.get("phase1_encrypted_decoded", []) or []:
            check_message(case, pk.get(m["frame"]), m, m.get("name"))
        qlist = {q.get("isakmp.messageid"): q for q in srec.get("ikecap.quick_mode_list", [])}
        for q in sa.get("quick_modes", []):
            ours = qlist.get(int(q["message_id_hex"], 16))
            check(ours is not None, f"{case}: Quick Mode {q['message_id_hex']} in the SA record")
            msgs = q.get("messages", [])
            if ours and len(msgs) >= 3:
                check(ours.get("ikecap.state") == "QM_DONE", f"{case}: QM state {ours.get('ikecap.state')}")
            if ours and len(msgs) >= 2:
                # QM1 -> QM2 round trip from tshark's timestamps of the truth's frames
                out = subprocess.run(["tshark", "-r", pcap, "-Y", "frame.number in {%d %d}" %
                                      (msgs[0]["frame"], msgs[1]["frame"]), "-T", "fields", "-e",
                                      "frame.time_epoch"], capture_output=True, text=True).stdout.split()
                if len(out) == 2:
                    want = round((float(out[1]) - float(out[0])) * 1e6)
                    check(abs(ours.get("ikecap.rtt_us", -1) - want) <= 1,
                          f"{case}: QM RTT {ours.get('ikecap.rtt_us')} us != tshark {want} us")
            for i, m in enumerate(q.get("messages", [])):
                if m.get("decrypted"):
                    check_message(case, pk.get(m["frame"]), m, f"QM{i + 1}")
        for m in sa.get("informational", []) or []:
            if m.get("encrypted") and m.get("decrypted"):
                check_message(case, pk.get(m["frame"]), m, "INFO")
        # phase-1 labels and directions in clear, from the truth's frame list
        n_i = n_r = 0
        for m in sa.get("phase1_messages", []):
            rec = pk.get(m["frame"])
            from_i = m["src"].split(":")[0] == sa["initiator_ip"]
            if rec is None or rec.get("ikecap.retransmit"):
                continue
            if from_i:
                n_i += 1
                want = 2 * n_i - 1
            else:
                n_r += 1
                want = 2 * n_r
            prefix = "MM" if sa["exchange"] == "main" else "AM"
            check(rec.get("ikecap.msg") == f"{prefix}{want}",
                  f"{case} frame {m['frame']}: label {rec.get('ikecap.msg')} != {prefix}{want}")

    # Keyless: every encrypted message names the missing secret.
    rc, recs, err = run(["-r", pcap])
    enc = [r for r in recs if r.get("type") == "packet" and "ikecap.decrypt_status" in r]
    check(rc == 0, f"{case} keyless: exit {rc}")
    for r in enc:
        check(r["ikecap.decrypt_status"] in ("no-key", "malformed") and "need" in r.get("ikecap.decrypt_detail", ""),
              f"{case} keyless frame {r['ikecap.frame']}: {r.get('ikecap.decrypt_detail')}")

    # A wrong PSK with the right g^xy: every encrypted message is "wrong key or PSK".
    sa0 = truth["ike_sas"][0]
    if sa0.get("gxy") and sa0.get("auth") == "psk" and enc:
        with tempfile.NamedTemporaryFile("w", suffix=".keys", delete=False) as tf:
            tf.write(f'psk * "not-the-psk"\ndh {sa0["initiator_cookie"]} {sa0["gxy"]}\n')
            name = tf.name
        os.chmod(name, 0o600)
        rc, recs, err = run(["-k", name, "-r", pcap])
        os.unlink(name)
        for r in recs:
            if r.get("type") == "packet" and "ikecap.decrypt_status" in r:
                check(r["ikecap.decrypt_status"] == "wrong-key-or-psk",
                      f"{case} wrong PSK frame {r['ikecap.frame']}: {r['ikecap.decrypt_status']}")
                check("not-the-psk" not in json.dumps(r), f"{case} wrong PSK: secret echoed")
    # --export-keys writes Wireshark's table with the logged phase-1 key.
    if sa0.get("gxy"):
        with tempfile.TemporaryDirectory() as d:
            p = subprocess.run([IKECAP, "--no-progress", "-q", "--export-keys", d, "-k", keyf, "-r", pcap],
                               capture_output=True, text=True)
            lines = open(os.path.join(d, "ikev1_decryption_table")).read().split()
            want = f'{sa0["initiator_cookie"]},{sa0["phase1_enc_key"].lower()}'
            check(p.returncode == 0 and lines == [want], f"{case}: exported table {lines} != [{want}]")
            # Ka alone opens IKE but gives no SKEYID_d, hence no KEYMAT: the diagnosis says so
            if any(q.get("established") for q in sa0.get("quick_modes", [])):
                tbl = os.path.join(d, "ikev1_decryption_table")
                p2 = subprocess.run([IKECAP, "--no-progress", "-q", "-k", tbl, "-r", pcap], capture_output=True,
                                    text=True)
                line = [l for l in p2.stdout.splitlines() if l.startswith("    no ESP keys: ")]
                check(p2.returncode == 0 and line and "SKEYID_d" in line[0],
                      f"{case}: Ka only: the text summary says KEYMAT needs SKEYID_d: {line}")
                # ... unless the key files give the ESP SAs themselves (Wireshark's esp_sa)
                p3 = subprocess.run([IKECAP, "--no-progress", "-q", "-k", d, "-r", pcap], capture_output=True,
                                    text=True)
                check(p3.returncode == 0 and "no ESP keys" not in p3.stdout,
                      f"{case}: Ka and esp_sa lines: no ESP keys missing: {p3.stdout[-300:]}")
            # an ikev1 line whose key cannot be this SA's Ka is named, with the length Ka has
            short = os.path.join(d, "short.keys")
            with open(short, "w") as f:
                f.write(f'ikev1 {sa0["initiator_cookie"]} 00112233\n')
            os.chmod(short, 0o600)
            p = subprocess.run([IKECAP, "--no-progress", "-q", "-k", short, "-r", pcap], capture_output=True, text=True)
            ka_len = len(sa0["phase1_enc_key"]) // 2
            check(f"`ikev1` key for this cookie is 4 bytes" in p.stdout and f"takes a {ka_len}-byte key" in p.stdout,
                  f"{case}: a 4-byte ikev1 key is explained ({ka_len}-byte Ka): {p.stdout[-400:]}")

    # --psk-audit: Aggressive Mode HASH_R checked against a word list.
    if sa0.get("exchange") == "aggressive" and sa0.get("auth") == "psk":
        psk = list(sa0["psk"].values())[0]
        for words, hit in ((["guess", psk, "other"], True), (["guess", "other"], False)):
            with tempfile.NamedTemporaryFile("w", delete=False) as tf:
                tf.write("\n".join(words) + "\n")
                name = tf.name
            p = subprocess.run([IKECAP, "--no-progress", "-q", "--psk-audit", name, "-r", pcap],
                               capture_output=True, text=True)
            found = f'matches word 2: "{psk}"' in p.stdout
            check(found == hit and p.returncode == 0, f"{case}: psk audit {'hit' if hit else 'miss'}: {p.stdout}")
            # The machine formats carry the result as a record, and nothing else.
            pj = subprocess.run([IKECAP, "--no-progress", "-T", "json", "--psk-audit", name, "-r", pcap],
                                capture_output=True, text=True)
            try:
                recs = [json.loads(line) for line in pj.stdout.splitlines()]
            except ValueError:
                recs = []
            audit = [r for r in recs if r.get("type") == "psk_audit"]
            want = [{"isakmp.ispi": sa0["initiator_cookie"], "ikecap.psk_audit_line": 2,
                     "ikecap.psk_audit_word": psk}] if hit else []
            check(pj.returncode == 0 and len(audit) == 1 and audit[0].get("ikecap.psk_audit_hits") == want and
                  audit[0].get("ikecap.psk_audit_matched") == len(want) and recs[-1].get("type") == "stats",
                  f"{case}: psk audit as JSON ({'hit' if hit else 'miss'}): {audit} / {pj.stdout[-300:]!r}")
            pc = subprocess.run([IKECAP, "--no-progress", "-T", "cbor", "--psk-audit", name, "-r", pcap],
                                capture_output=True)
            check(pc.returncode == 0 and b"PSK audit:" not in pc.stdout, f"{case}: psk audit text in the CBOR stream")
            os.unlink(name)
    n = passed + failed - before
    print(f"lab {case}: {n} checks")


def check_ikefrag():
    """captures/synthetic/mm-psk-ikefrag.pcap: the lab MM5 in three IKE
    fragments (tools/make-frag-capture.py); reassembled, it must decrypt to
    what the lab truth says MM5 holds."""
    truth = json.load(open(os.path.join(LAB, "mm-psk-aes128-sha1-g2.truth.json")))
    mm5 = truth["ike_sas"][0]["phase1_encrypted_decoded"][0]
    pcap = os.path.join(ROOT, "captures", "synthetic", "mm-psk-ikefrag.pcap")
    # Fragment 2 is sent twice, 2 us apart: a capture duplicate, so by
    # default the copy goes no further; --dup-window 0 hands it to the
    # reassembly, whose duplicate handling is what this capture exercises.
    rc, recs, err = run(["-k", os.path.join(LAB, "mm-psk-aes128-sha1-g2.keys"), "-r", pcap])
    dups = [(r["ikecap.frame"], r.get("ikecap.duplicate_of")) for r in recs
            if r.get("type") == "packet" and "ikecap.duplicate_of" in r]
    check(rc == 0 and dups == [(9, 7)], f"ikefrag: frame 9 is the capture duplicate of frame 7 ({dups})")
    rc, recs, err = run(["--dup-window", "0", "-k", os.path.join(LAB, "mm-psk-aes128-sha1-g2.keys"), "-r", pcap])
    whole = [r for r in recs if r.get("type") == "packet" and r.get("ikecap.msg") == "MM5"]
    check(rc == 0 and len(whole) == 1, f"ikefrag: one reassembled MM5 ({len(whole)})")
    if whole:
        r = whole[0]
        check(r.get("ikecap.reassembled_from") == 8, f"ikefrag: reassembled from frame 8: {r.get('ikecap.reassembled_from')}")
        m = dict(mm5, frame=r["ikecap.frame"], from_initiator=True)
        check_message("ikefrag", r, m, "MM5")
    frags = [r for r in recs if r.get("type") == "packet" and str(r.get("ikecap.msg", "")).startswith("FRAG")]
    check(len(frags) == 4, f"ikefrag: 4 fragment records ({len(frags)})")
    print("lab ikefrag (synthetic): checked")


def main():
    if not os.path.exists(IKECAP):
        print("check_lab: no ikecap binary; run make first")
        return 1
    cases = sorted(f[:-len(".truth.json")] for f in os.listdir(LAB) if f.endswith(".truth.json"))
    for c in cases:
        check_case(c)
    check_ikefrag()
    print(f"lab known-answer checks: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
