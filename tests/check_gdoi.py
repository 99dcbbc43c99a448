#!/usr/bin/env python3
"""GDOI known-answer check: for every captures/gdoi/NAME.pcap with NAME.keys,
run `ikecap -T json --print-keys -k NAME.keys -r NAME.pcap` and compare with
NAME.truth.json, which holds what our RFC 6407 key server and group member
logged (tools/gdoi/gdoi.py): phase-1 keys, each PULL message's payloads and
HASH verdict, the KEK and TEK keys, each rekey's SEQ and signature verdict,
each group ESP packet, and the findings each scenario must give.

IKECAP selects the binary (default ./ikecap).  Exit 0 when every check holds.
"""
import glob
import json
import os
import subprocess
import sys

IKECAP = os.environ.get("IKECAP", "./ikecap")
PT = {"SA": 1, "KE": 4, "ID": 5, "CERT": 6, "HASH": 8, "SIG": 9, "NONCE": 10, "SAK": 15, "SAT": 16,
      "KD": 17, "SEQ": 18, "POP": 19, "GAP": 22}
# Findings each scenario must give (and no other gdoi-* finding, no other failure).
EXPECT = {
    "gdoi-rekey": set(),
    "gdoi-rekey-p1doi1": set(),
    "gdoi-pull-unanswered": {"gdoi-registration-unanswered"},
    "gdoi-rekey-replay": {"gdoi-rekey-replay"},
    "gdoi-rekey-badsig": {"gdoi-rekey-bad-signature"},
    "gdoi-tek-expired": {"gdoi-tek-expired"},
    "gdoi-tek-unannounced": {"gdoi-tek-unannounced"},
    "gdoi-rekey-ack": set(),
    "gdoi-pull-pfs": set(),
    "gdoi-pull-pop": set(),
    "gdoi-rekey-noack": {"gdoi-rekey-unacknowledged"},
}

failures = 0
checks = 0


def check(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print("  FAIL:", what)


def top_payloads(names):
    return [PT[n] for n in names if "/" not in n]


def nested_types(plain):
    out = []
    for p in plain.get("isakmp.payloads", []):
        for q in p.get("isakmp.payloads", []):
            out.append(q.get("isakmp.typepayload"))
    return out


def finding(diag, code):
    return [d for d in diag if d.get("code") == code]


def check_expiry(name, truth, recs, diag):
    """gdoi-tek-expired against the generator: the TEK lifetime it configured, the KD frame, the first
    frame past KD time + lifetime and the ESP frames on that SPI after it (pcap times in the truth)."""
    g = [r for r in recs if r.get("type") == "gdoi_group"]
    teks = {t.get("ikecap.gdoi.tek_frame"): t for t in (g[0].get("ikecap.gdoi.teks", []) if g else [])}
    life = (truth.get("group") or {}).get("tek_lifetime_s")
    for t in teks.values() if life is not None else ():   # older truths predate tek_lifetime_s
        check(t.get("ikecap.gdoi.tek_lifetime") == life, "%s: TEK lifetime %s, truth %s" %
              (name, t.get("ikecap.gdoi.tek_lifetime"), life))
    expired = [e for e in truth.get("tek_expiry", []) if not e["replaced_in_time"] and e["first_frame_after"]]
    fs = finding(diag, "gdoi-tek-expired")
    check(len(fs) == len(expired), "%s: %d gdoi-tek-expired findings, truth %d" % (name, len(fs), len(expired)))
    for e, f in zip(expired, fs):
        kd = e["kd_frame"]
        t = teks.get(kd, {})
        spi = "%08x" % t.get("esp.spi", 0)
        late = [x["frame"] for x in truth.get("esp", []) if x["spi"] == spi and x["time"] > e["expires_at"]]
        check(t.get("ikecap.gdoi.tek_expired_frame") == e["first_frame_after"], "%s: TEK of frame %d expired "
              "at frame %s, truth %s" % (name, kd, t.get("ikecap.gdoi.tek_expired_frame"), e["first_frame_after"]))
        check(t.get("ikecap.gdoi.tek_esp_after_expiry", 0) == len(late), "%s: ESP after expiry %s, truth %d" %
              (name, t.get("ikecap.gdoi.tek_esp_after_expiry"), len(late)))
        want = sorted({kd, e["first_frame_after"]} | set(late[:1] + late[-1:]))
        check(f.get("frames") == want, "%s: expired frames %s, truth %s" % (name, f.get("frames"), want))
        check(f.get("severity") == "failure" and f.get("certainty") == ("proven" if late else "likely"),
              "%s: expired severity %s/%s" % (name, f.get("severity"), f.get("certainty")))
        txt = f.get("text", "")
        check("0x" + spi in txt and "%d s" % life in txt and ("%d ESP packet" % len(late) in txt or not late),
              "%s: expired text: %s" % (name, txt[:200]))


def check_unanswered(name, truth, diag):
    """gdoi-registration-unanswered cites every copy of PULL1 the generator sent."""
    fs = finding(diag, "gdoi-registration-unanswered")
    pull1 = [m["frame"] for m in truth["messages"] if m["exchange"] == "groupkey-pull" and m.get("hash_name") == "HASH(1)"]
    for f in fs:
        check(set(pull1) <= set(f.get("frames", [])), "%s: unanswered cites PULL1 frames %s (got %s)" %
              (name, pull1, f.get("frames")))


def check_unannounced(name, truth, pkts, diag):
    """gdoi-tek-unannounced against the SPI the generator's GM made up (rogue_teks)."""
    rogue = truth.get("rogue_teks", [])
    fs = finding(diag, "gdoi-tek-unannounced")
    check(len(fs) == len(rogue), "%s: %d unannounced findings, truth %d rogue SPIs" % (name, len(fs), len(rogue)))
    for spi, f in zip(rogue, fs):
        frames = [e["frame"] for e in truth["esp"] if e["spi"] == spi]
        check(f.get("frames") == sorted({frames[0], frames[-1]}), "%s: unannounced frames %s, truth %s" %
              (name, f.get("frames"), frames))
        check("0x" + spi in f.get("text", "") and "%d packets" % len(frames) in f.get("text", ""),
              "%s: unannounced text: %s" % (name, f.get("text", "")[:160]))
        for fr in frames:
            check(pkts.get(fr, {}).get("ikecap.esp_status") != "decrypted", "%s: rogue ESP frame %d decrypted" %
                  (name, fr))


def check_pull_options(name, truth, recs):
    """RFC 6407 §3.2 PULL3/PULL4 options against the generator: with KE (pull_pfs) ikecap reports the PFS
    secret found and, with --print-keys, the same g^xy both peers derived; CERT + POP: each POP verdict is
    the receiver's (the KS checked POP_I, the GM POP_R) at the frame the sender's log puts it."""
    g = [r for r in recs if r.get("type") == "gdoi_group"]
    g = g[0] if g else {}
    pfs = truth.get("pull_pfs")
    if pfs:
        check(pfs["gm_equals_ks"], "%s: truth: GM and KS PFS secrets differ" % name)
        check(g.get("ikecap.gdoi.pfs") == "dh-line", "%s: PFS secret %s" % (name, g.get("ikecap.gdoi.pfs")))
        check(g.get("ikecap.gdoi.pfs_gxy") == pfs["gxy"], "%s: PFS g^xy != truth" % name)
    else:
        check("ikecap.gdoi.pfs" not in g, "%s: PFS reported without KE" % name)
    for side, key, num in ((0, "pop_i", 3), (1, "pop_r", 4)):
        m = [x for x in truth["messages"] if x.get("hash_name") == "HASH(%d)" % num and "SIG" in x.get("payloads", [])]
        if not m:
            check("ikecap.gdoi." + key not in g, "%s: %s reported, none sent" % (name, key))
            continue
        want = "verified" if m[0].get("receiver_pop_ok") else "failed"
        check(g.get("ikecap.gdoi." + key) == want, "%s: %s %s, truth %s" % (name, key, g.get("ikecap.gdoi." + key),
                                                                         want))
        check(g.get("ikecap.gdoi.%s_frame" % key) == m[0]["frame"], "%s: %s frame %s, truth %d" %
              (name, key, g.get("ikecap.gdoi.%s_frame" % key), m[0]["frame"]))


def check_unacked(name, truth, recs, diag):
    """gdoi-rekey-unacknowledged: one finding per rekey the GM withheld its ACK for (its ack_withheld
    events), naming that rekey's frame; the rekeys it did acknowledge give none."""
    want = truth.get("unacknowledged_rekeys", [])
    fs = finding(diag, "gdoi-rekey-unacknowledged")
    check(len(fs) == len(want), "%s: %d unacknowledged findings, truth %d" % (name, len(fs), len(want)))
    for w, f in zip(want, fs):
        check(f.get("frames") == [w["frame"]], "%s: unacknowledged frames %s, truth %d" % (name, f.get("frames"),
                                                                                          w["frame"]))
        check("SEQ %d " % w["seq"] in f.get("text", ""), "%s: unacknowledged text: %s" % (name, f.get("text")))
        check(f.get("severity") == "warning", "%s: unacknowledged severity %s" % (name, f.get("severity")))
    g = [r for r in recs if r.get("type") == "gdoi_group"]
    for rk in (g[0].get("ikecap.gdoi.rekeys", []) if g else []):
        if truth["group"].get("ack_requested") and rk.get("ikecap.gdoi.accepted"):
            check(rk.get("ikecap.gdoi.ack_requested") is True, "%s: rekey SEQ %s ACK requested not said" %
                  (name, rk.get("isakmp.seq.seq")))


def check_text(name, truth, base):
    """The one-line view says SIG FAILED (not HASH FAILED) on a rekey whose signature the GM rejected."""
    p = subprocess.run([IKECAP, "--no-progress", "--color=never", "-k", base + ".keys", "-r", base + ".pcap"],
                       capture_output=True, text=True)
    lines = {}
    for line in p.stdout.splitlines():
        w = line.split()
        if w and w[0].isdigit():
            lines[int(w[0])] = line
    for m in truth["messages"]:
        if m["exchange"] != "groupkey-push":
            continue
        line = lines.get(m["frame"], "")
        bad = m.get("receiver_signature_ok") is False
        check(("SIG FAILED" in line) == bad and "HASH FAILED" not in line, "%s: frame %d text line: %s" %
              (name, m["frame"], line))


def run(name):
    base = os.path.join("captures", "gdoi", name)
    truth = json.load(open(base + ".truth.json"))
    cmd = [IKECAP, "--no-progress", "-T", "json", "--print-keys", "-k", base + ".keys", "-r", base + ".pcap"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    check(p.returncode == 0, "%s: exit %d: %s" % (name, p.returncode, p.stderr.strip()[:200]))
    recs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    pkts = {r["ikecap.frame"]: r for r in recs if r.get("type") == "packet"}
    ike = truth["ike_sa"]

    # Phase 1: keys equal what the peers derived.
    sa = [r for r in recs if r.get("type") == "sa" and r.get("isakmp.ispi") == ike["icookie"]]
    check(len(sa) == 1, "%s: one SA record for %s" % (name, ike["icookie"]))
    if sa:
        keys = sa[0].get("ikecap.keys", [])
        check(keys, "%s: derived keys printed" % name)
        for k in keys:
            for ours, theirs in (("ikecap.skeyid", "SKEYID"), ("ikecap.skeyid_d", "SKEYID_d"),
                                 ("ikecap.skeyid_a", "SKEYID_a"), ("ikecap.skeyid_e", "SKEYID_e"),
                                 ("ikecap.enc_key", "Ka")):
                check(k.get(ours) == ike[theirs], "%s: %s %s != truth" % (name, k.get("ikecap.side"), theirs))

    # Every message the peers logged.
    replayed = {r["frame"] for r in truth.get("rekeys", []) if r.get("replay_of_seq") is not None}
    for m in truth["messages"]:
        f = m["frame"]
        r = pkts.get(f)
        check(r is not None, "%s: frame %d missing" % (name, f))
        if r is None:
            continue
        if m["encrypted"]:
            check(r.get("ikecap.decrypt_status") == "decrypted",
                  "%s: frame %d %s: %s" % (name, f, m["exchange"], r.get("ikecap.decrypt_status")))
            plain = r.get("ikecap.plain", {})
            got = [q.get("isakmp.typepayload") for q in plain.get("isakmp.payloads", [])]
            check(got == top_payloads(m["payloads"]), "%s: frame %d payloads %s, truth %s" % (name, f, got,
                                                                                           m["payloads"]))
            nested = [PT[n.split("/")[1]] for n in m["payloads"] if "/" in n]
            if nested:
                check(nested_types(plain) == nested, "%s: frame %d nested %s, truth %s" %
                      (name, f, nested_types(plain), nested))
        if m["exchange"] == "groupkey-pull":
            check(r.get("ikecap.msg", "").startswith("PULL"), "%s: frame %d is %s, not PULL" %
                  (name, f, r.get("ikecap.msg")))
            check(r.get("ikecap.retransmit") == bool(m.get("retransmission")),
                  "%s: frame %d retransmission flag" % (name, f))
            if m.get("hash_ok"):
                check(r.get("ikecap.hash") == "verified", "%s: frame %d HASH %s" % (name, f, r.get("ikecap.hash")))
            if "seq" in m:
                seqs = [q.get("isakmp.seq.seq") for q in r.get("ikecap.plain", {}).get("isakmp.payloads", [])
                        if q.get("isakmp.typepayload") == 18]
                check(seqs == [m["seq"]], "%s: frame %d SEQ %s, truth %s" % (name, f, seqs, m["seq"]))
        elif m["exchange"] == "groupkey-push-ack":
            # RFC 8263: HDR, HASH, SEQ, ID in the clear; SEQ repeats the rekey's
            check(r.get("ikecap.msg") == "PUSH-ACK", "%s: frame %d is %s, not PUSH-ACK" % (name, f, r.get("ikecap.msg")))
            got = [q.get("isakmp.typepayload") for q in r.get("isakmp.payloads", [])]
            check(got == top_payloads(m["payloads"]), "%s: frame %d ACK payloads %s" % (name, f, got))
            seqs = [q.get("isakmp.seq.seq") for q in r.get("isakmp.payloads", []) if q.get("isakmp.typepayload") == 18]
            check(seqs == [m["seq"]], "%s: frame %d ACK SEQ %s, truth %s" % (name, f, seqs, m["seq"]))
        elif m["exchange"] == "groupkey-push":
            plain = r.get("ikecap.plain", {})
            seqs = [q.get("isakmp.seq.seq") for q in plain.get("isakmp.payloads", [])
                    if q.get("isakmp.typepayload") == 18]
            check(seqs == [m["seq"]], "%s: frame %d SEQ %s, truth %s" % (name, f, seqs, m["seq"]))
            want = "verified" if m.get("receiver_signature_ok") else "failed"
            check(r.get("ikecap.hash") == want, "%s: frame %d signature %s, truth %s" %
                  (name, f, r.get("ikecap.hash"), want))
            check(r.get("ikecap.retransmit") is False, "%s: frame %d: a rekey is no retransmission" % (name, f))
            if f in replayed:
                check(r.get("ikecap.msg") == "PUSH-REPLAY", "%s: frame %d replay not said: %s" %
                      (name, f, r.get("ikecap.msg")))
            else:
                check(r.get("ikecap.msg") == "PUSH", "%s: frame %d is %s" % (name, f, r.get("ikecap.msg")))
            acc = "accepted" if m.get("receiver_accepted") else "rejected"
            check(acc in r.get("ikecap.decrypt_detail", ""), "%s: frame %d not %s: %s" %
                  (name, f, acc, r.get("ikecap.decrypt_detail")))

    # KEK and TEKs: the member's view.
    gv = truth.get("gm_view")
    groups = [r for r in recs if r.get("type") == "gdoi_group"]
    check(len(groups) == 1, "%s: %d gdoi_group records" % (name, len(groups)))
    if gv and groups:
        g = groups[0]
        kek = gv["kek"]
        check(g.get("ikecap.gdoi.group_id") == truth["group"]["group_id"], "%s: group id" % name)
        check(g.get("ikecap.gdoi.kek_spi") == kek["spi"], "%s: KEK SPI" % name)
        check(g.get("ikecap.gdoi.kek_key") == kek["key"], "%s: KEK key" % name)
        check(g.get("ikecap.gdoi.kek_iv") == kek["iv"], "%s: KEK IV" % name)
        check(g.get("ikecap.gdoi.sig_public_key") == kek["sig_public_key_der"], "%s: KS public key" % name)
        check(g.get("ikecap.gdoi.last_seq") == gv["last_seq"], "%s: last SEQ %s, truth %s" %
              (name, g.get("ikecap.gdoi.last_seq"), gv["last_seq"]))
        ours = {"%08x" % t["esp.spi"]: t for t in g.get("ikecap.gdoi.teks", []) if t.get("ikecap.gdoi.tek_accepted")}
        check(set(ours) == {t["spi"] for t in gv["teks"]}, "%s: accepted TEKs %s, truth %s" %
              (name, sorted(ours), [t["spi"] for t in gv["teks"]]))
        esp_sas = {"%08x" % r["esp.spi"]: r for r in recs if r.get("type") == "esp_sa"}
        for t in gv["teks"]:
            o = ours.get(t["spi"], {})
            check(o.get("ikecap.gdoi.tek_enc_key") == t["enc_key"], "%s: TEK %s key" % (name, t["spi"]))
            check(o.get("ikecap.gdoi.tek_auth_key") == t["auth_key"], "%s: TEK %s auth key" % (name, t["spi"]))
            e = esp_sas.get(t["spi"], {})
            check(e.get("ikecap.esp_enc_key") == t["enc_key"] and e.get("ikecap.esp_auth_key") == t["auth_key"],
                  "%s: ESP SA %s keys" % (name, t["spi"]))
            check(e.get("ikecap.esp_origin") == "gdoi", "%s: ESP SA %s origin %s" %
                  (name, t["spi"], e.get("ikecap.esp_origin")))
        # RFC 8263 acknowledgements: each ACK the KS received is tied to the rekey with its SEQ
        check(g.get("ikecap.gdoi.ack_requested") == bool(truth["group"].get("ack_requested")),
              "%s: ACK requested %s" % (name, g.get("ikecap.gdoi.ack_requested")))
        acks = {m["seq"]: m["frame"] for m in truth["messages"] if m["exchange"] == "groupkey-push-ack"}
        for rk in g.get("ikecap.gdoi.rekeys", []):
            check(rk.get("ikecap.gdoi.ack_frame") == acks.get(rk.get("isakmp.seq.seq")),
                  "%s: rekey SEQ %s ACK frame %s, truth %s" % (name, rk.get("isakmp.seq.seq"),
                                                                rk.get("ikecap.gdoi.ack_frame"),
                                                                acks.get(rk.get("isakmp.seq.seq"))))

    # Group ESP: every packet decrypted, GRE inside, the member's inner packet length.
    for e in truth.get("esp", []):
        if e["spi"] in truth.get("rogue_teks", []):
            continue
        r = pkts.get(e["frame"], {})
        inner = r.get("ikecap.inner", {})
        check(r.get("ikecap.esp_status") == "decrypted", "%s: ESP frame %d %s" %
              (name, e["frame"], r.get("ikecap.esp_status")))
        check(inner.get("ip.proto") == 47 and inner.get("ikecap.inner_len") == len(e["inner_ip_packet"]) // 2,
              "%s: ESP frame %d inner %s" % (name, e["frame"], inner))

    # Findings.
    diag = [r for r in recs if r.get("type") == "diagnosis"]
    codes = {d.get("code") for d in diag}
    gdoi_codes = {c for c in codes if c and c.startswith("gdoi-")}
    check(gdoi_codes == EXPECT.get(name, set()), "%s: GDOI findings %s, expected %s" %
          (name, sorted(gdoi_codes), sorted(EXPECT.get(name, set()))))
    other_fail = [d.get("code") for d in diag if d.get("severity") == "failure" and
                  not d.get("code", "").startswith("gdoi-")]
    check(not other_fail, "%s: other failures %s" % (name, other_fail))
    check("missing-keys" not in codes, "%s: missing-keys finding" % name)
    # Without keys the key downloads stay closed: no TEK can be called unannounced.
    nk = subprocess.run([IKECAP, "--no-progress", "-q", "-T", "json", "-r", base + ".pcap"], capture_output=True,
                        text=True)
    nkc = {json.loads(l).get("code") for l in nk.stdout.splitlines() if l.strip()}
    check(nk.returncode == 0 and "gdoi-tek-unannounced" not in nkc,
          "%s without keys: no gdoi-tek-unannounced (%s)" % (name, sorted(c for c in nkc if c)))
    check_expiry(name, truth, recs, diag)
    check_unanswered(name, truth, diag)
    check_unannounced(name, truth, pkts, diag)
    check_pull_options(name, truth, recs)
    check_unacked(name, truth, recs, diag)
    check_text(name, truth, base)


def main():
    caps = sorted(glob.glob("captures/gdoi/*.pcap"))
    n = 0
    for cap in caps:
        name = os.path.basename(cap)[:-5]
        if not os.path.exists(cap[:-5] + ".keys") or not os.path.exists(cap[:-5] + ".truth.json"):
            continue
        before = failures
        run(name)
        n += 1
        print("gdoi: %s %s" % (name, "ok" if failures == before else "FAILED"))
    print("check_gdoi: %d captures, %d checks, %d failed" % (n, checks, failures))
    return 1 if failures or not n else 0


if __name__ == "__main__":
    sys.exit(main())
