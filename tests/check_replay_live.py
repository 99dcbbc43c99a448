#!/usr/bin/env python3
"""Live capture with a key reload, against the strongSwan lab's own messages.

Two network namespaces of our own (ikc-rp-a 198.51.100.1, ikc-rp-b
198.51.100.2, one veth) replay the IKE messages of
captures/lab/mm-psk-aes128-sha1-g2.pcap over real UDP sockets (500 and 4500,
the non-ESP marker on 4500), while `ikecap -i` captures on the veth with an
empty key file.  After MM4 the test writes the lab's PSK and g^xy into that
file and sends SIGHUP, as an operator would once the daemon logged them; MM5,
MM6 and the Quick Mode that follow must then decrypt with HASH verified (the
lab truth), and MM1-MM4 must have been shown live, before the end.

Root only; prints "check_replay_live: SKIPPED: <reason>" elsewhere.  Sends
traffic only between the two namespaces it makes, and removes them always.
"""
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IKECAP = os.environ.get("IKECAP", os.path.join(ROOT, "ikecap"))
LAB = os.path.join(ROOT, "captures", "lab", "mm-psk-aes128-sha1-g2")
NS_A, NS_B = "ikc-rp-a", "ikc-rp-b"
A, B = "198.51.100.1", "198.51.100.2"

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("  FAIL:", what)


def sh(*args, check_rc=True):
    return subprocess.run(list(args), capture_output=True, text=True, check=check_rc)


def ike_messages(path):
    """(src ip, sport, dport, udp payload) of each UDP 500/4500 IKE frame."""
    d = open(path, "rb").read()
    off, out = 24, []
    while off + 16 <= len(d):
        incl = struct.unpack("<I", d[off + 8:off + 12])[0]
        fr = d[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(fr) < 42 or fr[12:14] != b"\x08\x00" or fr[23] != 17:
            continue
        ihl = (fr[14] & 15) * 4
        src = ".".join(str(b) for b in fr[26:30])
        sport, dport = struct.unpack("!HH", fr[14 + ihl:18 + ihl])
        payload = fr[22 + ihl:]
        if dport == 4500 and payload[:4] != b"\0\0\0\0":
            continue  # ESP-in-UDP: not replayed
        if dport in (500, 4500):
            out.append((src, sport, dport, payload))
    return out


def setup():
    cleanup()
    sh("ip", "netns", "add", NS_A)
    sh("ip", "netns", "add", NS_B)
    sh("ip", "link", "add", "ikcrp0", "netns", NS_A, "type", "veth", "peer", "name", "ikcrp1", "netns", NS_B)
    for ns, dev, ip in ((NS_A, "ikcrp0", A), (NS_B, "ikcrp1", B)):
        sh("ip", "-n", ns, "addr", "add", ip + "/24", "dev", dev)
        sh("ip", "-n", ns, "link", "set", dev, "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")


def cleanup():
    for ns in (NS_A, NS_B):
        sh("ip", "netns", "del", ns, check_rc=False)


SENDER = r'''
import socket, sys
src, sport, dst, dport, hexdata = sys.argv[1:6]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((src, int(sport)))
s.sendto(bytes.fromhex(hexdata), (dst, int(dport)))
'''


def run_case(msgs, truth, reload_at):
    """reload_at: index of the message before which the keys are written and
    SIGHUP sent; None: written after the whole exchange, with no signal (the
    changed file is noticed)."""
    tmp = tempfile.mkdtemp()
    keyfile = os.path.join(tmp, "live.keys")
    open(keyfile, "w").close()
    os.chmod(keyfile, 0o600)
    keys = 'psk * "%s"\ndh %s %s\n' % (truth["psk"]["a"], truth["initiator_cookie"], truth["gxy"])
    tag = "SIGHUP after MM4" if reload_at is not None else "key file written after the exchange"
    proc = None
    try:
        setup()
        out = open(os.path.join(tmp, "out.json"), "w")
        proc = subprocess.Popen(["ip", "netns", "exec", NS_B, IKECAP, "-i", "ikcrp1", "-T", "json", "-k", keyfile,
                                 "--stall-timeout", "2"],
                                stdout=out, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        for i, (src, sport, dport, payload) in enumerate(msgs):
            if i == reload_at:  # the operator drops the daemon's keys in and sends SIGHUP
                with open(keyfile, "w") as f:
                    f.write(keys)
                proc.send_signal(signal.SIGHUP)
                time.sleep(0.5)
            ns, dst = (NS_A, B) if src == A else (NS_B, A)
            sh("ip", "netns", "exec", ns, sys.executable, "-c", SENDER, src, str(sport), dst, str(dport),
               payload.hex())
            time.sleep(0.05)
        if reload_at is None:
            time.sleep(1.2)
            with open(keyfile, "w") as f:   # no signal: ikecap notices the change itself
                f.write(keys)
            time.sleep(2.5)
        # A second SA whose MM1 nobody answers (nothing listens on 500 in
        # ikc-rp-b: ICMP port unreachable): diagnosed live, before the end.
        stalled = "5a5a5a5a5a5a5a5a"
        mm1 = bytes.fromhex(stalled + "00" * 8 + "01100200" + "00000000" + "0000001c")
        for _ in range(2):
            sh("ip", "netns", "exec", NS_A, sys.executable, "-c", SENDER, A, "500", B, "500", mm1.hex())
            time.sleep(0.3)
        time.sleep(3.5)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        out.close()
        recs = [json.loads(l) for l in open(os.path.join(tmp, "out.json")) if l.strip()]
        check(proc.returncode == 0, "%s: ikecap -i exit %s: %s" % (tag, proc.returncode, err.strip()))
        why = "SIGHUP" if reload_at is not None else "a key file changed"
        check("keys reloaded (%s)" % why in err, "%s: reload reported on stderr: %r" % (tag, err.strip()))
        pk = [r for r in recs if r.get("type") == "packet" and "ikecap.msg" in r]
        first = [r for r in pk if not r.get("ikecap.late")]
        labels = [r["ikecap.msg"] for r in first]
        check(labels[:6] == ["MM1", "MM2", "MM3", "MM4", "MM5", "MM6"], "%s: live labels %s" % (tag, labels))
        enc = [r for r in first if r.get("isakmp.flag_e")]
        check(len(enc) >= 5, "%s: MM5, MM6 and the Quick Mode were seen live" % tag)
        if reload_at is not None:
            for r in enc:
                check(r.get("ikecap.decrypted") is True and r.get("ikecap.hash") == "verified",
                      "%s: live %s decrypted after the reload, HASH verified (%s)" %
                      (tag, r["ikecap.msg"], r.get("ikecap.decrypt_detail")))
            check(not any(r.get("ikecap.late") for r in pk), "%s: nothing shown late" % tag)
        else:
            # Each encrypted message was shown undecrypted as it went by, then
            # once more, decrypted and verified, when the keys arrived.
            late = [r for r in pk if r.get("ikecap.late")]
            check(all(r.get("ikecap.decrypt_status") == "no-key" for r in enc),
                  "%s: the encrypted messages went by without a key" % tag)
            check([(r["ikecap.frame"], r["ikecap.msg"]) for r in late] ==
                  [(r["ikecap.frame"], r["ikecap.msg"]) for r in enc],
                  "%s: each shown again, same frame and label: %s" % (tag, [r["ikecap.msg"] for r in late]))
            for r in late:
                check(r.get("ikecap.decrypted") is True and r.get("ikecap.hash") == "verified",
                      "%s: late %s decrypted, HASH verified (%s)" % (tag, r["ikecap.msg"],
                                                                    r.get("ikecap.decrypt_detail")))
            sa = [r for r in recs if r.get("type") == "sa" and r.get("isakmp.ispi") == truth["initiator_cookie"]]
            mine = [r for r in first if r.get("isakmp.ispi") == truth["initiator_cookie"]]
            check(len(sa) == 1 and sa[0].get("ikecap.state") in ("QM_IDLE", "DELETED") and
                  sa[0].get("ikecap.messages") == len(mine),
                  "%s: one SA record for the exchange, as if keyed from the start: %s" %
                  (tag, {k: sa[0].get(k) for k in ("ikecap.state", "ikecap.messages")} if sa else None))
            st = next((r for r in recs if r.get("type") == "stats"), {})
            check(st.get("ikecap.no_key") == 0 and st.get("ikecap.decrypted") == len(enc),
                  "%s: counted once: %s decrypted, %s without key" % (tag, st.get("ikecap.decrypted"),
                                                                     st.get("ikecap.no_key")))
        first_sa = next((i for i, r in enumerate(recs) if r.get("type") == "sa"), len(recs))
        live_diag = [r for r in recs[:first_sa] if r.get("type") == "diagnosis" and r.get("isakmp.ispi") == stalled]
        check(any(d.get("code") == "no-response" for d in live_diag),
              "%s: the unanswered MM1 is diagnosed live (no-response) before the end: %s" %
              (tag, [d.get("code") for d in live_diag]))
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
        check(False, "%s: live replay: %s" % (tag, e))
    finally:
        if proc and proc.poll() is None:
            proc.kill()
        cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if os.geteuid() != 0:
        print("check_replay_live: SKIPPED: not root (network namespaces need it)")
        return 0
    if not shutil.which("ip") or sh("ip", "netns", "list", check_rc=False).returncode != 0:
        print("check_replay_live: SKIPPED: no working `ip netns`")
        return 0
    truth = json.load(open(LAB + ".truth.json"))["ike_sas"][0]
    msgs = ike_messages(LAB + ".pcap")
    run_case(msgs, truth, 4)
    run_case(msgs, truth, None)
    print("check_replay_live: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
