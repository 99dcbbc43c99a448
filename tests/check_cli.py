#!/usr/bin/env python3
"""The command line as a script and a person meet it: exit codes, one clear
line on stderr for each bad input, colour rules, and the accounting of every
packet read (the stats record adds up on every capture we have).

Exit codes (docs/ikecap.1): 0 capture read to its end; 1 unreadable capture
or key file; 2 usage error.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IKECAP = os.environ.get("IKECAP", os.path.join(ROOT, "ikecap"))
GOOD = os.path.join(ROOT, "captures", "lab", "mm-psk-aes128-sha1-g2.pcap")
GOOD_KEYS = os.path.join(ROOT, "captures", "lab", "mm-psk-aes128-sha1-g2.keys")

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("  FAIL:", what)


def run(args, env=None, stdin=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    return subprocess.run([IKECAP] + args, capture_output=True, env=e, input=stdin)


def expect(args, code, needle, what, env=None):
    p = run(args, env)
    err = p.stderr.decode(errors="replace")
    check(p.returncode == code, f"{what}: exit {p.returncode} != {code} ({err.strip()})")
    if needle:
        check(needle in err, f"{what}: stderr lacks {needle!r}: {err.strip()!r}")
    check(b"Sanitizer" not in p.stderr and b"runtime error" not in p.stderr, f"{what}: sanitizer report")
    return p


def raw_records(path):
    """The packet records of a pcap as (time in microseconds, caplen, len,
    bytes): ikecap writes nanosecond pcaps, tcpdump microsecond ones."""
    import struct
    d = open(path, "rb").read()
    magic = d[:4]
    e = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    off, recs = 24, []
    while off + 16 <= len(d):
        sec, frac, cl, wl = struct.unpack(e + "IIII", d[off:off + 16])
        recs.append((sec * 1000000 + (frac // 1000 if nano else frac), cl, wl, d[off + 16:off + 16 + cl]))
        off += 16 + cl
    return recs


def check_write_raw(d):
    """-w keeps the raw packets after the filter and -c, as tcpdump -w does:
    the oracle is tcpdump writing the same selection from the same file."""
    import shutil
    if not shutil.which("tcpdump"):
        print("  note: no tcpdump, -w comparison skipped")
        return
    for args in (["-c", "7"], ["udp port 4500"], []):
        ours, ref = os.path.join(d, "ours.pcap"), os.path.join(d, "ref.pcap")
        flt = [a for a in args if not a.startswith("-") and not a.isdigit()]
        opt = [a for a in args if a not in flt]
        p = run(["--no-progress", "-q", "-w", ours, "-r", GOOD] + opt + flt)
        check(p.returncode == 0, f"-w {args}: exit {p.returncode} {p.stderr!r}")
        t = subprocess.run(["tcpdump", "-r", GOOD, "-w", ref] + opt + flt, capture_output=True)
        check(t.returncode == 0, f"tcpdump -w {args}: {t.stderr!r}")
        got, want = raw_records(ours), raw_records(ref)
        check(len(want) > 0 and got == want, f"-w {args}: {len(got)} packets, tcpdump wrote {len(want)}")
    expect(["-w", "-", "-r", GOOD], 2, "standard output", "-w - refused")
    expect(["--export-cbor", "-", "-r", GOOD], 2, "standard output", "--export-cbor - refused")
    expect(["--export-cbor", os.path.join(d, "no", "such", "dir", "x.cbor"), "-r", GOOD], 1, "--export-cbor",
           "--export-cbor into a missing directory")
    expect(["-w", os.path.join(d, "x"), "--write-decrypted", os.path.join(d, "x"), "-r", GOOD], 2,
           "same file", "-w and --write-decrypted on one file")
    # No output may overwrite the capture being read, whatever path names it.
    victim = os.path.join(d, "victim.pcap")
    data = open(GOOD, "rb").read()
    open(victim, "wb").write(data)
    link = os.path.join(d, "link.pcap")
    os.symlink(victim, link)
    for opt in ("-w", "--write-decrypted", "--export-cbor"):
        for path in (victim, os.path.join(d, ".", "victim.pcap"), link):
            expect([opt, path, "-k", GOOD_KEYS, "-r", victim], 2, "would overwrite the capture",
                   f"{opt} {os.path.relpath(path, d)} onto the -r file")
    check(open(victim, "rb").read() == data, "the capture is unchanged after the refused runs")
    # two outputs not made yet, named by different paths
    for a, b in (("-w", "--write-decrypted"), ("-w", "--export-cbor"), ("--write-decrypted", "--export-cbor")):
        new = os.path.join(d, "new.out")
        expect([a, new, b, os.path.join(d, ".", "new.out"), "-k", GOOD_KEYS, "-r", GOOD], 2, "same file",
               f"{a} and {b} on one new file by two paths")
        check(not os.path.exists(new), f"{a} and {b}: nothing written")


def main():
    with tempfile.TemporaryDirectory() as d:
        check_write_raw(d)
        text = os.path.join(d, "notes.txt")
        open(text, "w").write("this is not a capture\n")
        cut = os.path.join(d, "cut.pcap")
        data = open(GOOD, "rb").read()
        open(cut, "wb").write(data[: len(data) - 50])           # last record cut short
        badkeys = os.path.join(d, "bad.keys")
        open(badkeys, "w").write("# ok\npsk * secret-one\ndh nothex 00\n")
        os.chmod(badkeys, 0o600)
        openkeys = os.path.join(d, "open.keys")
        open(openkeys, "w").write("psk * topsecret\n")
        os.chmod(openkeys, 0o644)
        unsup = os.path.join(d, "unsup.pcap")                  # LINKTYPE_IEEE802_11 (105), one frame
        hdr = bytes.fromhex("d4c3b2a1020004000000000000000000ffff0000") + (105).to_bytes(4, "little")
        rec = (0).to_bytes(4, "little") * 2 + (4).to_bytes(4, "little") * 2 + b"\x00" * 4
        open(unsup, "wb").write(hdr + rec)

        expect(["-r", os.path.join(d, "missing.pcap")], 1, "cannot open", "missing capture")
        expect(["-r", text], 1, "not a pcap or pcapng file", "text file as capture")
        p = expect(["-r", cut], 1, "truncated", "capture cut mid-record")
        check(b"MM1" in p.stdout, "cut capture: the packets before the damage are still printed")
        expect(["-r", GOOD, "udp port 99999"], 2, "bad filter expression", "bad BPF filter")
        expect(["-r", GOOD, "-i", "lo"], 2, "not both", "-r and -i together")
        expect([], 2, "no input", "no input")
        expect(["-r", GOOD, "-c", "0"], 2, "-c", "-c 0")
        expect(["-r", GOOD, "-T", "xml"], 2, "-T takes", "bad -T")
        expect(["-r", GOOD, "--stats", "0"], 2, "--stats wants seconds", "bad --stats")
        for bad in ("x", "401", "-1", "", "20ms"):
            expect(["-r", GOOD, "--dup-window", bad], 2, "--dup-window wants milliseconds (0-400)",
                   "--dup-window %r" % bad)
        for ok in (["--dup-window", "0"], ["--dup-window=400"]):
            p = expect(["-r", GOOD] + ok, 0, "", " ".join(ok))
            check(b"IKE messages" in p.stdout, "%s: the summary" % " ".join(ok))
        p = expect(["--bogus"], 2, "--help", "unknown option")
        err = p.stderr.decode(errors="replace")
        check(err.startswith("ikecap: ") and err.count("\n") == 1 and "--bogus" in err,
              f"unknown option: one line naming ikecap and the option: {err!r}")
        for opt in ("--help=x", "--print-keys=1", "--version=2"):
            p = expect([opt, "-r", GOOD], 2, f"{opt} takes no value", f"{opt}")
            check(all(32 <= c < 127 for c in p.stderr.rstrip(b"\n")), f"{opt}: printable message: {p.stderr!r}")
        expect(["-r", GOOD, "-qc"], 2, "-c needs an argument", "-qc: names the option")
        p = expect(["-r"], 2, "-r needs an argument", "-r without its file")
        check(p.stderr.count(b"\n") == 1, f"-r without a file: one line: {p.stderr!r}")
        bad_w = os.path.join(d, "no", "such", "dir", "x.pcap")
        p = expect(["-w", bad_w, "-r", GOOD], 1, "cannot write", "-w into a missing directory")
        check(p.stderr.decode().count(bad_w) == 1, f"-w error names the file once: {p.stderr!r}")
        p = expect(["-i", "nosuchif0"], 1, "nosuchif0", "capture on a missing interface")
        err = p.stderr.decode()
        check(err.count("\n") == 1 and err.count("No such device") <= 1, f"missing interface: one line, said once: {err!r}")
        expect(["-r", GOOD, "-c", "-1"], 2, "-c wants a positive number", "-c -1")
        expect(["-r", GOOD, "-c", "99999999999999999999"], 2, "-c wants a positive number", "-c past 2^64")
        # a value-taking option given none names its own mistake, not a missing input
        expect(["--color", "-r", GOOD], 2, "--color takes auto, always or never, not '-r'", "--color without WHEN")
        expect(["--psk-audit", "-", "-r", "-"], 2, "cannot both read standard input", "--psk-audit - with -r -")
        # outputs written after the decode are checked before it
        notdir = os.path.join(d, "notadir")
        open(notdir, "w").write("x\n")
        for args, needle, what in ((["--psk-audit", os.path.join(d, "nowords.txt")], "--psk-audit", "word list"),
                                   (["--export-keys", notdir], "Not a directory", "key export path that is a file"),
                                   (["--export-keys", os.path.join(d, "no", "such", "dir")], "--export-keys",
                                    "key export directory")):
            p = expect(args + ["-r", GOOD], 1, needle, f"missing {what}")
            check(p.stdout == b"", f"missing {what}: refused before decoding: {p.stdout[:200]!r}")
        # options after the filter, as tcpdump takes them
        p = run(["-T", "json", "-r", GOOD, "udp", "-c", "3"])
        n = sum(json.loads(x).get("type") == "packet" for x in p.stdout.decode().splitlines())
        check(p.returncode == 0 and n == 3, f"-c after the filter: {n} packets, {p.stderr!r}")
        # a filter keeps the file's frame numbers (tshark's, with the same filter as a display filter)
        ts = subprocess.run(["tshark", "-r", GOOD, "-Y", "udp.port == 500", "-T", "fields", "-e", "frame.number"],
                            capture_output=True, text=True)
        want = [int(x) for x in ts.stdout.split()]
        p = run(["-T", "json", "-r", GOOD, "udp port 500"])
        got = [json.loads(x)["ikecap.frame"] for x in p.stdout.decode().splitlines()
               if json.loads(x).get("type") == "packet"]
        check(want and got == want, f"filtered frames numbered as in the file: {got} != tshark {want}")
        # the ladder fits an 80-column terminal (79 characters a line) on every capture we have
        for cap in sorted(glob.glob(os.path.join(ROOT, "captures", "**", "*.pcap"), recursive=True)):
            kf = cap[:-5] + ".keys"
            args = ["-T", "ladder", "-r", cap] + (["-k", kf] if os.path.exists(kf) else [])
            wide = [l for l in run(args).stdout.decode(errors="replace").splitlines() if len(l) > 79]
            check(not wide, f"ladder of {os.path.relpath(cap, ROOT)} within 79 columns: {wide[:1]}")
        hlp = run(["--help"]).stdout.decode()
        for opt in ("--psk-audit", "--write-raw", "--write-decrypted", "--export-cbor", "--export-keys",
                    "--retire-idle", "--no-progress", "--print-keys"):
            check(opt in hlp, f"--help lists {opt}")
        # the progress line never lands inside the lines printed on the same terminal
        import pty
        import select
        big = os.path.join(d, "big.pcap")      # past the first update (every 16384 frames)
        hdr, recs = data[:24], data[24:]
        open(big, "wb").write(hdr + recs * (20000 // 18 + 1))
        import re

        def on_tty(args):
            mo, so = pty.openpty()
            pr = subprocess.Popen([IKECAP] + args, stdout=so, stderr=so, close_fds=True)
            os.close(so)
            out = b""
            while True:
                try:
                    r, _, _ = select.select([mo], [], [], 30)
                    chunk = os.read(mo, 65536) if r else b""
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                out += chunk
            pr.wait()
            os.close(mo)
            return pr.returncode, out

        # the ladder and the machine formats write each SA as it ends, -q or not
        for args, want in ((["-r", big], b"MM1"), (["-q", "-T", "ladder", "-r", big], b"MM1"),
                           (["-q", "-T", "json", "-r", big], b'"type":"sa"')):
            rc, out = on_tty(args)
            prog = re.search(rb"\r *[0-9]+% [0-9]+ packets", out)
            check(rc == 0 and want in out and not prog,
                  f"terminal stdout {args[:-2]}: no progress line among its lines ({len(out)} bytes): "
                  f"{out[max(0, prog.start() - 80):prog.end()] if prog else b''!r}")
        # ... and with -q text, whose summary waits for the end, it is shown
        rc, out = on_tty(["-q", "-r", big])
        check(rc == 0 and re.search(rb"\r *[0-9]+% [0-9]+ packets", out),
              f"terminal, -q: the progress line is shown ({out[:120]!r})")
        expect(["-k", os.path.join(d, "nokeys"), "-r", GOOD], 1, "nokeys", "missing key file")
        p = expect(["-k", badkeys, "-r", GOOD], 1, "bad.keys:3:", "malformed key file names FILE:LINE")
        check(b"secret-one" not in p.stderr, "key file error does not echo a secret")
        p = expect(["-k", openkeys, "-r", GOOD], 0, "chmod 600", "world-readable key file warns")
        # An `ikev1` line holding 18 bytes where the SA's AES-CBC-128 (MM2 of
        # GOOD chooses it) takes a 16-byte Ka: the SA says which and why.
        shortka = os.path.join(d, "ka18.keys")
        open(shortka, "w").write("ikev1 ee6d1b7f1f9b4dc5 " + "00" * 18 + "\n")
        os.chmod(shortka, 0o600)
        p = expect(["-k", shortka, "-r", GOOD], 0, None, "ikev1 key of the wrong length")
        check(b"not decrypted: the `ikev1` key for this cookie is 18 bytes, but AES-CBC-128 takes a 16-byte key"
              in p.stdout, f"wrong-length ikev1 key explained: {p.stdout[-400:]!r}")
        check(b"topsecret" not in p.stderr, "permission warning does not echo the secret")
        p = expect(["-r", unsup], 0, "link type IEEE802_11 (105) is not decoded", "unsupported link type warns")
        check(b"1 on an unsupported link type" in p.stdout, f"unsupported link type counted: {p.stdout[-200:]!r}")
        expect(["--help"], 0, None, "--help")
        expect(["--version"], 0, None, "--version")
        # stdin
        p = run(["-r", "-"], stdin=data)
        check(p.returncode == 0 and b"MM1" in p.stdout, "-r - reads stdin")
        # colour: never when piped, always on request, never with NO_COLOR
        check(b"\x1b[" not in run(["-r", GOOD]).stdout, "no colour when stdout is not a terminal")
        check(b"\x1b[" in run(["--color=always", "-r", GOOD]).stdout, "--color=always colours")
        check(b"\x1b[" not in run(["--color=always", "-r", GOOD], env={"NO_COLOR": "1"}).stdout,
              "NO_COLOR wins over --color=always")
        # keys are printed only when asked
        p = run(["-v", "-T", "json", "-k", GOOD_KEYS, "-r", GOOD])
        check(b"7cc5a2dba4de076a711babcec5c97c10" not in p.stdout, "Ka not printed without --print-keys")
        p = run(["-T", "json", "--print-keys", "-k", GOOD_KEYS, "-r", GOOD])
        check(b"7cc5a2dba4de076a711babcec5c97c10" in p.stdout, "Ka printed with --print-keys")

    # Accounting: every packet read is counted exactly once.
    caps = glob.glob(os.path.join(ROOT, "captures", "**", "*.pcap*"), recursive=True)
    shared = os.path.join(os.path.dirname(ROOT), "shared")
    if os.path.isdir(shared):
        for ext in ("pcap", "pcapng", "cap"):
            caps += glob.glob(os.path.join(shared, "**", "*." + ext), recursive=True)
    else:
        print("check_cli: ../shared not found: accounting checked on captures/ only")
    parts = ["ikecap.ike", "ikecap.ike_malformed", "ikecap.esp", "ikecap.esp_malformed", "ikecap.keepalives", "ikecap.icmp_errors",
             "ikecap.duplicates", "ikecap.not_ike", "ikecap.fragments_held", "ikecap.truncated", "ikecap.malformed",
             "ikecap.unsupported_link"]
    for cap in sorted(caps):
        p = run(["-q", "-T", "json", "-r", cap])
        recs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        st = [r for r in recs if r.get("type") == "stats"]
        if not st:
            check(False, f"{cap}: no stats record (exit {p.returncode})")
            continue
        s = st[-1]
        total = sum(s.get(k, 0) for k in parts)
        check(total == s["ikecap.frames"], f"{cap}: {s['ikecap.frames']} frames but the counts add to {total}")
    print(f"command line and accounting: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
