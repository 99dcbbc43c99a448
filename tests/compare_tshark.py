#!/usr/bin/env python3
"""Field-by-field comparison of ikecap with tshark over every capture.

For every capture (captures/**/*.pcap*, and ../shared/corpus/** and
../shared/lab/** when ../shared exists next to the repository):

  * run `tshark -r FILE -T json --no-duplicate-keys` (default ports 500/4500,
    no keys) and `ikecap -T json -r FILE`;
  * for each frame both see as ISAKMP or ESP, flatten both trees in document
    order into per-field value lists and compare a chosen set of fields (the
    header, the top-level payload type chain, payload lengths by nesting
    depth, SA/proposal/transform numbers, attribute type=value pairs, VID,
    notify, ID, nonce, KE, hash, delete, NAT-D, cert, fragment fields; for
    ESP esp.spi and esp.sequence);
  * frames only one side sees are differences too.

With keys (captures/lab/NAME.pcap + NAME.wireshark/ key tables + NAME.keys)
the decrypted IKEv1 payloads are compared: tshark shows them under
isakmp.enc.data, ikecap under ikecap.plain.

Differences where Wireshark is known to be wrong are classified by RULE from
ikecap's records (RULES: retransmitted encrypted messages, the message after a
retransmission, responder-side keys after a PSK mismatch, Cisco fragments with
a constant id, a phase-1 SA under the GDOI DOI) and reported as "known
Wireshark limit: <rule>" with a count.  Captures in captures/live/ with
NAME.keys are also compared keyed, tshark using ikecap's --export-keys tables.
Other known differences whose cause is Wireshark's (or a legitimate difference
of view) and that no rule covers are in ALLOW below, each with its reason; they are counted and listed
but do not fail a capture.  A capture passes when it has no other difference.
Last line: "tshark comparison: N passed, M failed".  Exit status 1 on failure.

Environment: IKECAP (default ./ikecap), TSHARK (default tshark), JOBS (2).
"""
import concurrent.futures
import fnmatch
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
IKECAP = os.environ.get("IKECAP", os.path.join(ROOT, "ikecap"))
TSHARK = os.environ.get("TSHARK", "tshark")
JOBS = int(os.environ.get("JOBS", "2"))
TIMEOUT = 120

# ---------------------------------------------------------------- allow-list
#
# (capture pattern, frame or "*", field or "*") -> reason.  The capture is the
# display name used in the report ("captures/lab/x.pcap", "corpus/...",
# "lab/NAME/capture.pcap"; the keyed run appends " +keys"), matched with
# fnmatch.  Field "(frame)" is a frame only one side dissects.  Only put here
# what is Wireshark's fault or a legitimate difference of view, never an
# ikecap bug.
R_BOGUS_LEN = ("header Length is larger than the datagram: Wireshark prints 'Length: (bogus, ... too large)' "
               "and dissects no payload at all; tcpdump -vvv decodes the payloads that are there, as ikecap "
               "does (with notes truncated/header_length_mismatch)")
R_LEN0 = ("header Length is 0 (< 28, RFC 2408 3.1): Wireshark's ISAKMP dissector refuses the datagram and shows "
          "it as Data; tcpdump decodes the header too ('len mismatch: isakmp 0/ip ...'); ikecap shows the header "
          "with notes malformed/header_length_mismatch")
R_BADPLEN = ("the 2nd Vendor ID payload has Payload Length 3 (< 4, RFC 2408 3.2): Wireshark steps 3 bytes and "
             "decodes misaligned bytes as a 3rd payload (type 74, length 7297); ikecap stops the chain there "
             "(note payload_length_short), tcpdump prints '()' and stops as well")
R_ESP4 = ("only 4 bytes of ESP: the RFC 4303 2 header (SPI + sequence) is 8 bytes; Wireshark shows the SPI then "
          "Malformed, ikecap validates the whole header before decoding it and reports 'truncated ESP header'; "
          "tcpdump prints '[|esp]'")
R_WS_GDOI_P1 = ("Wireshark 4.0 reads every SA payload whose DOI is 2 in the GDOI layout (RFC 6407 5.1), "
                "also the phase-1 SA, which carries ordinary proposals under the GDOI DOI (RFC 3547 2.1.1: "
                "'The Phase 1 SA payload has a DOI value. That value MUST be the GDOI DOI value'): it shows "
                "no proposal or transform there; ikecap decodes them and our key server chose them")

ALLOW = {
    ("*openswan/klips-inputs/isakmp-crash1.pcap", 1, "header isakmp.exchangetype"):
        "version 0.0: Wireshark shows the Exchange Type only for major version 1 or 2; the byte is 0 and "
        "ikecap shows it (tcpdump: 'isakmp 0.0')",
    ("*tcpdump/isakmp-delete-segfault.pcap", 1, "*"):
        "version 11.14: Wireshark skips the Exchange Type of an unknown major version and, the UDP length "
        "(456) being larger than the IP payload (146), marks the packet Malformed before Length; the 28 "
        "header bytes are all there: exchange 0xbe = 190, length 0x4321979a (tcpdump: 'isakmp 11.14 msgid "
        "1b9a1d57')",
    ("*tcpdump/isakmp-various-oobr.pcap", 1, "*"):
        "frame captured 75 of 262144 bytes: Wireshark throws BoundError before Length although the 28 "
        "header bytes are captured; length 0x7f000000 (tcpdump: 'len mismatch: isakmp 2130706432'); the "
        "5-byte payload 34 that follows is shown by ikecap and by tcpdump ('[|v2ke]')",
    ("*tcpdump/isakmp-ikev1_n_print-oobr.pcap", 1, "*"): R_BOGUS_LEN,
    ("*tcpdump/isakmp-ikev1_n_print-oobr.pcap", 3, "*"): R_BOGUS_LEN,
    ("*tcpdump/ikev1_id_ipv6_addr_subnet-oobr.pcap", 1, "*"): R_BOGUS_LEN,
    ("*tcpdump/isakmpv1-attr-oobr.pcap", 1, "*"): R_BOGUS_LEN,
    ("*tcpdump/ISAKMP_sa_setup.pcap", 3, "*"):
        "two type-15 payloads (old-draft NAT-D, DOI 1): Wireshark reads type 15 as a GDOI SA KEK payload, "
        "finds it malformed and drops the rest of the message; tcpdump shows '(pay15) (pay15)', ikecap "
        "both payloads (24 bytes each) as unknown",
    ("*tcpdump/ISAKMP_sa_setup.pcap", 4, "*"):
        "same two type-15 (old-draft NAT-D) payloads as frame 3: Wireshark stops at the first",
    ("*tcpdump/ikev2pI2-segfault.pcapng", 1, "*"):
        "IKEv2 SA payload with a malformed 2nd proposal: Wireshark aborts the whole message there and never "
        "shows the KE payload after the SA; tcpdump ('[|v2sa]) [|v2ke]') and ikecap show the KE payload "
        "header (ikecap notes its length 43690 runs past the end)",
    ("*tcpdump/isakmp-identification-segfault.pcap", 1, "isakmp.id.data.fqdn"):
        "FQDN identity of 248 NUL bytes: Wireshark's string stops at the first NUL (empty, field absent); "
        "ikecap shows all 248 bytes (JSON-escaped), tcpdump prints 248 '^@'",
    ("*ipsec-ikev1-payload-bad-length.pcap", 1, "*"): R_BADPLEN,
    ("*tcpdump/isakmp-pointer-loop.pcap", 1, "(frame)"): R_LEN0,
    ("*ipsec-ikev1-zero-length.pcap", 1, "(frame)"): R_LEN0,
    ("*openswan/klips-inputs/01-sunrise-sunset-esp-shorter.pcap", 1, "esp.spi"): R_ESP4,
    ("*tcpdump/esp_truncated.pcap", 1, "esp.spi"): R_ESP4,
}

# ---------------------------------------------------------------- rules
#
# Differences where Wireshark is known to be wrong, recognised by RULE from
# what ikecap's records say about the frame (not by capture name): they are
# reported as "known Wireshark limit: <reason>" with a count, never hidden.
# classify() is given ikecap's packet and SA records; it returns the rule
# name for a frame, or None.
R_WS_ONEKEY = ("responder-side key after a PSK mismatch: Wireshark keeps one IKEv1 key per initiator cookie "
               "(ikev1_decryption_table is keyed by cookie), so a message the responder encrypted under its "
               "own, different key does not decrypt there; ikecap decrypts it with the responder's key")
R_WS_RETRANS = ("retransmitted encrypted message: Wireshark chains the CBC IV from the previous message it saw, "
                "so a byte-identical retransmission is decrypted with a wrong IV; ikecap recognises it "
                "(ikecap.retransmit) and decrypts it like the original")
R_WS_RETRANS_NEXT = ("encrypted message after a retransmission: Wireshark advanced its IV chain on the "
                     "retransmission, so the next message of the SA decrypts with a wrong IV")
R_WS_FRAGID = ("Cisco IKE fragments with a constant fragment id: Wireshark reassembles by fragment id, so "
               "fragments of a later message with an id already used in the SA are mixed with the earlier "
               "message's; ikecap reassembles per message")
RULES = {"gdoi-phase1-doi": R_WS_GDOI_P1, "retransmit": R_WS_RETRANS, "after-retransmit": R_WS_RETRANS_NEXT, "psk-mismatch": R_WS_ONEKEY,
         "cisco-frag-id": R_WS_FRAGID}


def frag_ids(rec):
    """(packet id, last) of the IKE Fragment payloads (type 132) of a record."""
    out = []
    for p in rec.get("isakmp.payloads") or []:
        if isinstance(p, dict) and "isakmp.frag.packetid" in p:
            out.append((p["isakmp.frag.packetid"], bool(p.get("isakmp.frag.last"))))
    return out


def gdoi_doi_phase1(rec):
    """A Main/Aggressive Mode message (RFC 2409: exchange 2 or 4) whose SA
    payload has DOI 2 (GDOI) and carries proposals."""
    if rec.get("isakmp.exchangetype") not in (2, 4):
        return False
    return any(isinstance(p, dict) and p.get("isakmp.sa.doi") == 2 and p.get("isakmp.prop")
               for p in rec.get("isakmp.payloads") or [])


def classify_records(recs, sas):
    """frame key -> rule name, from ikecap's packet records (capture order)
    and its SA records (by initiator cookie)."""
    out = {}
    after_retx = set()   # SAs whose next encrypted message Wireshark garbles
    frag_done = {}       # (ispi, fragment id) -> a message with that id was complete
    for key, rec in recs:
        ispi = rec.get("isakmp.ispi")
        enc = "ikecap.enc_len" in rec
        sa = sas.get(ispi, {})
        if gdoi_doi_phase1(rec):
            out[key] = "gdoi-phase1-doi"
            continue
        for fid, last in frag_ids(rec):
            if frag_done.get((ispi, fid)) and not rec.get("ikecap.retransmit"):
                out[key] = "cisco-frag-id"
                out[REASM % key if isinstance(key, int) else key] = "cisco-frag-id"
            if last:
                frag_done[(ispi, fid)] = True
        if key in out or not enc:
            continue
        if rec.get("ikecap.retransmit"):
            out[key] = "retransmit"
            after_retx.add(ispi)
            continue
        if sa.get("ikecap.psk_mismatch") and rec.get("ikecap.dir") == "R>I":
            out[key] = "psk-mismatch"
        elif ispi in after_retx:
            out[key] = "after-retransmit"
        after_retx.discard(ispi)
    return out

# ---------------------------------------------------------------- fields

HEADER = ("isakmp.ispi", "isakmp.rspi", "isakmp.nextpayload", "isakmp.version",
          "isakmp.exchangetype", "isakmp.flags", "isakmp.messageid", "isakmp.length")

# Compared payload fields (name without depth).  Depth: 0 = a payload of the
# top-level chain, 1 = a proposal (or a GDOI SA attribute payload), 2 = a
# transform.  Payload header fields are qualified by depth, so a proposal's
# length is never compared with a payload's.
BODY = {
    "isakmp.nextpayload", "isakmp.payloadlength", "isakmp.criticalpayload",
    "isakmp.sa.doi", "isakmp.sa.situation", "isakmp.prop.number", "isakmp.prop.protoid",
    "isakmp.spisize", "isakmp.spi", "isakmp.prop.transforms", "isakmp.trans.number",
    "isakmp.trans.id", "isakmp.vid_bytes", "isakmp.notify.doi", "isakmp.notify.msgtype",
    "isakmp.notify.protoid", "isakmp.notify.data", "isakmp.id.type", "isakmp.id.protoid",
    "isakmp.id.port", "isakmp.nonce", "isakmp.key_exchange.data", "isakmp.hash",
    "isakmp.sig", "isakmp.delete.doi", "isakmp.delete.protoid", "isakmp.spinum",
    "isakmp.delete.spi", "isakmp.ike.nat_hash", "isakmp.cert.encoding",
    "isakmp.certreq.type", "isakmp.frag.packetid", "isakmp.frag.seq", "isakmp.frag.last",
    "isakmp.cfg.type", "isakmp.cfg.identifier",
    "isakmp.ike.nat_original_address_ipv4", "isakmp.ike.nat_original_address_ipv6",
}
BODY_PREFIX = ("isakmp.id.data.",)
# tshark hands these to its X.509 dissector and shows a decoded tree, not the
# bytes (isakmp.cert.data is a subtree, isakmp.id.data.der_asn1_dn an item
# count): there is no value to compare.
NOT_COMPARED = {"isakmp.cert.data", "isakmp.id.data.der_asn1_dn", "isakmp.id.data.der_asn1_gn"}
# Attribute lists (isakmp.ike.attr, isakmp.ipsec.attr ...) are compared as
# "type=value" pairs, the value read as a number where it is one (Mode Config
# isakmp.cfg.attr: types only, the tools show the values in different shapes).
# IKEv2 bodies are out of ikecap's scope (it shows the generic payload header):
# for IKEv2 messages only the header and the payload chain are compared.
V2_BODY = {"isakmp.nextpayload", "isakmp.payloadlength", "isakmp.criticalpayload"}

BYTES = {
    "isakmp.ispi", "isakmp.rspi", "isakmp.vid_bytes", "isakmp.nonce", "isakmp.key_exchange.data",
    "isakmp.hash", "isakmp.sig", "isakmp.ike.nat_hash", "isakmp.spi", "isakmp.delete.spi",
    "isakmp.cert.data", "isakmp.notify.data", "isakmp.sa.situation", "isakmp.id.data.key_id",
}
HEXRE = re.compile(r"^[0-9a-fA-F:]*$")


def aslist(v):
    return v if isinstance(v, list) else [v]


def norm(name, v):
    """One value as a comparable Python value: ints, lowercase hex, text."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if v is None:
        return None
    s = str(v)
    if name in BYTES and HEXRE.match(s):
        return s.replace(":", "").lower()
    if re.fullmatch(r"0x[0-9a-fA-F]+", s):
        return int(s, 16)
    if re.fullmatch(r"-?[0-9]+", s):
        return int(s)
    return s


def attr_value(v):
    """An attribute value as a number where it is one (bytes read big-endian)."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    s = str(v)
    if s == "":
        return ""
    if re.fullmatch(r"0x[0-9a-fA-F]+", s):
        return int(s, 16)
    if re.fullmatch(r"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*", s):
        return int(s.replace(":", ""), 16)
    if re.fullmatch(r"([0-9a-fA-F]{2})+", s):
        return int(s, 16)
    return s


class Flat:
    """Per field name, the values in document order."""

    def __init__(self):
        self.f = {}
        self.inner = []  # tshark: reassembled messages found inside

    def add(self, name, v):
        self.f.setdefault(name, []).append(v)


def qual(name, depth):
    return name if depth == 0 else "%s@%d" % (name, depth)


def wanted(name, v2, depth):
    if name == "isakmp.nextpayload" and depth > 0:
        return False  # ikecap shows no next-payload field for proposals/transforms
    if v2:
        return depth == 0 and name in V2_BODY
    if name in NOT_COMPARED:
        return False
    return name in BODY or name.startswith(BODY_PREFIX)


def attr_space(d):
    for k in d:
        if k.endswith(".attr.type"):
            return k[: -len(".type")]
    return None


def t_attr(d, out, depth):
    sp = attr_space(d)
    t = norm("", d.get(sp + ".type"))
    if sp == "isakmp.cfg.attr":
        out.add(qual(sp, depth), "%s" % t)
        return
    if sp + ".value" in d:
        val = attr_value(d[sp + ".value"])
    else:
        val = None
        for k, x in d.items():
            if k.startswith(sp + ".") and k not in (sp + ".type", sp + ".format", sp + ".length"):
                val = attr_value(x)
                break
    out.add(qual(sp, depth), "%s=%s" % (t, val))


def t_walk(node, depth, out, v2):
    """A tshark payload tree (dict) at the given nesting depth."""
    for k, v in node.items():
        if k == "isakmp":
            # The message reassembled from IKEv1 fragments (payload 132,
            # Cisco/strongSwan, no RFC) nests inside the last fragment: it is
            # a message of its own.
            out.inner.extend(x for x in aslist(v) if isinstance(x, dict))
            continue
        if k == "isakmp.typepayload":
            continue  # the type of the nested payloads: compared via the chain only
        if k == "isakmp.typepayload_tree":
            for sub in aslist(v):
                if isinstance(sub, dict):
                    t_walk(sub, depth + 1, out, v2)
            continue
        for e in aslist(v):
            if isinstance(e, dict):
                if attr_space(e) and not v2:
                    t_attr(e, out, depth)
                else:
                    t_walk(e, depth, out, v2)
            elif wanted(k, v2, depth):
                out.add(qual(k, depth), norm(k, e))


def i_attr(d, out, depth):
    sp = attr_space(d)
    t = norm("", d.get(sp + ".type"))
    if sp == "isakmp.cfg.attr":
        out.add(qual(sp, depth), "%s" % t)
        return
    val = None
    for k, x in d.items():
        if k.startswith(sp + ".") and k not in (sp + ".type", sp + ".format", sp + ".length"):
            val = attr_value(x)
            break
    out.add(qual(sp, depth), "%s=%s" % (t, val))


def i_walk(node, depth, out, v2):
    """An ikecap payload map at the given nesting depth."""
    for k, v in node.items():
        if k in ("isakmp.prop", "isakmp.trans", "isakmp.payloads"):
            for sub in aslist(v):
                if isinstance(sub, dict):
                    t = dict(sub)
                    if k == "isakmp.payloads":
                        t.pop("isakmp.typepayload", None)
                    i_walk(t, depth + 1, out, v2)
            continue
        if k == "isakmp.attrs":
            for a in aslist(v):
                if isinstance(a, dict) and attr_space(a) and not v2:
                    i_attr(a, out, depth)
            continue
        if k == "isakmp.typepayload":
            continue
        for e in aslist(v):
            if isinstance(e, dict):
                i_walk(e, depth, out, v2)
            elif wanted(k, v2, depth):
                out.add(qual(k, depth), norm(k, e))


def chain_flat(types, trees, out, v2, tshark):
    out.f["payload chain"] = [norm("", t) for t in aslist(types)] if types is not None else []
    for tr in aslist(trees) if trees is not None else []:
        if isinstance(tr, dict):
            if tshark:
                t_walk(tr, 0, out, v2)
            else:
                tr = dict(tr)
                tr.pop("isakmp.typepayload", None)
                i_walk(tr, 0, out, v2)


def is_v2(version):
    return isinstance(version, int) and version >> 4 == 2  # RFC 7296 3.1: major version 2


def tshark_isakmp(layer):
    out = Flat()
    v2 = is_v2(norm("", layer.get("isakmp.version")))
    for k in HEADER:
        if k in layer:
            out.add("header " + k, norm(k, aslist(layer[k])[0]))
    chain_flat(layer.get("isakmp.typepayload"), layer.get("isakmp.typepayload_tree"), out, v2, True)
    plain = None
    enc = layer.get("isakmp.enc.data")
    if isinstance(enc, dict) and "isakmp.typepayload" in enc:
        plain = Flat()
        chain_flat(enc.get("isakmp.typepayload"), enc.get("isakmp.typepayload_tree"), plain, v2, True)
    return out, plain


def ikecap_isakmp(rec):
    out = Flat()
    v2 = is_v2(rec.get("isakmp.version"))
    for k in HEADER:
        if k in rec:
            out.add("header " + k, norm(k, rec[k]))
    pls = rec.get("isakmp.payloads") or []
    chain_flat([p.get("isakmp.typepayload") for p in pls], pls, out, v2, False)
    plain = None
    pl = rec.get("ikecap.plain")
    if isinstance(pl, dict) and rec.get("ikecap.decrypted"):
        plain = Flat()
        pls = pl.get("isakmp.payloads") or []
        chain_flat([p.get("isakmp.typepayload") for p in pls], pls, plain, v2, False)
    return out, plain


def esp_flat(spi, seq):
    """ESP header fields; a field the tool did not show stays absent."""
    out = Flat()
    for k, v in (("esp.spi", spi), ("esp.sequence", seq)):
        if v is not None:
            out.add(k, norm("", aslist(v)[0]))
    return out


# ---------------------------------------------------------------- runners


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def tshark_frames(path, opts):
    """frame number -> (kind, Flat, plain Flat or None, protocols)."""
    # Wireshark leaves UDP 848 (GDOI) undissected: Decode As, as a user would.
    cmd = [TSHARK, "-n", "-r", path, "-T", "json", "--no-duplicate-keys",
           "-d", "udp.port==848,isakmp", "-J", "frame isakmp esp"] + opts
    rc, so, se = run(cmd)
    if rc != 0 and not so.strip():
        raise RuntimeError("tshark failed (%d): %s" % (rc, se.strip()[:300]))
    try:
        pkts = json.loads(so) if so.strip() else []
    except ValueError as e:
        raise RuntimeError("tshark JSON unreadable: %s" % e)
    frames = {}
    for p in pkts:
        lay = p.get("_source", {}).get("layers", {})
        fr = aslist(lay.get("frame", {}))[0]
        num = int(aslist(fr.get("frame.number"))[0])
        protos = aslist(fr.get("frame.protocols", ""))[0] or ""
        toks = protos.split(":")
        if "isakmp" in lay or "isakmp" in toks:
            # A message tshark gives up on at once (shorter than its header)
            # keeps "isakmp" in frame.protocols but has no layer: no fields.
            layers = [x for x in aslist(lay.get("isakmp", [])) if isinstance(x, dict)]
            flat, plain = tshark_isakmp(layers[0] if layers else {})
            frames[num] = ("isakmp", flat, plain, protos)
            for inner in flat.inner[:1]:
                rflat, rplain = tshark_isakmp(inner)
                frames[REASM % num] = ("isakmp", rflat, rplain, protos)
        elif "esp" in lay or "esp" in toks:
            e = aslist(lay.get("esp", {}))[0]
            if not isinstance(e, dict):
                e = {}
            frames[num] = ("esp", esp_flat(e.get("esp.spi"), e.get("esp.sequence")), None, protos)
    return frames


REASM = "%d reassembled"  # key of a message reassembled from IKE fragments
IKE_TRANSPORTS = ("udp500", "udp4500-ike", "udp848")
ESP_TRANSPORTS = ("esp", "udp4500-esp")


def ikecap_frames(path, keys):
    # Wireshark decodes a capture duplicate (the same packet twice, a span
    # port's copy) like any frame; ikecap decodes it too with --dup-window 0.
    cmd = [IKECAP, "-T", "json", "--no-progress", "--dup-window", "0", "-r", path]
    for k in keys:
        cmd[1:1] = ["-k", k]
    rc, so, se = run(cmd)
    frames = {}
    recs, sas = [], {}
    if rc not in (0,):
        raise RuntimeError("ikecap failed (%d): %s" % (rc, se.strip()[:300]))
    for line in so.splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if rec.get("type") == "sa":
            sas[rec.get("isakmp.ispi")] = rec
        if rec.get("type") != "packet":
            continue
        num = rec.get("ikecap.frame")
        tr = rec.get("ikecap.transport", "")
        if "ikecap.reassembled_from" in rec and num in frames:
            # reassembled from IKE fragments: the last fragment has its own
            # record (a message reassembled from IP fragments has none)
            num = REASM % num
        if "isakmp.ispi" in rec or tr in IKE_TRANSPORTS:
            flat, plain = ikecap_isakmp(rec)
            frames[num] = ("isakmp", flat, plain, rec)
            recs.append((num, rec))
        elif "esp.spi" in rec or tr in ESP_TRANSPORTS:
            frames[num] = ("esp", esp_flat(rec.get("esp.spi"), rec.get("esp.sequence")), None, rec)
    return frames, classify_records(recs, sas)


# ---------------------------------------------------------------- comparison


def allowed(cap, frame, field):
    for (cp, fr, fd), why in ALLOW.items():
        if not fnmatch.fnmatchcase(cap, cp):
            continue
        if fr != "*" and fr != frame:
            continue
        if fd != "*" and fd != field:
            continue
        return why
    return None


def show(vals):
    s = ", ".join(json.dumps(v) if isinstance(v, str) and (v == "" or not v.isprintable()) else str(v)
                  for v in vals)
    if len(s) > 140:
        s = s[:137] + "..."
    return "[" + s + "]"


def compare(cap, tf, ikf, keyed, rules=None):
    """Returns (agree, diffs, allowed, known) with lists of tuples: diffs are
    unexplained, allowed are capture-specific allow-list entries, known are
    classified by a rule (RULES) as a known Wireshark limit."""
    agree = 0
    diffs = []
    allow = []
    known = []
    rules = rules or {}

    def differ(frame, field, tv, iv):
        rule = rules.get(frame)
        if rule:
            known.append((frame, field, tv, iv, rule))
            return
        why = allowed(cap, frame, field)
        if why:
            allow.append((frame, field, tv, iv, why))
        else:
            diffs.append((frame, field, tv, iv))

    def order(k):
        return (int(str(k).split()[0]), str(k))

    for num in sorted(set(tf) | set(ikf), key=order):
        t = tf.get(num)
        i = ikf.get(num)
        if keyed:  # only the decrypted payloads
            tp = t[2] if t else None
            ip = i[2] if i else None
            if tp is None and ip is None:
                continue
            if tp is None or ip is None:
                differ(num, "(decrypted)", "decrypted" if tp else "not decrypted",
                       "decrypted" if ip else "not decrypted")
                continue
            a, b = tp.f, ip.f
        else:
            if t is None or i is None:
                differ(num, "(frame)", t[0] + " " + t[3] if t else "-",
                       i[0] if i else "-")
                continue
            if t[0] != i[0]:
                differ(num, "(protocol)", t[0], i[0])
                continue
            a, b = t[1].f, i[1].f
        for field in sorted(set(a) | set(b)):
            tv, iv = a.get(field, []), b.get(field, [])
            if tv == iv:
                agree += 1
            else:
                differ(num, field, show(tv), show(iv))
    return agree, diffs, allow, known


def job(spec):
    name, path, part, keyed = spec
    try:
        if keyed:
            topts, ikeys = keyed
            if callable(topts):
                topts = topts()
            tf = tshark_frames(path, topts)
            ikf, rules = ikecap_frames(path, ikeys)
        else:
            tf = tshark_frames(path, [])
            ikf, rules = ikecap_frames(path, [])
        agree, diffs, allow, known = compare(name, tf, ikf, bool(keyed), rules)
        return name, part, agree, diffs, allow, known, None
    except Exception as e:  # report, keep going
        return name, part, 0, [], [], [], "%s: %s" % (type(e).__name__, e)


def wireshark_opts(wsdir):
    opts = ["-o", "esp.enable_encryption_decode:TRUE"]
    for table in ("ikev1_decryption_table", "esp_sa"):
        p = os.path.join(wsdir, table)
        if not os.path.exists(p):
            continue
        with open(p) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    opts += ["-o", "uat:%s:%s" % (table, line)]
    return opts


CAPTURE = re.compile(r"\.(pcap|pcapng|cap)(\.gz)?$")

# natt-responder-side.pcap is the other side of the natt case: same keys.
KEY_ALIAS = {"natt-responder-side": "natt"}


def captures():
    specs = []
    for p in sorted(glob.glob(os.path.join(ROOT, "captures", "**", "*.pcap*"), recursive=True)):
        # captures/regress/ holds fuzzer reproducers: hostile bytes kept to
        # replay crashes (tests/regress.sh), not traffic to compare field by field.
        if not CAPTURE.search(p) or os.sep + "regress" + os.sep in p:
            continue
        specs.append((os.path.relpath(p, ROOT), p, "captures", None))
    if os.path.isdir(SHARED):
        for sub in ("corpus", "lab"):
            base = os.path.join(SHARED, sub)
            for p in sorted(glob.glob(os.path.join(base, "**", "*"), recursive=True)):
                if os.path.isfile(p) and CAPTURE.search(p):
                    specs.append((os.path.relpath(p, SHARED), p, "../shared/" + sub, None))
    else:
        print("SKIPPED ../shared: not found")
    lab = os.path.join(ROOT, "captures", "lab")
    for p in sorted(glob.glob(os.path.join(lab, "*.pcap"))):
        n = os.path.basename(p)[: -len(".pcap")]
        kn = KEY_ALIAS.get(n, n)
        ws = os.path.join(lab, kn + ".wireshark")
        kf = os.path.join(lab, kn + ".keys")
        if os.path.isdir(ws) and os.path.exists(kf):
            specs.append((os.path.relpath(p, ROOT) + " +keys", p, "captures (with keys)",
                          (wireshark_opts(ws), [kf])))
    # captures/live: keys from the daemons' logs; tshark decrypts with the
    # tables ikecap exports from them (--export-keys), as tools/ws-compare -k does.
    for p in sorted(glob.glob(os.path.join(ROOT, "captures", "live", "*.pcap"))):
        kf = p[: -len(".pcap")] + ".keys"
        if os.path.exists(kf):
            specs.append((os.path.relpath(p, ROOT) + " +keys", p, "captures (with keys)",
                          (exported_opts(p, [kf]), [kf])))
    return specs


def exported_opts(cap, keys):
    """tshark options for the keys ikecap exports (--export-keys) for cap,
    computed when the job runs."""
    def opts():
        with tempfile.TemporaryDirectory() as d:
            kargs = sum((["-k", k] for k in keys), [])
            subprocess.run([IKECAP, "--no-progress", "-q", "--export-keys", d] + kargs + ["-r", cap],
                           capture_output=True, timeout=TIMEOUT)
            return wireshark_opts(d)
    return opts


def user_specs(argv, tmpdir):
    """tools/ws-compare CAPTURE... [-k KEYS]...: the user's own captures.  With
    keys, tshark gets the tables ikecap exports (--export-keys), so both tools
    decrypt with the same keys."""
    keys, caps, i = [], [], 0
    while i < len(argv):
        if argv[i] == "-k" and i + 1 < len(argv):
            keys.append(argv[i + 1])
            i += 2
        else:
            caps.append(argv[i])
            i += 1
    specs = []
    for n, cap in enumerate(caps):
        keyed = None
        if keys:
            d = os.path.join(tmpdir, str(n))
            kargs = sum((["-k", k] for k in keys), [])
            subprocess.run([IKECAP, "--no-progress", "-q", "--export-keys", d] + kargs + ["-r", cap],
                           capture_output=True)
            keyed = (wireshark_opts(d), keys)
        specs.append((cap + (" +keys" if keyed else ""), cap, "given", keyed))
    return specs


def main():
    if not os.access(IKECAP, os.X_OK):
        print("ikecap not found at %s (set IKECAP)" % IKECAP)
        return 1
    tmp = tempfile.TemporaryDirectory()
    specs = user_specs(sys.argv[1:], tmp.name) if len(sys.argv) > 1 else captures()
    parts = {}
    passed = failed = 0
    allowed_total = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as ex:
        results = list(ex.map(job, specs))
    known_total = {}
    for name, part, agree, diffs, allow, known, err in results:
        pc = parts.setdefault(part, [0, 0, 0, 0, 0, 0])
        ok = not diffs and not err
        status = "PASS" if ok else "FAIL"
        nd = len(diffs) + len(allow) + len(known)
        split = ""
        if allow or known:
            split = " (%d unexplained, %d known Wireshark limits, %d allowed)" % (len(diffs), len(known),
                                                                                len(allow))
        print("[%s] %s: %d fields agree, %d differ%s%s" % (status, name, agree, nd, split,
                                                         (" ERROR " + err) if err else ""))
        for fr, fd, tv, iv in diffs:
            print("    frame %s %s: tshark=%s ikecap=%s" % (fr, fd, tv, iv))
        per_rule = {}
        for fr, fd, tv, iv, rule in known:
            per_rule.setdefault(rule, []).append(str(fr))
            known_total[rule] = known_total.get(rule, 0) + 1
        for rule, frs in sorted(per_rule.items()):
            print("    known Wireshark limit: %s: %d fields (frames %s) -- %s"
                  % (rule, len(frs), ",".join(sorted(set(frs), key=lambda x: (len(x), x))), RULES[rule]))
        for fr, fd, tv, iv, why in allow:
            print("    allowed: frame %s %s: tshark=%s ikecap=%s -- %s" % (fr, fd, tv, iv, why))
        allowed_total += len(allow)
        pc[0 if ok else 1] += 1
        pc[2] += agree
        pc[3] += len(diffs)
        pc[4] += len(known)
        pc[5] += len(allow)
        if ok:
            passed += 1
        else:
            failed += 1
    for part, (p, f, a, d, k, al) in parts.items():
        print("%s: %d captures passed, %d failed; %d fields agree, %d differ (%d unexplained, "
              "%d known Wireshark limits, %d allowed)" % (part, p, f, a, d + k + al, d, k, al))
    for rule, n in sorted(known_total.items()):
        print("known Wireshark limit: %s: %d fields -- %s" % (rule, n, RULES[rule]))
    print("allowed differences: %d" % allowed_total)
    print("tshark comparison: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
