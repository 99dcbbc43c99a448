#!/usr/bin/env python3
"""Compare ikecap with tcpdump's own expected outputs (tcpdump's test suite).

../shared/corpus/tcpdump holds captures with the .out files tcpdump's test
suite expects (TESTLIST.ike names the options).  For every frame tcpdump
prints as ISAKMP or ESP, check that ikecap saw the same packet the same way:
ESP SPI and sequence number; ISAKMP version, message id, cookies (with -v),
exchange type, phase (message id zero or not), the encryption flag and who
sent it (I/R).  tcpdump's lines for packets it could not decode ([|isakmp])
are compared only on what they print.

Skipped, and said so, when ../shared is not there.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TCPDUMP_DIR = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "tcpdump")
IKECAP = os.environ.get("IKECAP", os.path.join(ROOT, "ikecap"))

# tcpdump's names of IKEv1 exchange types (print-isakmp.c, checked in its .out files)
V1_EXCH = {"none": 0, "base": 1, "ident": 2, "auth": 3, "agg": 4, "inf": 5, "oakley-quick": 32,
           "oakley-newgroup": 33}

FRAME = re.compile(r"^\s*(\d+)\s+\d{4}-\d\d-\d\d \S+ (.*)$")
ESP = re.compile(r"ESP\(spi=0x([0-9a-f]+),seq=0x([0-9a-f]+)\)")
ISAKMP = re.compile(r"isakmp (\d)\.(\d) msgid ([0-9a-f]{8})(?: cookie ([0-9a-f]{16})->([0-9a-f]{16}))?: "
                    r"(?:phase (1|2/others) (I|R|\?) ([\w#-]+)(\[E\])?)?(?:(?:parent|child)_sa\s+\w+\[(I|R)\])?")
ISAKMP_SHORT = re.compile(r"isakmp: phase (1|2/others) (I|R|\?) ([\w#-]+)(\[E\])?")

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("  FAIL:", what)


def testlist():
    out = []
    for line in open(os.path.join(TCPDUMP_DIR, "TESTLIST.ike")):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 3)
        if len(parts) >= 3:
            out.append((parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else ""))
    return out


def ikecap_packets(pcap):
    p = subprocess.run([IKECAP, "--no-progress", "-T", "json", "-r", pcap], capture_output=True, text=True)
    recs = {}
    for l in p.stdout.splitlines():
        r = json.loads(l)
        if r.get("type") == "packet":
            recs[r["ikecap.frame"]] = r
    return p.returncode, recs


def frames(path):
    """tcpdump's output split per frame: -v continues a frame on later lines."""
    cur, text = None, []
    for line in open(path, errors="replace"):
        m = FRAME.match(line)
        if m:
            if cur is not None:
                yield cur, " ".join(text)
            cur, text = int(m.group(1)), [m.group(2)]
        elif cur is not None:
            text.append(line.strip())
    if cur is not None:
        yield cur, " ".join(text)


def main():
    if not os.path.isdir(TCPDUMP_DIR):
        print(f"check_tcpdump: SKIPPED: {TCPDUMP_DIR} not found (no ../shared corpus)")
        return 0
    seen_pcaps = {}
    for name, pcap, out, opts in testlist():
        pcap_path = os.path.join(TCPDUMP_DIR, pcap)
        out_path = os.path.join(TCPDUMP_DIR, out)
        if not os.path.exists(pcap_path) or not os.path.exists(out_path):
            continue
        if pcap not in seen_pcaps:
            seen_pcaps[pcap] = ikecap_packets(pcap_path)
        rc, recs = seen_pcaps[pcap]
        before = passed + failed
        check(rc == 0, f"{name}: ikecap exit {rc}")
        for frame, rest in frames(out_path):
            where = f"{name} frame {frame}"
            em = ESP.search(rest)
            im = ISAKMP.search(rest) or ISAKMP_SHORT.search(rest)
            if em and (not im or em.start() < im.start()):
                r = recs.get(frame)
                check(r is not None and "esp.spi" in r, f"{where}: ikecap has no ESP record")
                if r and "esp.spi" in r:
                    check(r["esp.spi"] == int(em.group(1), 16), f"{where}: SPI {r['esp.spi']:#x} != 0x{em.group(1)}")
                    check(r["esp.sequence"] == int(em.group(2), 16), f"{where}: seq")
                continue
            if not im:
                continue
            r = recs.get(frame)
            check(r is not None and "isakmp.ispi" in r, f"{where}: ikecap has no ISAKMP record")
            if not r or "isakmp.ispi" not in r:
                continue
            if im.re is ISAKMP:
                major, minor, msgid, icky, rcky, phase, who, exch, enc, v2who = im.groups()
                if v2who:
                    want = "I>R" if v2who == "I" else "R>I"
                    check(r.get("ikecap.dir") == want, f"{where}: IKEv2 sender {r.get('ikecap.dir')} != [{v2who}]")
                check(r["isakmp.version"] == int(major) * 16 + int(minor), f"{where}: version")
                check(r["isakmp.messageid"] == int(msgid, 16), f"{where}: message id")
                if icky:
                    check(r["isakmp.ispi"] == icky and r["isakmp.rspi"] == rcky, f"{where}: cookies")
            else:
                phase, who, exch, enc = im.groups()
            if phase:
                check((r["isakmp.messageid"] == 0) == (phase == "1"), f"{where}: phase {phase}")
                if exch in V1_EXCH:
                    check(r["isakmp.exchangetype"] == V1_EXCH[exch], f"{where}: exchange {exch}")
                elif exch.startswith("#"):
                    check(r["isakmp.exchangetype"] == int(exch[1:]), f"{where}: exchange {exch}")
                check(bool(r.get("isakmp.flag_e")) == bool(enc), f"{where}: E flag")
                if who in ("I", "R"):
                    want = "I>R" if who == "I" else "R>I"
                    check(r.get("ikecap.dir") == want, f"{where}: sender {r.get('ikecap.dir')} != tcpdump {who}")
        print(f"tcpdump {name}: {passed + failed - before} checks")
    print(f"tcpdump expected outputs: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
