#!/usr/bin/env python3
"""harvest-keys.py - ikecap key file and secret dumps from strongSwan charon logs.

  harvest-keys.py --log charon-a.log [--log charon-b.log] [--conf swanctl.conf ...]
                  (a log-secrets.txt written by this script works as --log too)
                  --keys NAME.keys [--secrets log-secrets.txt] [--name NAME]
                  [--json]

charon at `ike 4` / `chd 4` dumps every secret it derives as

  DATE TIME TT[IKE] <conn|N> shared Diffie Hellman secret => 128 bytes @ 0x...
  DATE TIME TT[IKE] <conn|N>    0: CC 44 8F B1 ...  ascii
  DATE TIME TT[CHD] <conn|N> DH secret => 256 bytes @ 0x...      (PFS Quick Mode)

"<conn|N>" (or "<N>" before the responder has picked a config) names charon's IKE SA N, not its cookies.  With `enc 3` the header
of every message charon generates for that SA is dumped too ("generating rule
0 IKE_SPI" => 8 bytes): rule 0 of an ISAKMP header is the initiator cookie, so
the first such dump inside <conn|N> gives SA N's initiator cookie (and rule 1,
once non-zero, its responder cookie).  A PFS Quick Mode's g^xy is logged by the
thread that has just parsed or generated that Quick Mode ("QUICK_MODE request
4072807258"), which gives the message id.

Writes: `psk * "secret"` for every distinct secret of the swanctl configs,
`dh <icookie> <g^xy>` per IKE SA and `dh <icookie>:<msgid> <g^xy>` per PFS
Quick Mode (first peer's log wins; the other peer's value is cross-checked),
and the secret dumps quoted verbatim (with the IKE_SPI header dumps and Quick
Mode lines that tie them to cookies and message ids, so that file alone is
enough to harvest the keys again).  --json prints what was found per SA
(SKEYID, SKEYID_d/a/e, Ka per side) for tests.
"""
import argparse
import json
import os
import re
import sys

LINE = re.compile(r'^(?P<ts>\S+ \S+) (?P<thr>\d+)\[(?P<grp>[A-Z]+)\] '
                  r'(?:<(?:(?P<conn>[^|>]*)\|)?(?P<sa>\d+)> )?(?P<msg>.*)$')
DUMP_HEAD = re.compile(r'^(?P<label>.*?)\s*=> (?P<n>\d+) bytes @ 0x[0-9a-fA-F]+$')
DUMP_LINE = re.compile(r'^\s*(?P<off>\d+): (?P<hex>(?:[0-9A-F]{2} )*[0-9A-F]{2})')
QM_MID = re.compile(r'(?:parsed|generating) QUICK_MODE (?:request|response) (\d+) ')
RULE_SPI = re.compile(r'^\s*(?:generating|parsing) rule ([01]) IKE_SPI$')
SECRET = re.compile(r'^\s*secret\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(\S+))')

SECRET_LABELS = ('shared Diffie Hellman secret', 'DH secret', 'SKEYID', 'SKEYID_d',
                 'SKEYID_a', 'SKEYID_e', 'encryption key Ka', 'initial IV',
                 'initiator SA seed', 'responder SA seed', 'encryption initiator key',
                 'encryption responder key', 'integrity initiator key',
                 'integrity responder key')


def is_secret_label(label):
    return label in SECRET_LABELS or label.startswith('next IV for MID ')


def read_sides(path):
    """A charon log is one side; a log-secrets file written by this script
    holds one section per log, each opened by '## NAME'."""
    with open(path, encoding='utf-8', errors='replace') as f:
        lines = f.read().splitlines()
    if not any(ln.startswith('## ') for ln in lines):
        return [(path, lines)]
    sides = []
    for ln in lines:
        if ln.startswith('## '):
            sides.append((ln[3:].strip(), []))
        elif sides:
            sides[-1][1].append(ln)
    return sides


def parse_log(lines):
    """Yield (parsed line dict, dump bytes or None, raw lines of the dump)."""
    i = 0
    while i < len(lines):
        m = LINE.match(lines[i])
        if not m:
            i += 1
            continue
        d = m.groupdict()
        h = DUMP_HEAD.match(d['msg'].strip())
        if not h:
            yield d, None, [lines[i]]
            i += 1
            continue
        need = int(h.group('n'))
        data = bytearray()
        raw = [lines[i]]
        j = i + 1
        while len(data) < need and j < len(lines):
            mj = LINE.match(lines[j])
            if not mj or mj.group('thr') != d['thr']:
                break
            dl = DUMP_LINE.match(mj.group('msg'))
            if not dl:
                break
            vals = bytes.fromhex(dl.group('hex'))[:16]
            data += vals[:need - len(data)]
            raw.append(lines[j])
            j += 1
        d['label'] = h.group('label').strip()
        yield d, bytes(data), raw
        i = j


class Side:
    def __init__(self, path):
        self.path = path
        self.sas = {}        # charon SA number -> {'icookie','rcookie','dh','keys','qm':{mid:g}}
        self.quoted = []     # secret dump lines, verbatim

    def sa(self, n):
        return self.sas.setdefault(n, {'icookie': None, 'rcookie': None, 'dh': [],
                                       'keys': {}, 'qm': {}})


def harvest(name, lines):
    side = Side(name)
    pending_rule = {}        # thread -> (sa, rule number, rule line) of the IKE_SPI dump that follows
    last_qm = {}             # (thread, sa) -> last Quick Mode message id
    for d, data, raw in parse_log(lines):
        thr, san = d['thr'], d['sa']
        if data is None:
            r = RULE_SPI.match(d['msg'])
            if r and san is not None:
                pending_rule[thr] = (san, int(r.group(1)), raw[0])
            elif thr in pending_rule and 'rule' in d['msg']:
                pending_rule.pop(thr, None)
            q = QM_MID.search(d['msg'] + ' ')
            if q and san is not None:
                last_qm[(thr, san)] = int(q.group(1))
                side.quoted.extend(raw)     # names the Quick Mode of a "DH secret" below
            continue
        label = d['label']
        if label == '' and thr in pending_rule:
            # "   => 8 bytes @ ..." right after "generating rule N IKE_SPI"
            n, rule, rule_line = pending_rule.pop(thr)
            if len(data) == 8 and n == san:
                s = side.sa(n)
                key = 'icookie' if rule == 0 else 'rcookie'
                if s[key] is None and data != bytes(8):
                    s[key] = data.hex()
                    side.quoted.append(rule_line)   # quoted: ties <conn|N> to its cookies
                    side.quoted.extend(raw)
            continue
        if san is None or not is_secret_label(label):
            continue
        side.quoted.extend(raw)
        s = side.sa(san)
        if label == 'shared Diffie Hellman secret':
            s['dh'].append(data.hex())
            s['keys'] = {}
        elif label == 'DH secret':
            mid = last_qm.get((thr, san))
            if mid is not None:
                s['qm'][mid] = data.hex()
        elif label in ('SKEYID', 'SKEYID_d', 'SKEYID_a', 'SKEYID_e', 'encryption key Ka',
                       'initial IV'):
            s['keys'].setdefault(label, data.hex())
    return side


def conf_secrets(paths):
    out = []
    for p in paths:
        with open(p, encoding='utf-8') as f:
            for line in f:
                m = SECRET.match(line)
                if m:
                    v = m.group(1) if m.group(1) is not None else m.group(2)
                    v = re.sub(r'\\(.)', r'\1', v)
                    if v not in out:
                        out.append(v)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--log', action='append', required=True)
    ap.add_argument('--conf', action='append', default=[])
    ap.add_argument('--keys', required=True)
    ap.add_argument('--secrets')
    ap.add_argument('--name', default='')
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()

    sides = [harvest(n, ls) for p in a.log for n, ls in read_sides(p)]
    psks = conf_secrets(a.conf)
    dh = {}        # icookie -> g^xy
    qm = {}        # (icookie, mid) -> g^xy
    problems = []
    for side in sides:
        for n, s in sorted(side.sas.items(), key=lambda kv: int(kv[0])):
            ic = s['icookie']
            if ic is None:
                if s['dh'] or s['qm']:
                    problems.append(f'{side.path}: SA {n}: secrets but no cookie')
                continue
            for g in s['dh'][-1:]:
                if ic in dh and dh[ic] != g:
                    problems.append(f'{ic}: the two logs disagree on g^xy')
                dh.setdefault(ic, g)
            for mid, g in s['qm'].items():
                if (ic, mid) in qm and qm[(ic, mid)] != g:
                    problems.append(f'{ic}:{mid:08x}: the two logs disagree on the QM g^xy')
                qm.setdefault((ic, mid), g)

    # Key files are secrets: ikecap warns about one readable by others.
    with open(os.open(a.keys, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w',
              encoding='utf-8') as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(f'# {a.name}: ikecap keys harvested by tools/lab/harvest-keys.py from\n')
        f.write('# ' + ', '.join(p.rsplit('/', 1)[-1] for p in a.log) +
                ' (charon ike/chd level 4) and the PSKs of the swanctl configs.\n')
        for p in psks:
            q = p.replace('\\', '\\\\').replace('"', '\\"')
            f.write(f'psk * "{q}"\n')
        for ic, g in dh.items():
            f.write(f'dh {ic} {g}\n')
        for (ic, mid), g in qm.items():
            f.write(f'dh {ic}:{mid:08x} {g}\n')
    if a.secrets:
        with open(a.secrets, 'w', encoding='utf-8') as f:
            f.write(f'# {a.name}: every secret dump quoted verbatim from the charon logs\n')
            for side in sides:
                f.write(f'## {side.path.rsplit("/", 1)[-1]}\n')
                for line in side.quoted:
                    f.write(line + '\n')
    if a.json:
        rep = []
        for side in sides:
            for n, s in side.sas.items():
                rep.append({'log': side.path, 'sa': int(n), 'icookie': s['icookie'],
                            'rcookie': s['rcookie'], 'keys': s['keys'],
                            'qm': {f'{m:08x}': g for m, g in s['qm'].items()}})
        json.dump({'sas': rep, 'psks': len(psks), 'problems': problems}, sys.stdout, indent=1)
        print()
    for p in problems:
        print(f'harvest-keys: {p}', file=sys.stderr)
    print(f'harvest-keys: {a.name}: {len(psks)} psk, {len(dh)} dh, {len(qm)} qm dh -> {a.keys}',
          file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
