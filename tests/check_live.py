#!/usr/bin/env python3
"""check_live.py - ikecap against real strongSwan peers (tools/lab/).

  tests/check_live.py                 check every committed captures/live/*.pcap
  tests/check_live.py --live [SCEN]   also run scenarios live (default
                                      mm-psk-aes256-sha256-g14 and
                                      fail-psk-mismatch) in network
                                      namespaces, as root, and check them

Committed captures: ikecap (-T json --print-keys, with NAME.keys) must decrypt
every encrypted IKE message with its HASH verified and every ESP packet, the
SKEYID/SKEYID_d/_a/_e it derives must equal the ones charon logged (quoted in
NAME.log-secrets.txt and re-harvested from there by tools/lab/harvest-keys.py),
NAME.keys must be what that file yields, and each failure scenario must be
reported as the failure it is (EXPECT below; values from charon's logs).
Live: the same on a fresh capture, against the full charon logs of the run.
Where namespaces or strongSwan are not available it prints
"check_live: SKIPPED: <reason>" and exits 0.  IKECAP= names the binary.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IKECAP = os.environ.get('IKECAP', os.path.join(TOP, 'ikecap'))
HARVEST = os.path.join(TOP, 'tools', 'lab', 'harvest-keys.py')
LAB = os.path.join(TOP, 'tools', 'lab', 'netns-lab.sh')

# ISAKMP notify types (RFC 2408 3.14.1, RFC 3706 for DPD).
NO_PROPOSAL_CHOSEN, PAYLOAD_MALFORMED, INVALID_ID_INFORMATION = 14, 16, 18
R_U_THERE, R_U_THERE_ACK = 36136, 36137

failures = []
passes = 0


def check(ok, what):
    global passes
    if ok:
        passes += 1
    else:
        failures.append(what)
        print(f'FAIL: {what}')


def ikecap_json(pcap, keys):
    cmd = [IKECAP, '--no-progress', '-T', 'json', '--print-keys', '-r', pcap]
    if keys:
        cmd[1:1] = ['-k', keys]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if p.returncode != 0:
        return None, p.stderr
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()], p.stderr


def harvested(logs, confs=()):
    """What harvest-keys.py finds in the logs (or a log-secrets file), and the key file it writes."""
    with tempfile.TemporaryDirectory() as td:
        kf = os.path.join(td, 'k.keys')
        cmd = [sys.executable, HARVEST, '--json', '--keys', kf]
        for lg in logs:
            cmd += ['--log', lg]
        for c in confs:
            cmd += ['--conf', c]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
        if p.returncode != 0:
            return None, None
        with open(kf, encoding='utf-8') as f:
            return json.loads(p.stdout), f.read()


def key_lines(text):
    return sorted(ln.split('#')[0].strip() for ln in text.splitlines()
                  if ln.strip().startswith('dh '))


def notifies(pkt):
    pl = (pkt.get('ikecap.plain') or {}).get('isakmp.payloads') or pkt.get('isakmp.payloads') or []
    return [p.get('isakmp.notify.msgtype') for p in pl if p.get('isakmp.typepayload') == 11]


def check_capture(name, pcap, keys, truth, scenario=None):
    """truth: harvest-keys --json output for this capture's charon logs."""
    recs, err = ikecap_json(pcap, keys)
    check(recs is not None, f'{name}: ikecap exits 0 ({(err or "").strip()[:200]})')
    if recs is None:
        return
    pkts = [r for r in recs if r['type'] == 'packet']
    sas = {r['isakmp.ispi']: r for r in recs if r['type'] == 'sa'}
    esps = [r for r in recs if r['type'] == 'esp_sa']
    stats = next((r for r in recs if r['type'] == 'stats'), {})
    enc = [p for p in pkts if p.get('isakmp.flag_e')]
    bad = [(p['ikecap.frame'], p.get('ikecap.msg'), p.get('ikecap.decrypt_status'), p.get('ikecap.hash'))
           for p in enc if p.get('ikecap.decrypt_status') != 'decrypted' or p.get('ikecap.hash') != 'verified']
    check(not bad, f'{name}: {len(enc)} encrypted IKE messages all decrypted, HASH verified (not: {bad[:5]})')
    check(stats.get('ikecap.esp_failed', 0) == 0 and stats.get('ikecap.esp_no_key', 0) == 0,
          f'{name}: every ESP packet decrypted ({stats.get("ikecap.esp_decrypted")} ok, '
          f'{stats.get("ikecap.esp_no_key")} without key, {stats.get("ikecap.esp_failed")} failed)')
    # SKEYID* ikecap derived == SKEYID* charon logged, for every SA charon keyed.
    names = (('SKEYID', 'ikecap.skeyid'), ('SKEYID_d', 'ikecap.skeyid_d'),
             ('SKEYID_a', 'ikecap.skeyid_a'), ('SKEYID_e', 'ikecap.skeyid_e'))
    for s in truth['sas']:
        if not s['keys'] or not s['icookie']:
            continue
        sa = sas.get(s['icookie'])
        sides = (sa or {}).get('ikecap.keys') or []
        logged = {k: s['keys'].get(k) for k, _ in names}
        match = any(all(side.get(f) == logged[k] for k, f in names) for side in sides)
        check(match, f'{name}: SA {s["icookie"]}: ikecap SKEYID/_d/_a/_e == {os.path.basename(s["log"])} '
                     f'SA {s["sa"]} (ikecap sides: {len(sides)})')
    codes = {r.get('code') for r in recs if r['type'] == 'diagnosis'}
    for code in DIAG_EXPECT.get(scenario or name, ()):
        check(code in codes, f'{name}: diagnosed {code} (findings: {sorted(c for c in codes if c)})')
    expect = EXPECT.get(scenario or name)
    if expect:
        for what, fn in expect:
            try:
                ok = bool(fn(pkts, sas, esps))
            except (KeyError, TypeError, StopIteration):
                ok = False
            check(ok, f'{name}: {what}')


def first_sa(sas):
    return next(iter(sas.values()))


def any_notify(pkts, t, encrypted=True):
    return any(t in notifies(p) for p in pkts if bool(p.get('isakmp.flag_e')) == encrypted)


# What each scenario is, in ikecap's terms; the facts come from charon's logs
# (e.g. fail-ts-mismatch, charon-b: "no matching CHILD_SA config found ...
# sending INVALID_ID_INFORMATION").
EXPECT = {
    'am-psk': [('Aggressive Mode (exchange 4)',
                lambda p, s, e: first_sa(s)['isakmp.exchangetype'] == 4)],
    'qm-pfs': [('Quick Mode with PFS group 14 keys the ESP SAs',
                lambda p, s, e: e and all(x.get('ikecap.esp_pfs_group') == 14 for x in e))],
    'natt': [('responder behind the NAT is 203.0.113.2',
              lambda p, s, e: first_sa(s)['ikecap.responder'] == '203.0.113.2' and first_sa(s)['ikecap.natt'])],
    'dpd': [('DPD R-U-THERE and R-U-THERE-ACK decrypted',
             lambda p, s, e: any_notify(p, R_U_THERE) and any_notify(p, R_U_THERE_ACK))],
    'rekey': [('IKE rekeyed (>= 2 IKE SAs, all keyed)',
               lambda p, s, e: len(s) >= 2 and all(x.get('ikecap.keys') for x in s.values())),
              ('CHILD_SA rekeyed (>= 2 Quick Modes on the first SA)',
               lambda p, s, e: max(x['ikecap.quick_modes'] for x in s.values()) >= 2)],
    'fail-psk-mismatch': [('diagnosed as a PSK mismatch, stuck in MM_WAIT_MSG6, PAYLOAD-MALFORMED',
                           lambda p, s, e: first_sa(s).get('ikecap.psk_mismatch')
                           and first_sa(s)['ikecap.state'] == 'MM_WAIT_MSG6'
                           and first_sa(s)['isakmp.notify.msgtype'] == PAYLOAD_MALFORMED),
                          ('MM5 retransmitted', lambda p, s, e: first_sa(s)['ikecap.retransmits'] >= 1)],
    'fail-no-proposal': [('MM_WAIT_MSG2 with an unencrypted NO-PROPOSAL-CHOSEN',
                          lambda p, s, e: first_sa(s)['ikecap.state'] == 'MM_WAIT_MSG2'
                          and first_sa(s)['isakmp.notify.msgtype'] == NO_PROPOSAL_CHOSEN
                          and any_notify(p, NO_PROPOSAL_CHOSEN, encrypted=False))],
    'fail-pfs-one-side': [('Quick Mode refused: encrypted NO-PROPOSAL-CHOSEN, no ESP SA',
                           lambda p, s, e: any_notify(p, NO_PROPOSAL_CHOSEN) and not e
                           and first_sa(s)['isakmp.notify.msgtype'] == NO_PROPOSAL_CHOSEN)],
    'fail-ts-mismatch': [('Quick Mode refused: encrypted INVALID-ID-INFORMATION, no ESP SA',
                          lambda p, s, e: any_notify(p, INVALID_ID_INFORMATION) and not e
                          and first_sa(s)['isakmp.notify.msgtype'] == INVALID_ID_INFORMATION)],
    'stale-sa': [('after the responder crashed: R-U-THERE decrypted, never acknowledged, the SA still QM_IDLE',
                  lambda p, s, e: any_notify(p, R_U_THERE) and not any_notify(p, R_U_THERE_ACK)
                  and first_sa(s)['ikecap.state'] == 'QM_IDLE')],
    'fail-unreachable': [('MM1 unanswered: MM_WAIT_MSG2, retransmitted, no responder cookie',
                          lambda p, s, e: first_sa(s)['ikecap.state'] == 'MM_WAIT_MSG2'
                          and first_sa(s)['ikecap.retransmits'] >= 2
                          and first_sa(s)['isakmp.rspi'] == '0' * 16)],
}


# The live runs of `make live`: one that comes up, one PSK mismatch.
LIVE_DEFAULT = ['mm-psk-aes256-sha256-g14', 'fail-psk-mismatch']
LIVE_UP = {'mm-psk-aes256-sha256-g14', 'mm-psk-3des-md5-g2', 'am-psk', 'natt', 'qm-pfs', 'dpd', 'rekey'}
# What ikecap -i must print live, in its text view (labels as in README).
LIVE_TEXT = {
    'mm-psk-aes256-sha256-g14': [('MM1-MM6 and QM1-QM3 labelled as they arrive',
                                  [' MM1 ', ' MM2 ', ' MM3 ', ' MM4 ', ' MM5 ', ' MM6 ', ' QM1 ', ' QM2 ', ' QM3 ']),
                                 ('the SA ends DELETED (the teardown DELETE decrypted) and its 2 ESP SAs are listed',
                                  ['Main DELETED', 'ESP SAs (2)'])],
    'fail-psk-mismatch': [('MM5 retransmitted, the SA stuck in MM_WAIT_MSG6', [' MM5 R1 ', 'MM_WAIT_MSG6']),
                          ('proven a PSK mismatch with the PSKs and g^xy harvested during the run',
                           ['[failure, proven] psk-mismatch', 'keys reloaded'])],
}


def live_decrypted(text, label):
    """A line of ikecap -i's text output for message `label` with its
    decrypted payloads ({ ... }), shown as it arrived or after a reload."""
    return any(f' {label} ' in ln and '{' in ln for ln in text.splitlines())



# Findings each scenario must produce (codes of docs/ikecap.1, DIAGNOSIS).
DIAG_EXPECT = {
    'stale-sa': ['dead-peer'],
    'fail-psk-mismatch': ['psk-mismatch'],
    'fail-no-proposal': ['no-proposal-chosen'],
    'fail-unreachable': ['no-response'],
}


def committed():
    caps = sorted(glob.glob(os.path.join(TOP, 'captures', 'live', '*.pcap')))
    check(len(caps) > 0, 'captures/live has captures')
    for pcap in caps:
        base = pcap[:-5]
        name = os.path.basename(base)
        keys, secrets = base + '.keys', base + '.log-secrets.txt'
        check(os.path.exists(keys) and os.path.exists(secrets), f'{name}: .keys and .log-secrets.txt beside it')
        if not os.path.exists(secrets):
            continue
        truth, kfile = harvested([secrets])
        check(truth is not None, f'{name}: harvest-keys reads {os.path.basename(secrets)}')
        if truth is None:
            continue
        with open(keys, encoding='utf-8') as f:
            check(key_lines(f.read()) == key_lines(kfile), f'{name}: NAME.keys dh lines == harvested from the log secrets')
        check_capture(name, pcap, keys, truth)
    check(set(EXPECT) <= {os.path.basename(c)[:-5] for c in caps}, 'every scenario in EXPECT has a capture')


class Skip(Exception):
    pass


def skip(reason):
    raise Skip(reason)


def live(scenarios):
    if os.geteuid() != 0:
        skip('not root (network namespaces need root)')
    if not shutil.which('ip'):
        skip('no ip(8)')
    probe = subprocess.run(['ip', 'netns', 'add', 'ikc-probe'], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        skip(f'ip netns does not work here: {probe.stderr.strip()}')
    subprocess.run(['ip', 'netns', 'del', 'ikc-probe'], check=False)
    if not os.path.exists('/usr/lib/ipsec/charon') and not shutil.which('apt-get'):
        skip('strongSwan charon not installed and no apt-get')
    for scen in scenarios:
        out = tempfile.mkdtemp(prefix='ikc-live-')
        p = subprocess.run(['bash', LAB, '-o', out, '-I', IKECAP, scen], capture_output=True, text=True,
                           timeout=300, check=False)
        sys.stdout.write(''.join(ln + '\n' for ln in p.stderr.splitlines() if ln.startswith('netns-lab:')))
        d = os.path.join(out, scen)
        if p.returncode != 0 and 'installing' in p.stderr and not os.path.exists('/usr/lib/ipsec/charon'):
            skip(f'strongSwan could not be installed: {p.stderr.strip()[-200:]}')
        check(p.returncode == 0, f'live {scen}: netns-lab.sh ran (exit {p.returncode})')
        pcap = os.path.join(d, 'capture.pcap')
        if not os.path.exists(pcap):
            continue
        truth, _ = harvested([os.path.join(d, 'charon-a.log'), os.path.join(d, 'charon-b.log')])
        check(truth is not None and any(s['keys'] for s in truth['sas']), f'live {scen}: charon logged keys')
        if truth is None:
            continue
        check_capture(f'live {scen}', pcap, os.path.join(d, scen + '.keys'), truth, scen)
        recs, _ = ikecap_json(pcap, os.path.join(d, scen + '.keys'))
        msgs = [r.get('ikecap.msg') for r in recs or [] if r['type'] == 'packet']
        dec = {r.get('ikecap.msg') for r in recs or [] if r.get('ikecap.decrypt_status') == 'decrypted'}
        if scen in LIVE_UP:
            check({'MM5', 'MM6', 'QM1', 'QM2', 'QM3'} <= dec, f'live {scen}: MM5, MM6, QM1-3 decrypted ({sorted(dec)})')
            nesp = sum(1 for r in recs or [] if r.get('ikecap.esp_decrypted'))
            check(nesp >= 2, f'live {scen}: ESP decrypted ({nesp} packets)')
        # What ikecap -i printed live beside tcpdump (no keys: it sees what an
        # operator sees before harvesting them), stopped by SIGINT.
        lv = os.path.join(d, 'ikecap-live.txt')
        text = open(lv, encoding='utf-8', errors='replace').read() if os.path.exists(lv) else ''
        check('packets received by filter' in text and 'IKE SAs (1):' in text,
              f'live {scen}: ikecap -i stopped by SIGINT with capture statistics and its summary')
        for what, needles in LIVE_TEXT.get(scen, ()):
            check(all(n in text for n in needles), f'live {scen}: ikecap -i output: {what}')
        if scen in LIVE_UP:
            # ikecap -i read live.keys, rewritten from charon's logs during the
            # run (netns-lab.sh): the exchange and the ESP after it decrypt live.
            for label in ('MM5', 'MM6', 'QM1', 'QM2', 'QM3'):
                check(live_decrypted(text, label), f'live {scen}: ikecap -i decrypted {label} with the keys '
                                                   f'harvested during the run')
            nesp = sum(1 for ln in text.splitlines() if ' ESP spi ' in ln and '{' in ln)
            check(nesp >= 1, f'live {scen}: ikecap -i decrypted ESP live ({nesp} packets)')
            # ESP that went by before the keys is decrypted at the reload too.
            summ = next((ln for ln in text.splitlines() if ln.startswith('ESP: ')), '')
            check(', 0 without a key, 0 failed' in summ and not summ.startswith('ESP: 0 '),
                  f'live {scen}: every ESP packet decrypted by the end of the live run ({summ!r})')
        shutil.rmtree(out, ignore_errors=True)


def main():
    args = sys.argv[1:]
    if not os.access(IKECAP, os.X_OK):
        print(f'check_live: FAIL: no ikecap binary at {IKECAP}')
        return 1
    committed()
    if args and args[0] == '--live':
        try:
            live(args[1:] or LIVE_DEFAULT)
        except Skip as e:
            # Not a pass: the live half did not run (the committed captures did).
            print(f'check_live: SKIPPED: {e}')
    print(f'check_live: {passes} passed, {len(failures)} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
