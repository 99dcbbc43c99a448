#!/bin/sh
# Seed corpora for the libFuzzer harnesses, from our captures and (when
# present) ../shared/{corpus,lab}, into tools/fuzz/seeds/<harness>/:
#   fuzz_isakmp   every distinct ISAKMP message: UDP 500/848 payloads, and UDP
#                 4500 payloads after the 4-byte non-ESP marker (tshark reads
#                 the captures, so pcapng and reassembled IP fragments work)
#   fuzz_decrypt  the lab case's encrypted messages, as ciphertext and as
#                 plaintext inputs (written by the harness itself:
#                 FUZZ_DECRYPT_SEEDS=DIR build-fuzz/fuzz_decrypt)
#   fuzz_keys     the key files we have (ikecap, Wireshark tables, tcpdump -E)
#   fuzz_pcap     small captures whole; bigger ones cut to their first packets
#                 with editcap
# Seeds are named by the SHA-1 of their content; the caps below keep the
# committed corpus to a few hundred KB.  Needs tshark, editcap, python3 and
# `make fuzz-build` (for fuzz_decrypt's seeds).
set -eu
cd "$(dirname "$0")/../.."
out=tools/fuzz/seeds
shared=../shared
rm -rf "$out"
mkdir -p "$out/fuzz_isakmp" "$out/fuzz_decrypt" "$out/fuzz_keys" "$out/fuzz_pcap"

list=$(mktemp)
trap 'rm -f "$list"' EXIT
find captures -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort > "$list"
if [ -d "$shared" ]; then
	find "$shared/corpus" "$shared/lab" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) \
		2>/dev/null | sort >> "$list"
fi

LIST="$list" OUT="$out" SHARED="$shared" python3 - <<'EOF'
import hashlib, os, subprocess, sys, tempfile

out = os.environ["OUT"]
shared = os.environ["SHARED"]
caps = [l.strip() for l in open(os.environ["LIST"]) if l.strip()]

MSG_MAX, MSGS_PER_CAP, MSGS_TOTAL = 2048, 16, 400
PCAP_WHOLE, PCAP_CUT_PACKETS, PCAP_MAX, PCAPS_TOTAL = 8192, 16, 12288, 80
KEY_MAX = 4096

def put(harness, data):
    name = hashlib.sha1(data).hexdigest()
    path = os.path.join(out, harness, name)
    if os.path.exists(path):
        return False
    with open(path, "wb") as f:
        f.write(data)
    return True

# fuzz_isakmp: ISAKMP messages
n_msgs = 0
for cap in caps:
    if n_msgs >= MSGS_TOTAL:
        break
    try:
        r = subprocess.run(["tshark", "-n", "-r", cap, "-Y", "udp.port==500 || udp.port==4500 || udp.port==848",
                            "-T", "fields", "-E", "occurrence=l", "-e", "udp.srcport", "-e", "udp.dstport",
                            "-e", "udp.payload"], capture_output=True, text=True, timeout=120)
    except (subprocess.TimeoutExpired, OSError):
        continue
    kept = 0
    for line in r.stdout.splitlines():
        f = line.split("\t")
        if len(f) != 3 or not f[2]:
            continue
        try:
            b = bytes.fromhex(f[2].replace(":", ""))
        except ValueError:
            continue
        if "4500" in (f[0], f[1]):
            if len(b) < 4 or b[:4] != b"\0\0\0\0":
                continue            # ESP-in-UDP or keepalive
            b = b[4:]
        if len(b) < 28 or len(b) > MSG_MAX:
            continue
        if put("fuzz_isakmp", b):
            kept += 1
            n_msgs += 1
        if kept >= MSGS_PER_CAP or n_msgs >= MSGS_TOTAL:
            break

# fuzz_pcap: captures, whole or cut
n_pcaps = 0
for cap in caps:
    if n_pcaps >= PCAPS_TOTAL:
        break
    size = os.path.getsize(cap)
    if size <= PCAP_WHOLE:
        data = open(cap, "rb").read()
    else:
        with tempfile.NamedTemporaryFile(suffix=os.path.splitext(cap)[1]) as t:
            r = subprocess.run(["editcap", "-r", cap, t.name, "1-%d" % PCAP_CUT_PACKETS], capture_output=True)
            if r.returncode != 0:
                continue
            data = open(t.name, "rb").read()
    if len(data) > PCAP_MAX:
        continue
    if put("fuzz_pcap", data):
        n_pcaps += 1

# fuzz_keys: key files of every format we read
keyfiles = []
for root, dirs, files in os.walk("captures"):
    for fn in files:
        p = os.path.join(root, fn)
        if fn.endswith(".keys") or fn.endswith(".tmpl") or fn in ("esp_sa", "ikev1_decryption_table",
                                                                  "ikev2_decryption_table", "esp-secrets.txt"):
            keyfiles.append(p)
if os.path.isdir(shared):
    for base in ("corpus", "lab"):
        for root, dirs, files in os.walk(os.path.join(shared, base)):
            for fn in files:
                if fn in ("esp_sa", "ikev1_decryption_table", "ikev2_decryption_table") or "secrets" in fn \
                   or fn.endswith(".keys") or fn.endswith(".tmpl"):
                    keyfiles.append(os.path.join(root, fn))
n_keys = 0
for p in sorted(keyfiles):
    if os.path.getsize(p) <= KEY_MAX and put("fuzz_keys", open(p, "rb").read()):
        n_keys += 1
# hand-written lines the captures lack: every ikecap line type, odd corners
for s in [b"psk 192.0.2.1 0x0102030405\npsk * secret\npsk 2001:db8::1 \"a b\\\" c\"\n",
          b"dhpriv ee6d1b7f1f9b4dc5 0x01:02:03\nikev1 ee6d1b7f1f9b4dc5 00112233445566778899aabbccddeeff\n",
          b"dh ee6d1b7f1f9b4dc5:d5acffb1 0a0b0c\n",
          b"esp 192.0.2.1 192.0.2.2 0x1234 aes-gcm-16 0x000102030405060708090a0b0c0d0e0f10111213 null -\n",
          b"esp * * 0x1 aes-cbc 0x000102030405060708090a0b0c0d0e0f hmac-sha1-96 0x0001020304050607080910111213141516171819\n",
          b"0x1000@192.0.2.2 aes128-cbc-hmac96:0x000102030405060708090a0b0c0d0e0f\n3des-cbc-hmac96:\"abcdefghijklmnopqrstuvwx\"\n",
          b"ikev2 I 0x0001020304050607 0x08090a0b0c0d0e0f sha1:0x00 aes128:0x00\n"]:
    if put("fuzz_keys", s):
        n_keys += 1

print("seeds: %d ISAKMP messages, %d captures, %d key files" % (n_msgs, n_pcaps, n_keys))
EOF

if [ -x build-fuzz/fuzz_decrypt ]; then
	FUZZ_DECRYPT_SEEDS="$out/fuzz_decrypt" build-fuzz/fuzz_decrypt
else
	echo "make-seeds: build-fuzz/fuzz_decrypt missing (make fuzz-build): no fuzz_decrypt seeds" >&2
fi
du -sh "$out"/* "$out"
