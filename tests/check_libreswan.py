#!/usr/bin/env python3
"""check_libreswan.py - ikecap against libreswan 4.10 pluto (tools/lab/libreswan.sh).

  tests/check_libreswan.py        check every committed captures/live/libreswan-*.pcap

pluto never prints g^xy or SKEYID* (they stay inside NSS), so NAME.keys holds
the g^xy of the strongSwan peer (tests/check_live.py checks those captures
against charon's SKEYID* too).  Here the oracle is pluto: for every value
pluto computed from its own keys, with all inputs dumped in its log (quoted in
NAME.log-secrets.txt, section "## pluto-b.log", read by
tools/lab/harvest-pluto.py --json), the same value is recomputed here, in
Python, from the keys ikecap derived (-T json --print-keys):

  SKEYID   -> HASH_I and HASH_R = HMAC(SKEYID, g^x.. | g^x.. | CKY | CKY | SAi_b | IDii_b)
  SKEYID_a -> HASH(1)/HASH(2) of Quick Mode and informational exchanges
  SKEYID_d -> ESP KEYMAT per SPI (RFC 2409 5.5, expanded), which pluto derived
              although it could not install the SA (no kernel ESP here)
  Ka       -> every message pluto decrypted (openssl enc -d with ikecap's Ka
              and pluto's IV) gives pluto's plaintext
  initial IV, the PSK, and ikecap's decrypted HASH payloads == pluto's.
It also asserts what the run is: MM5/MM6/QM1 decrypted with HASH verified,
QM1 never answered (pluto: "netlink response for Add SA ...: Protocol not
supported"), diagnosed qm-no-response.  IKECAP= names the binary.
"""
import glob
import hashlib
import hmac
import json
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IKECAP = os.environ.get('IKECAP', os.path.join(TOP, 'ikecap'))
HARVEST_PLUTO = os.path.join(TOP, 'tools', 'lab', 'harvest-pluto.py')
HARVEST_KEYS = os.path.join(TOP, 'tools', 'lab', 'harvest-keys.py')

# pluto's PRF names -> hashlib
PRF_HASH = {'HMAC_MD5': 'md5', 'HMAC_SHA1': 'sha1', 'HMAC_SHA2_256': 'sha256',
            'HMAC_SHA2_384': 'sha384', 'HMAC_SHA2_512': 'sha512'}
# pluto's key name (the "-key@" handle of the PRF init) -> ikecap's field
PRF_KEY = {'skeyid': 'ikecap.skeyid', 'SKEYID_a': 'ikecap.skeyid_a'}

failures = []
passes = 0


def check(ok, what):
    global passes
    if ok:
        passes += 1
    else:
        failures.append(what)
        print(f'FAIL: {what}')


def run_json(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    return p.returncode, p.stdout, p.stderr


def prf(alg, key, data):
    return hmac.new(key, data, PRF_HASH[alg]).digest()


def keymat(alg, skeyid_d, protocol, spi, ni, nr, need):
    """RFC 2409 5.5: K1 = prf(SKEYID_d, protocol | SPI | Ni_b | Nr_b),
    Kn = prf(SKEYID_d, Kn-1 | protocol | SPI | Ni_b | Nr_b)."""
    seed = bytes([protocol]) + spi + ni + nr
    out, k = b'', b''
    while len(out) < need:
        k = prf(alg, skeyid_d, k + seed)
        out += k
    return out[:need]


def cbc_decrypt(cipher, key, iv, data):
    name = {'AES_CBC': f'aes-{len(key) * 8}-cbc', '3DES_CBC': 'des-ede3-cbc'}.get(cipher)
    if name is None or not data:
        return None
    p = subprocess.run(['openssl', 'enc', '-d', '-' + name, '-nopad', '-K', key.hex(), '-iv', iv.hex()],
                       input=data, capture_output=True, timeout=30, check=False)
    return p.stdout if p.returncode == 0 else None


def payloads(pkt):
    return (pkt.get('ikecap.plain') or {}).get('isakmp.payloads') or []


def first(pkts, msg):
    return next((p for p in pkts if p.get('ikecap.msg') == msg and not p.get('ikecap.retransmit')), None)


def hash_of(pkt):
    return next((p.get('isakmp.hash') for p in payloads(pkt or {}) if p.get('isakmp.typepayload') == 8), None)


def nonce_of(pkt):
    return next((p.get('isakmp.nonce') for p in payloads(pkt or {}) if p.get('isakmp.typepayload') == 10), None)


def check_capture(pcap):
    base = pcap[:-5]
    name = os.path.basename(base)
    keys, secrets = base + '.keys', base + '.log-secrets.txt'
    if not (os.path.exists(keys) and os.path.exists(secrets)):
        check(False, f'{name}: .keys and .log-secrets.txt beside it')
        return
    rc, out, err = run_json([sys.executable, HARVEST_PLUTO, '--json', secrets])
    check(rc == 0, f'{name}: harvest-pluto.py --json reads the pluto section ({err.strip()[:200]})')
    pluto = json.loads(out)['sas'] if rc == 0 else []
    check(len(pluto) >= 1, f'{name}: the log secrets hold at least one pluto IKE SA')
    with open(keys, encoding='utf-8') as f:
        ktext = f.read()
    rc, out, err = run_json([IKECAP, '--no-progress', '-T', 'json', '--print-keys', '-k', keys, '-r', pcap])
    check(rc == 0, f'{name}: ikecap exits 0 ({err.strip()[:200]})')
    if rc != 0:
        return
    recs = [json.loads(ln) for ln in out.splitlines() if ln.strip()]
    pkts = [r for r in recs if r['type'] == 'packet']
    sas = {r['isakmp.ispi']: r for r in recs if r['type'] == 'sa'}

    for ps in pluto:
        ic = ps['icookie']
        tag = f'{name}: SA {ic}'
        sa = sas.get(ic)
        check(sa is not None and sa['isakmp.rspi'] == ps['rcookie'],
              f'{tag}: ikecap has the IKE SA pluto logged (cookies {ic}/{ps["rcookie"]})')
        if sa is None:
            continue
        sides = [k for k in sa.get('ikecap.keys') or [] if k.get('ikecap.skeyid')]
        check(len(sides) >= 1, f'{tag}: ikecap derived SKEYID*')
        if not sides:
            continue
        k = sides[0]
        check(ps['psk'] is not None and f'"{ps["psk"]}"' in ktext, f'{tag}: pluto\'s PSK is the one in {name}.keys')
        # SKEYID and SKEYID_a: recompute each PRF pluto logged.
        seen = {'skeyid': 0, 'SKEYID_a': 0}
        for blk in ps['prf']:
            field = PRF_KEY.get(blk['key'])
            if field is None or blk['alg'] not in PRF_HASH:
                continue
            data = b''.join(bytes.fromhex(h) for _n, h in blk['inputs'])
            mine = prf(blk['alg'], bytes.fromhex(k[field]), data).hex()
            seen[blk['key']] += 1
            check(mine == blk['output'], f'{tag}: pluto "{blk["label"]}" (msgid {blk["msgid"]}) == '
                                         f'HMAC({field}, inputs pluto logged)')
        check(seen['skeyid'] >= 2, f'{tag}: HASH_I and HASH_R recomputed from ikecap SKEYID ({seen["skeyid"]})')
        check(seen['SKEYID_a'] >= 1, f'{tag}: a Quick Mode hash recomputed from ikecap SKEYID_a ({seen["SKEYID_a"]})')
        # SKEYID_d: KEYMAT per SPI.
        alg = next((b['alg'] for b in ps['prf'] if b['alg'] in PRF_HASH), None)
        for km in ps['keymat']:
            want = bytes.fromhex(km['keymat'])
            mine = keymat(alg, bytes.fromhex(k['ikecap.skeyid_d']), km['protocol'], bytes.fromhex(km['spi']),
                          bytes.fromhex(km['ni_b']), bytes.fromhex(km['nr_b']), len(want))
            check(mine == want, f'{tag}: pluto ESP KEYMAT for SPI {km["spi"]} == KEYMAT from ikecap SKEYID_d')
        check(len(ps['keymat']) >= 2, f'{tag}: KEYMAT for both SPIs of the Quick Mode ({len(ps["keymat"])})')
        # Ka: every message pluto decrypted decrypts the same with ikecap's key.
        for d in ps['decrypted']:
            packet, plain = bytes.fromhex(d['packet']), bytes.fromhex(d['plain'])
            mine = cbc_decrypt(d.get('cipher'), bytes.fromhex(k['ikecap.enc_key']), bytes.fromhex(d['iv']),
                               packet[28:])
            check(mine is not None and mine == plain[28:],
                  f'{tag}: msgid {d["msgid"]}: ikecap Ka + pluto IV decrypt it to pluto\'s plaintext')
        mm5 = next((d for d in ps['decrypted'] if d['msgid'] == 0), None)
        check(mm5 is not None and sa.get('ikecap.initial_iv') == mm5['iv'],
              f'{tag}: ikecap initial IV == pluto\'s IV for MM5')
        # ikecap's own decryption of the wire: same HASH payloads as pluto's.
        mmh = [b['output'] for b in ps['prf'] if b['key'] == 'skeyid']
        p5, p6, q1 = first(pkts, 'MM5'), first(pkts, 'MM6'), first(pkts, 'QM1')
        for label, pkt in (('MM5', p5), ('MM6', p6), ('QM1', q1)):
            check(pkt is not None and pkt.get('ikecap.decrypt_status') == 'decrypted'
                  and pkt.get('ikecap.hash') == 'verified', f'{tag}: {label} decrypted, HASH verified')
        check(len(mmh) >= 2 and hash_of(p5) == mmh[0], f'{tag}: MM5 HASH_I (ikecap) == pluto\'s computed HASH_I')
        check(len(mmh) >= 2 and hash_of(p6) == mmh[1], f'{tag}: MM6 HASH_R (ikecap) == pluto\'s emitted HASH_R')
        if q1 is not None and ps['keymat']:
            check(nonce_of(q1) == ps['keymat'][0]['ni_b'], f'{tag}: QM1 nonce (ikecap) == pluto\'s Ni_b')
    # What the run is (pluto-b.log: setup_half_ipsec_sa() fails, no QM2).
    with open(secrets, encoding='utf-8', errors='replace') as f:
        stext = f.read()
    check('Protocol not supported' in stext, f'{name}: pluto logged its kernel SA failure (quoted)')
    check(first(pkts, 'QM2') is None, f'{name}: no QM2 on the wire')
    codes = {r.get('code') for r in recs if r['type'] == 'diagnosis'}
    check('qm-no-response' in codes, f'{name}: diagnosed qm-no-response ({sorted(c for c in codes if c)})')
    # NAME.keys is what the log secrets yield (charon section, harvest-keys.py).
    rc, out, _ = run_json([sys.executable, HARVEST_KEYS, '--json', '--keys', os.devnull, '--log', secrets])
    if rc == 0:
        truth = json.loads(out)
        dh_ic = {ln.split()[1] for ln in ktext.splitlines() if ln.startswith('dh ')}
        check(dh_ic == {s['icookie'] for s in truth['sas'] if s['icookie']},
              f'{name}: NAME.keys dh lines name the SAs of the charon section')
    else:
        check(False, f'{name}: harvest-keys.py reads the charon section')


def main():
    if not os.access(IKECAP, os.X_OK):
        print(f'check_libreswan: FAIL: no ikecap binary at {IKECAP}')
        return 1
    caps = sorted(glob.glob(os.path.join(TOP, 'captures', 'live', 'libreswan-*.pcap')))
    check(len(caps) > 0, 'captures/live has libreswan captures')
    for pcap in caps:
        check_capture(pcap)
    print(f'check_libreswan: {passes} passed, {len(failures)} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
