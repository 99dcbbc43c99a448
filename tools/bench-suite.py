#!/usr/bin/env python3
"""tools/bench-suite.py - the benchmark of issue 10 (run by tools/bench).

Builds an IKE-heavy and an ESP-heavy capture at two sizes (bench-mkcap.py),
then measures in one run, output to /dev/null for every tool:
  ikecap: summary lines, -v tree, -T json, each with keys; without keys;
          -q (decode and decrypt, no per-packet output)
  tshark: summary and -V with the same keys (-o uat:ikev1_decryption_table /
          uat:esp_sa, the Wireshark tables bench-mkcap.py wrote)
  tcpdump -vv -nn -r; pcapfloor (libpcap's pcap_next_ex loop: the floor);
  openssl speed -evp for the ESP cipher and HMAC at the packet's sizes.
Rates are packets per CPU second (user + sys of the child, getrusage), so a
busy machine costs less accuracy than wall time would; wall time is shown
too.  ikecap runs are repeated (best kept); the others run once.
With INSNS=1 in the environment it also counts ikecap's instructions per
packet under callgrind (on the small files): unlike seconds on a shared
2-core machine (+-20% run to run), those counts repeat exactly, so they are
the figures to compare two builds by.
Usage: bench-suite.py IKECAP PCAPFLOOR [scale]   (scale 1 = default sizes)
"""
import os, re, resource, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPS = 3


TIME = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)


def run(cmd, reps=1):
    """(best cpu s, wall s of that run, peak RSS KiB over the runs).  Peak RSS
    comes from GNU time (-f %M): a child forked from this python would start
    its high-water mark at python's own RSS (Linux keeps it across exec)."""
    best, wall, rss = None, 0.0, 0
    for _ in range(reps):
        with tempfile.NamedTemporaryFile("r") as tf:
            t0 = time.monotonic()
            full = [TIME, "-o", tf.name, "-f", "%M"] + cmd if TIME else cmd
            with open(os.devnull, "wb") as null:
                p = subprocess.Popen(full, stdout=null, stderr=subprocess.DEVNULL)
                _, status, ru = os.wait4(p.pid, 0)
            w = time.monotonic() - t0
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                print(f"  warning: {cmd[0]} exited with {code}")
            # wait4 counts the child and what it reaped (the tool under
            # GNU time) to the microsecond; time's own %U/%S are 10 ms coarse.
            cpu, r = ru.ru_utime + ru.ru_stime, ru.ru_maxrss
            if TIME:
                r = int(tf.read().split()[-1])
        rss = max(rss, r)
        if best is None or cpu < best:
            best, wall = cpu, w
    return best, wall, rss


def uat_opts(kdir):
    o = ["-o", "esp.enable_encryption_decode:TRUE", "-o", "esp.enable_authentication_check:TRUE"]
    for name in ("ikev1_decryption_table", "esp_sa"):
        for line in open(os.path.join(kdir, name)):
            if line.strip():
                o += ["-o", f"uat:{name}:{line.strip()}"]
    return o


def main():
    ikecap, floor = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    scale = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    tmp = tempfile.mkdtemp(prefix="ikecap-bench.")
    try:
        bench(ikecap, floor, scale, tmp)
    finally:
        if not os.environ.get("KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"files kept in {tmp}")


def instructions(ikecap, caps):
    """Instructions per packet of each ikecap mode on the small captures
    (callgrind's total for the whole run: start-up, key loading and the
    end-of-run summary included, as the timings include them)."""
    print("\nInstructions per packet (callgrind, small files; exact from run to run)")
    modes = (("-q, keys", ["-q", "-k"]), ("-q, no keys", ["-q"]), ("summary lines, no keys", []),
             ("summary lines, keys", ["-k"]), ("-T json, keys", ["-T", "json", "-k"]), ("-v, keys", ["-v", "-k"]))
    for mix in ("ike", "esp"):
        pcap, kdir, n, _ = caps[mix, "small"]
        for label, opts in modes:
            args = [a for o in opts for a in ([o, kdir] if o == "-k" else [o])]
            r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", ikecap,
                                "--no-progress"] + args + ["-r", pcap],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            m = re.search(r"Collected : (\d+)", r.stderr)
            total = int(m.group(1)) if m else 0
            print(f"  {mix}-small {label:<28} {total / 1e6:>10,.1f}M  {total / max(n, 1):>9,.0f} per packet")


def bench(ikecap, floor, scale, tmp):
    sizes = {"ike": (int(2500 * scale), int(10000 * scale)), "esp": (int(100000 * scale), int(400000 * scale))}
    caps = {}
    for mix, (small, large) in sizes.items():
        for tag, n in (("small", small), ("large", large)):
            pcap, kdir = os.path.join(tmp, f"{mix}-{tag}.pcap"), os.path.join(tmp, f"{mix}-{tag}.keys")
            out = subprocess.run([sys.executable, os.path.join(HERE, "bench-mkcap.py"), mix, str(n), pcap, kdir,
                                  ikecap], check=True, capture_output=True, text=True).stdout
            caps[mix, tag] = (pcap, kdir, int(out.split()[-1]), os.path.getsize(pcap))
    print("Figures are noisy: other work may share this machine.  Rates are packets per CPU second")
    print(f"(user+sys of the child); ikecap best of {REPS} runs, other tools one run.  Output to /dev/null.")
    for (mix, tag), (p, _, n, sz) in caps.items():
        print(f"  {mix}-{tag}: {n:,} packets, {sz / 1e6:.1f} MB")
    res = {}

    def show(label, key, cmd, npk, nbytes, reps=1):
        cpu, wall, rss = run(cmd, reps)
        cpu = max(cpu, 1e-6)
        res[key] = (npk / cpu, rss, cpu)
        print(f"  {label:<44} {npk / cpu:>12,.0f} pkt/s {nbytes / cpu / 1e6:>8.1f} MB/s"
              f"  cpu {cpu:6.2f} s  wall {wall:6.2f} s  RSS {rss / 1024:6.1f} MB")

    have_ts, have_td = shutil.which("tshark"), shutil.which("tcpdump")
    for mix in ("ike", "esp"):
        lp, lk, ln, lsz = caps[mix, "large"]
        sp, sk, sn, ssz = caps[mix, "small"]
        # tshark is slow: it reads the small ESP file, the large IKE file.
        tp, tk, tn, tsz = (lp, lk, ln, lsz) if mix == "ike" else (sp, sk, sn, ssz)
        tag = "large" if mix == "ike" else "small"
        print(f"\n{mix.upper()}-heavy ({ln:,} packets; tshark comparisons on {mix}-{tag})")
        base = [ikecap, "--no-progress"]
        show("ikecap -q, keys (decode+decrypt, no output)", (mix, "q"), base + ["-q", "-k", lk, "-r", lp], ln, lsz, REPS)
        show("ikecap -q, no keys", (mix, "q-nokey"), base + ["-q", "-r", lp], ln, lsz, REPS)
        show("ikecap summary lines, no keys", (mix, "sum-nokey"), base + ["-r", lp], ln, lsz, REPS)
        show("ikecap summary lines, keys", (mix, "sum"), base + ["-k", lk, "-r", lp], ln, lsz, REPS)
        show("ikecap summary lines, keys (small file)", (mix, "sum-small"), base + ["-k", sk, "-r", sp], sn, ssz, REPS)
        show("ikecap summary lines, no keys (small file)", (mix, "sum-nokey-small"), base + ["-r", sp], sn, ssz, REPS)
        show("ikecap -T json, keys", (mix, "json"), base + ["-T", "json", "-k", lk, "-r", lp], ln, lsz, REPS)
        show("ikecap -v, keys", (mix, "v"), base + ["-v", "-k", lk, "-r", lp], ln, lsz, REPS)
        if tp != lp:
            show(f"ikecap summary lines, keys ({mix}-{tag})", (mix, "sum-t"), base + ["-k", tk, "-r", tp], tn, tsz, REPS)
            show(f"ikecap -v, keys ({mix}-{tag})", (mix, "v-t"), base + ["-v", "-k", tk, "-r", tp], tn, tsz, REPS)
        else:
            res[mix, "sum-t"], res[mix, "v-t"] = res[mix, "sum"], res[mix, "v"]
        if have_ts:
            o = uat_opts(tk)
            show("tshark summary, keys", (mix, "ts"), ["tshark", "-n", "-r", tp] + o, tn, tsz)
            show("tshark -V, keys", (mix, "tsV"), ["tshark", "-n", "-V", "-r", tp] + o, tn, tsz)
        if have_td:
            show("tcpdump -vv -nn -r (no IKEv1 decryption)", (mix, "td"), ["tcpdump", "-vv", "-nn", "-r", lp], ln, lsz)
        # The floor reads a file in hundredths of a second: more runs, or the
        # ratios to it swing by a third from one bench to the next.
        show("pcapfloor (libpcap pcap_next_ex only)", (mix, "floor"), [floor, lp], ln, lsz, 4 * REPS)

    if os.environ.get("INSNS") and shutil.which("valgrind"):
        instructions(ikecap, caps)

    # Raw OpenSSL cost of one ESP packet of the ESP mix: AES-128-CBC over the
    # 96 ciphertext bytes, HMAC-SHA1 over SPI|seq|IV|ciphertext (120 bytes).
    def speed(args, nbytes):
        out = subprocess.run(["openssl", "speed", "-seconds", "1", "-bytes", str(nbytes)] + args,
                             capture_output=True, text=True).stdout.strip().splitlines()
        return float(out[-1].split()[-1].rstrip("k")) * 1000 if out else 0.0
    print("\nOpenSSL (openssl speed, 1 s each)")
    aes = speed(["-decrypt", "-evp", "aes-128-cbc"], 96)
    hm = speed(["-hmac", "sha1"], 120)
    print(f"  -evp aes-128-cbc -decrypt, 96 B: {aes / 1e6:,.0f} MB/s; -hmac sha1, 120 B: {hm / 1e6:,.0f} MB/s")
    raw = 1 / (96 / aes + 120 / hm) if aes and hm else 0
    print(f"  raw cipher+HMAC per ESP packet: {raw:,.0f} packets/s")

    def ratio(a, b):
        return res[a][0] / res[b][0] if a in res and b in res and res[b][0] else float("nan")

    def verdict(ok):
        return "meets" if ok else "BELOW"
    print("\nRatios (target in brackets)")
    for mix in ("ike", "esp"):
        r = ratio((mix, "sum-t"), (mix, "ts"))
        print(f"  {mix}: decrypting summary vs tshark summary:   {r:7.1f}x  [>= 20x] {verdict(r >= 20)}")
        r = ratio((mix, "v-t"), (mix, "tsV"))
        print(f"  {mix}: full tree (-v) vs tshark -V:            {r:7.1f}x  [>= 50x] {verdict(r >= 50)}")
        r = ratio((mix, "sum-nokey"), (mix, "floor"))
        print(f"  {mix}: summary without keys vs libpcap floor: {100 * r:7.1f}%  [>= 30%] {verdict(r >= .3)}")
        r = ratio((mix, "q-nokey"), (mix, "floor"))
        print(f"  {mix}: -q without keys vs libpcap floor:      {100 * r:7.1f}%  [>= 30%] {verdict(r >= .3)}")
    if raw:
        r = res["esp", "q"][0] / raw
        print(f"  esp: decrypt+verify (-q, keys, whole run) vs raw OpenSSL: {100 * r:5.1f}%  [>= 50%] {verdict(r >= .5)}")
    peak = max(v[1] for k, v in res.items() if k[1] not in ("ts", "tsV", "td", "floor"))
    print(f"  ikecap peak RSS over all runs: {peak / 1024:.1f} MB  [<= 20 MB] {verdict(peak <= 20 * 1024)}")
    for mix in ("ike", "esp"):
        s, l = res[mix, "sum-small"][1], res[mix, "sum"][1]
        print(f"  {mix}: RSS small -> large file (4x the packets): {s / 1024:.1f} -> {l / 1024:.1f} MB "
              f"[flat] {verdict(l <= s * 1.25 + 1024)}")
        # Without keys an SA's DELETE is encrypted: every established SA
        # stays live (until --retire-idle's 24 h for established ones), so
        # memory follows the SAs the capture holds, not the file's length.
        s, l = res[mix, "sum-nokey-small"][1], res[mix, "sum-nokey"][1]
        print(f"  {mix}: RSS small -> large file without keys: {s / 1024:.1f} -> {l / 1024:.1f} MB "
              f"[flat] {verdict(l <= s * 1.25 + 1024)}{' (every SA stays live)' if l > s * 1.25 + 1024 else ''}")


if __name__ == "__main__":
    main()
