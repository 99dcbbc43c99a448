#!/usr/bin/env python3
"""harvest-pluto.py - ikecap keys and secret dumps for a charon <-> pluto run.

  harvest-pluto.py --charon-log charon-a.log --pluto-log pluto-b.log
                   [--conf swanctl.conf ...] --keys NAME.keys
                   [--secrets log-secrets.txt] [--name NAME]
  harvest-pluto.py --json LOG-SECRETS.txt      (what the pluto section holds)

libreswan 4.10 pluto (NSS-KDF build) keeps g^xy, SKEYID and SKEYID_d/a/e
inside NSS: even plutodebug="all private crypt" prints only their handles
("dh-shared : g^ir-key@0x... (256-bytes, ...)", "skeyid-key@0x..."), never
their bytes.  So g^xy comes from the strongSwan peer's log (charon ike 4
"shared Diffie Hellman secret", harvested by harvest-keys.py), and pluto's
log supplies what it computed FROM those keys, with every input dumped:

  main mode PRF <alg> init skeyid-key@...      HASH_I / HASH_R = prf(SKEYID, ...)
  main mode PRF <alg> update gi|gr|initiator|responder|p1isa|idpl + hex
  main mode PRF <alg> final length N + hex
  HASH(1)/HASH(2) PRF <alg> init SKEYID_a-key  Quick Mode hashes = prf(SKEYID_a, ...)
  calling NSS.ikev1_section_5_keymat(): protocol, SPI, Ni_b, Nr_b (pluto
      labels both nonces "Ni_b"), "NSS.ikev1_section_5_keymat() returns:"
      = KEYMAT = prf(SKEYID_d, protocol | SPI | Ni_b | Nr_b) expanded
  *received N bytes + hex; decrypting N bytes using algorithm X;
      IV before: + hex; decrypted payload + hex
      (header + plaintext: what pluto decrypted with its Ka = f(SKEYID_e))
  PreShared Key + hex ("private")

The log-secrets file quotes the charon secrets (section "## charon-a.log",
readable by harvest-keys.py, which skips the pluto section) and these pluto
blocks verbatim (section "## pluto-b.log").  NAME.keys: `psk * "..."` from the
swanctl configs and `dh ICOOKIE g^xy` from charon's log.
"""
import argparse
import importlib.util
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# "Nov 29 10:13:57.343662: | text" (debug) or "Nov 29 10:13:57.343662: text".
PLINE = re.compile(r'^(?P<ts>\w{3} +\d+ [\d:.]+): (?P<dbg>\| )?(?P<msg>.*)$')
HEXAREA = 50          # "xx xx xx xx  xx xx xx xx  xx xx xx xx  xx xx xx xx"

# Debug lines that open a block whose hex dump follows (kept with the dump).
HEADS = [re.compile(p) for p in (
    r'^PreShared Key$',
    r'^\*received \d+ bytes from ',
    r'^decrypting \d+ bytes using algorithm ',
    r'^IV before:$', r'^IV after:$', r'^decrypted payload',
    r'^encrypting:$', r'^IV:$', r'^next IV:$', r'^last encrypted block of Phase 1:$',
    r'^new IV hash \S+ final',
    r'PRF \S+ (?:init|update|final)',
    r'^emitting \d+ raw bytes of (?:HASH_R|HASH_I|Nr|Ni)',
    r'^quick \S+ \S+ HASH\(\d\):$',
    r'^calling NSS\.ikev1_section_5_keymat', r'^ikev1_section_5_keymat:',
    r'^protocol: 0x', r'^SPI$', r'^Ni_b$', r'^NSS\.ikev1_section_5_keymat\(\) returns:$',
    r'^ESP KEYMAT$', r'^  (?:inbound|outbound):$',
    r'^received message HASH_I data ok', r'^authentication succeeded',
    r'^\*\*(?:parse|emit) ISAKMP Message:$',
    r'^   (?:initiator SPI|responder SPI|exchange type|flags|Message ID):',
)]

# Log lines (not debug) worth quoting: the version, what happened to each SA.
KEEP_PLAIN = re.compile(r'^(?:"[^"]*" #\d+: |ERROR: |Starting Pluto )')


def hexdump_bytes(msg):
    """Bytes of a pluto hex dump line ('  61 97 24 a9  f3 ...   ascii'), or None."""
    if not re.match(r'^  [0-9a-f]{2}( |$)', msg):
        return None
    area = msg[2:2 + HEXAREA]
    return bytes.fromhex(''.join(re.findall(r'\b[0-9a-f]{2}\b', area)))


def pluto_blocks(lines):
    """(head line, head text, bytes of its dump, raw lines) for every kept
    block, and the non-debug lines, in log order."""
    out = []
    started = False       # pluto's start-up self-tests (test vectors) are skipped
    i = 0
    while i < len(lines):
        m = PLINE.match(lines[i])
        if not m:
            i += 1
            continue
        msg = m.group('msg')
        if not m.group('dbg'):
            if KEEP_PLAIN.search(msg):
                out.append((msg, b'', [lines[i]], False))
            i += 1
            continue
        started = started or msg == '**parse ISAKMP Message:'
        if not started or not any(h.search(msg) for h in HEADS):
            i += 1
            continue
        raw = [lines[i]]
        data = bytearray()
        j = i + 1
        while j < len(lines):
            mj = PLINE.match(lines[j])
            if not mj or not mj.group('dbg'):
                break
            b = hexdump_bytes(mj.group('msg'))
            if b is None:
                break
            data += b
            raw.append(lines[j])
            j += 1
        out.append((msg, bytes(data), raw, True))
        i = j
    return out


def parse_pluto(lines):
    """What pluto computed, per IKE SA (by initiator cookie)."""
    sas = {}
    hdr = {}              # last ISAKMP header parsed or emitted
    prf = None            # PRF block being collected
    keymat = None
    pending = None        # head waiting for its dump to be attributed
    for msg, data, _raw, dbg in pluto_blocks(lines):
        if not dbg:
            continue
        mh = re.match(r'^   (initiator SPI|responder SPI|Message ID): (.*)$', msg)
        if mh:
            k, v = mh.groups()
            if k == 'Message ID':
                hdr['msgid'] = int(v.split()[0])
            else:
                hdr['icookie' if k.startswith('initiator') else 'rcookie'] = v.replace(' ', '')
            continue
        if re.match(r'^\*\*(parse|emit) ISAKMP Message:$', msg):
            hdr = {'dir': 'in' if 'parse' in msg else 'out'}
            continue
        ic = hdr.get('icookie')
        sa = sas.setdefault(ic, {'icookie': ic, 'rcookie': None, 'prf': [], 'keymat': [],
                                 'decrypted': [], 'encrypted': [], 'psk': None,
                                 'initial_iv': None, 'hash_i_ok': False}) if ic else None
        if sa is not None and hdr.get('rcookie') and hdr['rcookie'] != '0' * 16:
            sa['rcookie'] = hdr['rcookie']
        mp = re.search(r'^(?P<label>.*?) ?PRF (?P<alg>\S+) (?P<op>init|update|final)(?P<rest>.*)$', msg)
        if mp and sa is not None:
            op = mp.group('op')
            if op == 'init':
                key = re.search(r' (\S+?)-key@', mp.group('rest'))
                prf = {'label': mp.group('label'), 'alg': mp.group('alg'),
                       'key': key.group(1) if key else None, 'inputs': [],
                       'msgid': hdr.get('msgid')}
            elif prf is not None and op == 'update':
                name = re.match(r' (\S+)', mp.group('rest'))
                prf['inputs'].append([name.group(1) if name else '', data.hex()])
            elif prf is not None and op == 'final':
                prf['output'] = data.hex()
                sa['prf'].append(prf)
                prf = None
            continue
        if msg == 'PreShared Key' and sa is not None:
            sa['psk'] = data.decode('utf-8', 'replace')
        elif msg.startswith('received message HASH_I data ok') and sa is not None:
            sa['hash_i_ok'] = True
        elif msg.startswith('new IV hash') and 'final' in msg and sa is not None:
            sa['initial_iv'] = data.hex()
        elif msg.startswith('*received'):
            pending = {'packet': data.hex()}
        elif msg.startswith('decrypting ') and pending is not None:
            pending['cipher'] = msg.rsplit(' ', 1)[1]
        elif msg == 'IV before:' and pending is not None:
            pending['iv'] = data.hex()
        elif msg.startswith('decrypted payload') and pending is not None and sa is not None:
            pending['plain'] = data.hex()
            pending['msgid'] = hdr.get('msgid')
            sa['decrypted'].append(pending)
            pending = None
        elif msg.startswith('calling NSS.ikev1_section_5_keymat') and sa is not None:
            keymat = {'msgid': hdr.get('msgid'), 'fields': []}
        elif keymat is not None and msg in ('SPI', 'Ni_b') or keymat is not None and msg.startswith('protocol: 0x'):
            if msg.startswith('protocol'):
                keymat['protocol'] = int(msg.split('0x')[1], 16)
            else:
                keymat['fields'].append(data.hex())
        elif keymat is not None and msg.startswith('NSS.ikev1_section_5_keymat() returns'):
            spi, ni, nr = (keymat['fields'] + [None] * 3)[:3]
            sa['keymat'].append({'msgid': keymat['msgid'], 'protocol': keymat.get('protocol'),
                                 'spi': spi, 'ni_b': ni, 'nr_b': nr, 'keymat': data.hex()})
            keymat = None
    return [s for s in sas.values() if s['prf'] or s['keymat'] or s['decrypted']]


def load_harvest_keys():
    spec = importlib.util.spec_from_file_location('harvest_keys', os.path.join(HERE, 'harvest-keys.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sections(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = f.read().splitlines()
    out = {}
    cur = None
    for ln in lines:
        if ln.startswith('## '):
            cur = ln[3:].strip()
            out[cur] = []
        elif cur is not None:
            out[cur].append(ln)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--charon-log')
    ap.add_argument('--pluto-log')
    ap.add_argument('--conf', action='append', default=[])
    ap.add_argument('--keys')
    ap.add_argument('--secrets')
    ap.add_argument('--name', default='')
    ap.add_argument('--json', metavar='LOG_SECRETS')
    a = ap.parse_args()

    if a.json:
        sec = sections(a.json)
        plines = next((v for k, v in sec.items() if k.startswith('pluto')), [])
        json.dump({'sas': parse_pluto(plines)}, sys.stdout, indent=1)
        print()
        return 0
    if not (a.charon_log and a.pluto_log and a.keys):
        ap.error('--charon-log, --pluto-log and --keys are needed')

    # The charon half: exactly what harvest-keys.py does for a charon log.
    hk = load_harvest_keys()
    with open(a.charon_log, encoding='utf-8', errors='replace') as f:
        side = hk.harvest(os.path.basename(a.charon_log), f.read().splitlines())
    with open(a.pluto_log, encoding='utf-8', errors='replace') as f:
        plines = f.read().splitlines()
    pluto = parse_pluto(plines)
    psks = hk.conf_secrets(a.conf)
    problems = []
    dh = {}
    for n, s in sorted(side.sas.items(), key=lambda kv: int(kv[0])):
        if s['icookie'] and s['dh']:
            dh[s['icookie']] = s['dh'][-1]
    for s in pluto:
        if s['icookie'] not in dh:
            problems.append(f'pluto SA {s["icookie"]}: no g^xy for it in {a.charon_log}')
        if s['psk'] is not None and s['psk'] not in psks:
            problems.append(f'pluto SA {s["icookie"]}: its PSK is not in the swanctl configs')

    with open(os.open(a.keys, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w', encoding='utf-8') as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(f'# {a.name}: ikecap keys harvested by tools/lab/harvest-pluto.py: g^xy from\n')
        f.write(f'# {os.path.basename(a.charon_log)} (charon ike 4; pluto never prints it), PSKs of the configs.\n')
        for p in psks:
            q = p.replace('\\', '\\\\').replace('"', '\\"')
            f.write(f'psk * "{q}"\n')
        for ic, g in dh.items():
            f.write(f'dh {ic} {g}\n')
    if a.secrets:
        with open(a.secrets, 'w', encoding='utf-8') as f:
            f.write(f'# {a.name}: secret dumps quoted verbatim from the charon log (g^xy, SKEYID*) and\n')
            f.write('# the pluto log (PSK, PRF inputs/outputs of HASH_I/HASH_R/HASH(n), KEYMAT, IVs, decryptions)\n')
            f.write(f'## {os.path.basename(a.charon_log)}\n')
            for line in side.quoted:
                f.write(line + '\n')
            f.write(f'## {os.path.basename(a.pluto_log)}\n')
            for _msg, _data, raw, _dbg in pluto_blocks(plines):
                for line in raw:
                    f.write(line + '\n')
    for p in problems:
        print(f'harvest-pluto: {p}', file=sys.stderr)
    print(f'harvest-pluto: {a.name}: {len(psks)} psk, {len(dh)} dh (charon), {len(pluto)} pluto SA(s), '
          f'{sum(len(s["prf"]) for s in pluto)} PRF blocks, {sum(len(s["keymat"]) for s in pluto)} KEYMAT '
          f'-> {a.keys}', file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
