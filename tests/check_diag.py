#!/usr/bin/env python3
"""Run ikecap on the lab and synthetic captures and check its diagnoses.

Expected findings come from outside ikecap: the lab cases' README/truth.json
(what the daemons were configured to do, what they offered), tshark (which
frame carries the NO-PROPOSAL-CHOSEN notify, which frame is MM5) and, for
captures/synthetic/diag-*.pcap, how make-diag-captures.py built them (see
captures/synthetic/README.md).

Usage: check_diag.py [IKECAP]   (default ./ikecap)
Exit 0 when every check holds; prints one line per check.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

IKECAP = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("IKECAP", "./ikecap")
LAB = "captures/lab"
SYN = "captures/synthetic"
FAILURE_CODES = {
    "no-response", "phase1-stalled", "no-proposal-chosen", "psk-mismatch", "auth-failed", "id-mismatch",
    "pfs-mismatch", "proxy-id-mismatch", "transform-mismatch", "qm-no-response", "sa-install-failed",
    "invalid-cookie", "natt-blocked", "dead-peer", "dpd-unanswered", "error-notify", "icmp-error",
}

failures = 0
checks = 0


def check(ok, what):
    global failures, checks
    checks += 1
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def diagnoses(pcap, keys=()):
    cmd = [IKECAP, "--no-progress", "-q", "-T", "json", "-r", pcap]
    for k in keys:
        cmd[1:1] = ["-k", k]
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, TZ="UTC", LC_ALL="C"))
    recs = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    ds = [r for r in recs if r.get("type") == "diagnosis"]
    # A finding says each thing once (two rules' helpers once both wrote
    # "The Quick Mode is encrypted: give the keys ..." into one finding).
    for d in ds:
        said = [x.strip()[:40] for x in d.get("text", "").split(". ") if len(x.strip()) > 40]
        twice = sorted({x for x in said if said.count(x) > 1})
        if twice:
            check(False, "%s: %s repeats a sentence: %s" % (os.path.basename(pcap), d.get("code"), twice[0]))
    return ds


def codes(ds):
    return {d["code"]: d for d in ds}


def tshark_frames(pcap, filt):
    out = subprocess.run(["tshark", "-r", pcap, "-Y", filt, "-T", "fields", "-e", "frame.number"],
                         capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


def pcap_records(path):
    """A classic pcap as (its 24-byte header, [each record with its 16-byte header])."""
    src = open(path, "rb").read()
    e = "<" if src[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off, recs = 24, []
    while off + 16 <= len(src):
        end = off + 16 + struct.unpack(e + "I", src[off + 8:off + 12])[0]
        recs.append(src[off:end])
        off = end
    return src[:24], recs


def diagnoses_of_frames(path, keep, keys=()):
    """The diagnoses of the capture at path with only the frames numbered in keep."""
    head, recs = pcap_records(path)
    with tempfile.TemporaryDirectory() as td:
        cut = os.path.join(td, "cut.pcap")
        open(cut, "wb").write(head + b"".join(recs[k - 1] for k in keep))
        return diagnoses(cut, keys)


def tshark_frames_keyed(pcap, keys, filt):
    """tshark_frames with the Wireshark key tables ikecap exports from keys
    (the daemons' logged secrets): tshark decrypts and filters on its own."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([IKECAP, "--no-progress", "-q", "--export-keys", d, "-k", keys, "-r", pcap], capture_output=True)
        opts = []
        with open(os.path.join(d, "ikev1_decryption_table")) as f:
            opts = sum((["-o", "uat:ikev1_decryption_table:" + l.strip()] for l in f
                        if l.strip() and not l.startswith("#")), [])
    out = subprocess.run(["tshark", "-r", pcap] + opts + ["-Y", filt, "-T", "fields", "-e", "frame.number"],
                         capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


def tshark_dpd(pcap, keys):
    """Every R-U-THERE and R-U-THERE-ACK tshark decrypts (with the key
    tables ikecap exports from the daemons' logged secrets): (frame, time,
    source address, "probe" or "ack", sequence number)."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([IKECAP, "--no-progress", "-q", "--export-keys", d, "-k", keys, "-r", pcap], capture_output=True)
        with open(os.path.join(d, "ikev1_decryption_table")) as f:
            opts = sum((["-o", "uat:ikev1_decryption_table:" + l.strip()] for l in f
                        if l.strip() and not l.startswith("#")), [])
    out = subprocess.run(["tshark", "-r", pcap] + opts + [
        "-Y", "isakmp.notify.msgtype == 36136 || isakmp.notify.msgtype == 36137", "-T", "fields",
        "-e", "frame.number", "-e", "frame.time_epoch", "-e", "ip.src", "-e", "isakmp.notify.data.dpd.are_you_there",
        "-e", "isakmp.notify.data.dpd.are_you_there_ack"], capture_output=True, text=True)
    rows = []
    for line in out.stdout.splitlines():
        f = line.split("\t")
        rows.append((int(f[0]), float(f[1]), f[2], "probe" if f[3] else "ack", int(f[3] or f[4])))
    return rows


def dpd_capture(path, spec):
    """MM1 and MM2 of the lab's mm-psk-aes128-sha1-g2 (frames 3, 4), then
    Informationals in clear carrying N(R-U-THERE) / N(R-U-THERE-ACK) (RFC
    3706 §5: protocol ISAKMP, SPI = the cookies, 4 bytes of sequence number).
    spec: (sender "I"/"R", "probe"/"ack"/"ack-nodata", seq, seconds after MM2)."""
    head, recs = pcap_records(os.path.join(LAB, "mm-psk-aes128-sha1-g2.pcap"))
    mm1, mm2 = recs[2], recs[3]
    icky, rcky = mm1[16 + 42:16 + 50], mm2[16 + 50:16 + 58]
    t0 = struct.unpack("<I", mm2[:4])[0] + 10
    out = [mm1, mm2]
    for mid, (who, kind, seq, dt) in enumerate(spec, 1000):
        data = b"" if kind == "ack-nodata" else struct.pack("!I", seq)
        n = struct.pack("!BBHIBBH", 0, 0, 12 + 16 + len(data), 1, 1, 16,
                        36136 if kind == "probe" else 36137) + icky + rcky + data
        ike = icky + rcky + struct.pack("!BBBBII", 11, 0x10, 5, 0, mid, 28 + len(n)) + n
        tmpl = (mm1 if who == "I" else mm2)[16:]
        ip = bytearray(tmpl[14:34])
        struct.pack_into("!HH", ip, 2, 20 + 8 + len(ike), 0)
        struct.pack_into("!H", ip, 10, 0)
        c = sum(struct.unpack("!10H", bytes(ip)))
        c = (c >> 16) + (c & 0xffff)
        struct.pack_into("!H", ip, 10, ~(c + (c >> 16)) & 0xffff)
        udp = bytearray(tmpl[34:42])
        struct.pack_into("!HH", udp, 4, 8 + len(ike), 0)
        frame = tmpl[:14] + bytes(ip) + bytes(udp) + ike
        sec, usec = int(t0 + dt), int(round((t0 + dt - int(t0 + dt)) * 1e6))
        out.append(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)
    open(path, "wb").write(head + b"".join(out))


def check_dpd_matching():
    """DPD probes and ACKs built by hand (dpd_capture): what matches what is
    known by construction."""
    with tempfile.TemporaryDirectory() as d:
        cap = os.path.join(d, "dpd.pcap")
        # An ACK without a sequence number answers the probe before it.
        dpd_capture(cap, sum(([("I", "probe", k, 10 * k), ("R", "ack-nodata", 0, 10 * k + 0.01)]
                              for k in range(1, 6)), []))
        ds = codes(diagnoses(cap))
        check("dpd-unanswered" not in ds and "dead-peer" not in ds,
              "DPD ACKs without a sequence number answer the probes: no DPD finding (got %s)" % sorted(ds))
        # A probe sent again with the same number: one ACK answers every copy.
        dpd_capture(cap, [("I", "probe", 7, 1), ("I", "probe", 7, 6), ("I", "probe", 7, 11), ("R", "ack", 7, 11.01),
                          ("R", "probe", 900, 20), ("I", "ack", 900, 20.01)])
        ds = codes(diagnoses(cap))
        check("dpd-unanswered" not in ds, "a probe sent 3 times with one number, one ACK: answered (got %s)"
              % sorted(ds))
        # ... and the ladder's reply time runs from the last copy: 10 ms.
        out = subprocess.run([IKECAP, "--no-progress", "--color=never", "-T", "ladder", "-r", cap],
                             capture_output=True, text=True).stdout.splitlines()
        at = [i for i, l in enumerate(out) if l.split()[:2] and l.split()[0][0] == "+" and l.split()[1] == "6"]
        check(at and "reply 10.0 ms" in out[at[0] + 1], "the ACK of a probe sent 3 times: reply 10.0 ms after the "
              "last copy (got %r)" % (out[at[0] + 1] if at else None))
        # An ACK without a number answers the probe just sent, not an older
        # unanswered one: the initiator's probes 1 and 2 got nothing, 3 got it.
        dpd_capture(cap, [("I", "probe", 1, 0), ("R", "probe", 500, 1), ("I", "ack", 500, 1.01),
                          ("I", "probe", 2, 10), ("R", "probe", 501, 11), ("I", "ack", 501, 11.01),
                          ("I", "probe", 3, 20), ("R", "ack-nodata", 0, 20.01),
                          ("R", "probe", 502, 21), ("I", "ack", 502, 21.01)])
        ds = codes(diagnoses(cap))
        check("dpd-unanswered" not in ds, "an ACK without a number answers the newest probe: the run of unanswered "
              "probes ends there (got %s)" % sorted(ds))
        # 12 probes of the initiator unanswered while the responder probes 3
        # times as often (the initiator ACKs those): the initiator's own last
        # 8 are kept (frames 3, 9, 15 ... a round is 7 frames: I probe, then
        # 3 x (R probe, I ack)).
        spec = []
        for k in range(12):
            spec.append(("I", "probe", 100 + k, 10 * k))
            for j in range(3):
                spec += [("R", "probe", 500 + 3 * k + j, 10 * k + 1 + j), ("I", "ack", 500 + 3 * k + j, 10 * k + 1.01 + j)]
        dpd_capture(cap, spec)
        ds = diagnoses(cap)
        kept = [3 + 7 * k for k in range(4, 12)]
        expect(ds, "dpd-unanswered", "likely", "12 initiator probes unanswered, responder probing", frames=kept,
               text=["The initiator's last 8 (or more) DPD R-U-THERE", "though the responder kept sending"])


def truth(case):
    with open(os.path.join(LAB, case + ".truth.json")) as f:
        return json.load(f)["ike_sas"][0]


def lab(case):
    return os.path.join(LAB, case + ".pcap")


def keys_of(case):
    k = os.path.join(LAB, case + ".keys")
    return [k] if os.path.exists(k) else []


def no_failure(ds, what):
    bad = sorted(c for c in codes(ds) if c in FAILURE_CODES)
    check(not bad, "%s: no failure code (got %s)" % (what, ", ".join(bad) or "none"))


def expect(ds, code, certainty, what, frames=(), text=()):
    d = codes(ds).get(code)
    check(d is not None, "%s: %s present (got %s)" % (what, code, ", ".join(sorted(codes(ds))) or "none"))
    if d is None:
        return
    check(d["certainty"] == certainty, "%s: %s is %s (got %s)" % (what, code, certainty, d["certainty"]))
    for fr in frames:
        check(fr in d["frames"], "%s: %s evidence includes frame %d (got %s)" % (what, code, fr, d["frames"]))
    for t in text:
        check(t in d["text"], "%s: %s text mentions %r" % (what, code, t))


def main():
    if not os.path.exists(IKECAP):
        print("no %s: build it first" % IKECAP)
        return 2
    if not diagnoses(lab("fail-no-proposal")):
        print("%s writes no diagnosis records: is diagnose.c wired into main.c?" % IKECAP)
        return 2

    # fail-psk-mismatch: README: the two daemons hold different PSKs.
    t = truth("fail-psk-mismatch")
    mm5 = tshark_frames(lab("fail-psk-mismatch"),
                        "isakmp.exchangetype == 2 && isakmp.flag_e == 1 && ip.src == %s" % t["initiator_ip"])
    notify = tshark_frames(lab("fail-psk-mismatch"), "isakmp.exchangetype == 5 && ip.src != %s" % t["initiator_ip"])
    check(len(mm5) == 3 and len(notify) == 3, "fail-psk-mismatch: tshark sees MM5 three times, three INFOs back")
    check(t["psk"]["a"] != t["psk"]["b"], "fail-psk-mismatch: truth.json says the PSKs differ")
    ds = diagnoses(lab("fail-psk-mismatch"), keys_of("fail-psk-mismatch"))
    expect(ds, "psk-mismatch", "proven", "fail-psk-mismatch with keys", frames=mm5[:1])
    ds = diagnoses(lab("fail-psk-mismatch"))
    expect(ds, "psk-mismatch", "likely", "fail-psk-mismatch without keys", frames=mm5 + notify[:1])
    check("missing-keys" in codes(ds), "fail-psk-mismatch without keys: missing-keys warning")

    # fail-no-proposal: tshark finds the notify; truth.json has the initiator's offers.
    npc = tshark_frames(lab("fail-no-proposal"), "isakmp.notify.msgtype == 14")
    mm1 = tshark_frames(lab("fail-no-proposal"), "isakmp.exchangetype == 2 && isakmp.rspi == 00:00:00:00:00:00:00:00")
    check(len(npc) == 1 and len(mm1) == 1, "fail-no-proposal: tshark sees one MM1 and one NO-PROPOSAL-CHOSEN")
    offers = truth("fail-no-proposal")["phase1_offered"]
    words = []
    for o in offers:
        words += ["%s-%d" % (o["enc"], o["key_length"]), o["hash"].upper(), "group %d" % o["dh_group"]]
    ds = diagnoses(lab("fail-no-proposal"))
    expect(ds, "no-proposal-chosen", "proven", "fail-no-proposal", frames=npc + mm1, text=words)

    # am-psk: Aggressive Mode, a working tunnel.
    ds = diagnoses(lab("am-psk"), keys_of("am-psk"))
    d = codes(ds).get("aggressive-mode")
    check(d is not None and d["severity"] == "warning", "am-psk: aggressive-mode warning")
    no_failure(ds, "am-psk with keys")
    no_failure(diagnoses(lab("am-psk")), "am-psk without keys")

    # Good cases: a tunnel came up (README: pings answered through ESP).
    for case in ("mm-psk-aes128-sha1-g2", "mm-psk-aes256-sha256-g14-pfs", "mm-rsa-sig", "ikev1-esp-gcm", "natt"):
        no_failure(diagnoses(lab(case), keys_of(case)), case + " with keys")
        no_failure(diagnoses(lab(case)), case + " without keys")
    no_failure(diagnoses(lab("natt-responder-side"), keys_of("natt")), "natt-responder-side with keys")

    # natt: a real NAT in front of the initiator (README: lab-nat).
    ds = diagnoses(lab("natt"), keys_of("natt"))
    expect(ds, "nat-detected", "proven", "natt", text=["near the initiator"])

    # The same float cut right after the first MM5 on 4500 (nothing retried yet): the capture
    # ended, nothing says the port is blocked.
    ds = diagnoses_of_frames(os.path.join(SYN, "diag-natt-blocked-initiator.pcap"), range(1, 6))
    check("natt-blocked" not in codes(ds), "natt-blocked: not at a capture that ends on the first MM5 on 4500 (got %s)"
          % ", ".join(sorted(codes(ds))))

    # The responder's side cut right after MM4 (the capture ended, the responder has not
    # waited for MM5 yet): nothing says UDP 4500 is blocked.
    ds = diagnoses_of_frames(os.path.join(SYN, "diag-natt-blocked-responder.pcap"), range(1, 5))
    check("natt-blocked" not in codes(ds), "natt-blocked: not at a responder-side capture that ends on MM4 (got %s)"
          % ", ".join(sorted(codes(ds))))

    # live/rekey: the rekeyed phase 1s start on UDP 4500 (tshark: their MM1, CKY-R 0, on port 4500):
    # they did not "move" there.
    rk = os.path.join(os.path.dirname(LAB), "live", "rekey")
    on4500 = tshark_frames(rk + ".pcap", "udp.dstport == 4500 && isakmp.rspi == 00:00:00:00:00:00:00:00")
    ds = [d for d in diagnoses(rk + ".pcap", [rk + ".keys"]) if d.get("code") == "nat-detected"]
    for fr in on4500:
        d = [x for x in ds if fr in x.get("frames", [])]
        check(len(d) == 1 and "moved to UDP 4500" not in d[0]["text"] and "from its first message" in d[0]["text"],
              "live/rekey: phase 1 begun on 4500 (MM1 frame %d) is not said to move there: %s" %
              (fr, d[0]["text"] if d else "no nat-detected finding"))
    check(len(on4500) == 2, "live/rekey: tshark finds two MM1s on 4500 (%s)" % on4500)

    # udp500-xfrm: README: the kernel rejects the ESP SA and charon answers QM2 with N + D.
    ds = diagnoses(lab("mm-psk-aes128-sha1-g2-udp500-xfrm"), keys_of("mm-psk-aes128-sha1-g2-udp500-xfrm"))
    expect(ds, "sa-install-failed", "likely", "udp500-xfrm with keys")

    # Synthetic failures (captures/synthetic/README.md says how each was made).
    allkeys = keys_of("mm-psk-aes128-sha1-g2") + keys_of("mm-psk-aes256-sha256-g14-pfs") + keys_of("natt") + \
        keys_of("mm-psk-aes128-sha1-g2-udp500-xfrm")
    syn = os.path.join
    for keys in ((), allkeys):
        tag = " with keys" if keys else " without keys"
        ds = diagnoses(syn(SYN, "diag-no-response.pcap"), keys)
        expect(ds, "no-response", "likely", "diag-no-response" + tag, frames=[1, 2, 3, 4])
        ds = diagnoses(syn(SYN, "diag-no-response-icmp.pcap"), keys)
        icmp = tshark_frames(syn(SYN, "diag-no-response-icmp.pcap"), "icmp")
        check(icmp == [2, 4], "diag-no-response-icmp: tshark sees ICMP in frames 2 and 4 (%s)" % icmp)
        expect(ds, "no-response", "proven", "diag-no-response-icmp" + tag, frames=[1, 3] + icmp,
               text=["port unreachable"])
        for cap, text, silence in (("diag-icmp-mtu.pcap", "path MTU", "phase1-stalled"),
                                   ("diag-icmp-natt.pcap", "nothing listens on UDP 4500", "natt-blocked")):
            icmp = tshark_frames(syn(SYN, cap), "icmp")
            check(len(icmp) == 3, "%s: tshark sees 3 ICMP errors (%s)" % (cap, icmp))
            ds = diagnoses(syn(SYN, cap), keys)
            expect(ds, "icmp-error", "proven", cap + tag, frames=icmp, text=[text])
            check(not {silence, "psk-mismatch"} & set(codes(ds)), "%s%s: ICMP, not silence: no %s or psk-mismatch (%s)"
                  % (cap, tag, silence, ", ".join(sorted(codes(ds)))))
        ds = diagnoses(syn(SYN, "diag-no-response-icmp8.pcap"), keys)
        expect(ds, "no-response", "proven", "diag-no-response-icmp8 (8 bytes quoted)" + tag, frames=[1, 2, 3, 4],
               text=["port unreachable"])
        ds = diagnoses(syn(SYN, "diag-mm3-stalled.pcap"), keys)
        expect(ds, "phase1-stalled", "likely", "diag-mm3-stalled" + tag, frames=[3, 4, 5], text=["MM_WAIT_MSG4"])
        ds = diagnoses(syn(SYN, "diag-mm5-silent.pcap"), keys)
        expect(ds, "psk-mismatch", "likely", "diag-mm5-silent" + tag, frames=[5, 6, 7])
        ds = diagnoses(syn(SYN, "diag-invalid-cookie.pcap"), keys)
        expect(ds, "invalid-cookie", "proven", "diag-invalid-cookie" + tag, frames=[8])
        ds = diagnoses(syn(SYN, "diag-natt-blocked-responder.pcap"), keys)
        expect(ds, "natt-blocked", "likely", "diag-natt-blocked-responder" + tag, frames=[3, 4, 5, 6],
               text=["sent MM4 3 times"])
        ds = diagnoses(syn(SYN, "diag-natt-blocked-initiator.pcap"), keys)
        expect(ds, "natt-blocked", "likely", "diag-natt-blocked-initiator" + tag, frames=[5, 6, 7])
    ds = diagnoses(syn(SYN, "diag-pfs-unanswered.pcap"), allkeys)
    expect(ds, "pfs-mismatch", "likely", "diag-pfs-unanswered with keys", frames=[7, 8, 9])
    ds = diagnoses(syn(SYN, "diag-pfs-unanswered.pcap"))
    expect(ds, "qm-no-response", "likely", "diag-pfs-unanswered without keys", frames=[7, 8, 9])
    # tshark, with the lab's Wireshark key table, reads the added notify as INVALID-ID-INFORMATION (18)
    with open(os.path.join(LAB, "mm-psk-aes128-sha1-g2.wireshark", "ikev1_decryption_table")) as f:
        uat = [l.strip() for l in f if l.strip() and not l.startswith("#")][0]
    out = subprocess.run(["tshark", "-r", syn(SYN, "diag-proxy-id.pcap"), "-o", "uat:ikev1_decryption_table:" + uat,
                          "-Y", "frame.number == 8", "-T", "fields", "-e", "isakmp.notify.msgtype"],
                         capture_output=True, text=True)
    check(out.stdout.strip() == "18", "diag-proxy-id: tshark decrypts frame 8 to notify 18 (got %r)" % out.stdout)
    ds = diagnoses(syn(SYN, "diag-proxy-id.pcap"), allkeys)
    expect(ds, "proxy-id-mismatch", "proven", "diag-proxy-id with keys", frames=[7, 8],
           text=["10.1.0.0/24", "10.2.0.0/24"])
    no_failure(diagnoses(syn(SYN, "diag-proxy-id.pcap")), "diag-proxy-id without keys (notify encrypted)")

    # ESP sequence gap: tshark's esp.sequence per SPI says which packet follows
    # a jump and by how much; ikecap's ikecap.esp_seq_gap must say the same,
    # with keys and without (sequence numbers are in clear).
    gap_pcap = syn(SYN, "diag-esp-seq-gap.pcap")
    out = subprocess.run(["tshark", "-r", gap_pcap, "-Y", "esp", "-T", "fields", "-e", "frame.number",
                          "-e", "esp.spi", "-e", "esp.sequence"], capture_output=True, text=True)
    last, want_gaps = {}, {}
    for line in out.stdout.splitlines():
        fr, spi, seq = line.split("\t")
        if spi in last and int(seq) > last[spi] + 1:
            want_gaps[int(fr)] = int(seq) - last[spi] - 1
        last[spi] = int(seq)
    check(want_gaps == {15: 1}, "diag-esp-seq-gap: tshark sees one packet missing before frame 15 (got %r)" % want_gaps)
    for tag, ks in (("with keys", allkeys), ("without keys", [])):
        cmd = [IKECAP, "--no-progress", "-T", "json", "-r", gap_pcap] + sum((["-k", k] for k in ks), [])
        res = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, TZ="UTC", LC_ALL="C"))
        got = {}
        for line in res.stdout.splitlines():
            r = json.loads(line)
            if r.get("type") == "packet" and "ikecap.esp_seq_gap" in r:
                got[r["ikecap.frame"]] = r["ikecap.esp_seq_gap"]
        check(got == want_gaps, "diag-esp-seq-gap %s: ikecap.esp_seq_gap %r, tshark %r" % (tag, got, want_gaps))

    # Real peers (captures/live, tools/lab): each failure made on purpose by its
    # scenario config (tools/lab/scenarios/NAME), so the expected finding comes
    # from how the capture was made, not from ikecap.
    live = os.path.join(os.path.dirname(LAB), "live")
    real = [
        ("fail-psk-mismatch", "psk-mismatch", "proven"),     # different PSKs in the two configs
        ("fail-no-proposal", "no-proposal-chosen", "proven"),  # disjoint phase-1 proposals
        ("fail-pfs-one-side", "pfs-mismatch", "likely"),     # PFS group on the initiator only
        ("fail-ts-mismatch", "proxy-id-mismatch", "proven"),  # responder's remote_ts differs
        ("fail-unreachable", "no-response", "proven"),       # no charon on the responder
    ]
    for case, code, certainty in real:
        pcap = os.path.join(live, case + ".pcap")
        ks = [os.path.join(live, case + ".keys")]
        expect(diagnoses(pcap, ks), code, certainty, "live " + case)
    # The evidence names every frame tshark finds for it: each ICMP error; every
    # unanswered DPD probe and every DELETE (tshark decrypting with the tables
    # ikecap exports from the daemons' logged keys).
    pcap = os.path.join(live, "fail-unreachable.pcap")
    icmp = tshark_frames(pcap, "icmp")
    check(len(icmp) == 4, "live fail-unreachable: tshark sees 4 ICMP errors (%s)" % icmp)
    expect(diagnoses(pcap), "no-response", "proven", "live fail-unreachable", frames=icmp)
    out = subprocess.run([IKECAP, "--no-progress", "--color=never", "-T", "ladder", "-r", pcap],
                         capture_output=True, text=True, env=dict(os.environ, TZ="UTC", LC_ALL="C")).stdout
    drawn = [int(l.split()[1]) for l in out.splitlines() if "ICMP port unreachable" in l and l.split()[0][0] in "+-"]
    check(drawn == icmp, "live fail-unreachable: the ladder draws the ICMP errors of frames %s (drew %s)" % (icmp, drawn))
    pcap = os.path.join(live, "stale-sa.pcap")
    probes = tshark_frames_keyed(pcap, os.path.join(live, "stale-sa.keys"), "isakmp.notify.msgtype == 36136")
    acks = tshark_frames_keyed(pcap, os.path.join(live, "stale-sa.keys"), "isakmp.notify.msgtype == 36137")
    unanswered = [p for p in probes if not acks or p > max(acks)]
    check(len(unanswered) >= 2, "live stale-sa: tshark finds unanswered R-U-THERE probes (%s, acks %s)" % (probes, acks))
    expect(diagnoses(pcap, [os.path.join(live, "stale-sa.keys")]), "dead-peer", "likely", "live stale-sa",
           frames=unanswered)
    # live/dpd with some ACKs lost (frames 16, 20) and cut after frame 23: the capture ends on
    # the initiator's probe, right after the responder's own probe (frame 22): alive, not dead.
    ds = diagnoses_of_frames(os.path.join(live, "dpd.pcap"), [k for k in range(1, 24) if k not in (16, 20)],
                             [os.path.join(live, "dpd.keys")])
    check("dead-peer" not in codes(ds), "live dpd without frames 16, 20 and cut after 23 (the peer's own probe "
          "right before the last): no dead-peer (got %s)" % ", ".join(sorted(codes(ds))))
    check("dpd-unanswered" not in codes(ds), "live dpd without frames 16, 20 and cut after 23: one probe of each "
          "side unanswered before the end, no dpd-unanswered (got %s)" % ", ".join(sorted(codes(ds))))
    check_dpd_matching()
    # DPD matched by sequence number (RFC 3706 §5), the probes and ACKs as
    # tshark decrypts them.  Each ACK is a reply to the probe with its number:
    # the ladder shows the time between them.
    pcap, keys = os.path.join(live, "dpd.pcap"), os.path.join(live, "dpd.keys")
    dpd = tshark_dpd(pcap, keys)
    probes = {(r[2], r[4]): r for r in dpd if r[3] == "probe"}
    check(len(dpd) == 12 and len(probes) == 6, "live dpd: tshark decrypts 6 probes and 6 ACKs (%s)" % dpd)
    out = subprocess.run([IKECAP, "--no-progress", "--color=never", "-T", "ladder", "-k", keys, "-r", pcap],
                         capture_output=True, text=True, env=dict(os.environ, TZ="UTC", LC_ALL="C")).stdout.splitlines()
    for fr, t, src, kind, seq in dpd:
        if kind != "ack":
            continue
        asked = [r for (s2, q), r in probes.items() if q == seq and s2 != src]
        at = [i for i, l in enumerate(out) if l.split()[:2] and l.split()[0][0] == "+" and l.split()[1] == str(fr)]
        want = "reply %.1f ms" % ((t - asked[0][1]) * 1000) if asked else None
        check(asked and at and at[0] + 1 < len(out) and want in out[at[0] + 1],
              "live dpd ladder: the ACK in frame %d is a %s to frame %s (got %r)"
              % (fr, want, asked[0][0] if asked else None, out[at[0] + 1] if at else None))
    # The initiator answers none of the responder's probes (its ACKs left
    # out) while it goes on probing, and the responder ACKs those: the
    # responder's probes are unanswered although the initiator is alive.
    init_acks = [r[0] for r in dpd if r[3] == "ack" and r[2] == "198.51.100.1"]
    keep = [k for k in range(1, 28) if k not in init_acks]
    resp_probes = [keep.index(r[0]) + 1 for r in dpd if r[3] == "probe" and r[2] == "198.51.100.2"]
    ds = diagnoses_of_frames(pcap, keep, [keys])
    check(len(init_acks) == 3, "live dpd: tshark finds the initiator's 3 ACKs (%s)" % init_acks)
    expect(ds, "dpd-unanswered", "likely", "live dpd without the initiator's ACKs", frames=resp_probes,
           text=["The responder's last 3 DPD R-U-THERE", "though the initiator kept sending"])
    check("dead-peer" not in codes(ds), "live dpd without the initiator's ACKs: the initiator is alive, no dead-peer")
    pcap = os.path.join(live, "libreswan-mm-psk.pcap")
    dels = tshark_frames_keyed(pcap, os.path.join(live, "libreswan-mm-psk.keys"), "isakmp.typepayload == 12")
    check(len(dels) == 2, "live libreswan-mm-psk: tshark finds a DELETE from each side (%s)" % dels)
    expect(diagnoses(pcap, [os.path.join(live, "libreswan-mm-psk.keys")]), "deleted", "proven",
           "live libreswan-mm-psk", frames=dels, text=["The initiator deleted", "the responder deleted"])
    for case in ("mm-psk-3des-md5-g2", "mm-psk-aes256-sha256-g14", "qm-pfs", "natt", "dpd", "rekey", "am-psk"):
        pcap = os.path.join(live, case + ".pcap")
        no_failure(diagnoses(pcap, [os.path.join(live, case + ".keys")]), "live " + case)

    # The ladder: every capture, at most 79 columns, no escape codes when not asked.
    pcaps = sorted(os.path.join(LAB, f) for f in os.listdir(LAB) if f.endswith(".pcap")) + \
        sorted(os.path.join(SYN, f) for f in os.listdir(SYN) if f.startswith("diag-"))
    for p in pcaps:
        out = subprocess.run([IKECAP, "--no-progress", "--color=never", "-T", "ladder", "-r", p] +
                             sum((["-k", k] for k in allkeys), []),
                             capture_output=True, text=True, env=dict(os.environ, TZ="UTC", LC_ALL="C"))
        if out.returncode == 2:
            check(False, "ladder: %s rejects -T ladder" % IKECAP)
            break
        lines = out.stdout.splitlines()
        wide = [line for line in lines if len(line) > 79]
        check(out.returncode == 0 and not wide and "\033" not in out.stdout and "IKE SA" in out.stdout,
              "ladder %s: %d lines, none wider than 79" % (os.path.basename(p), len(lines)))

    print("%d checks, %d failed" % (checks, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
