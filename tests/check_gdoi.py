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

    # Group ESP: every packet decrypted, GRE inside, the member's inner packet length.
    for e in truth.get("esp", []):
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
