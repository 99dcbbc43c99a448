#!/usr/bin/env python3
"""Schema stability: the records ikecap writes are the ones docs/schema.md defines.

The oracle is the written schema, docs/schema.md (its "Field tables": one table
per record type and nested object, `field | type | presence`), not ikecap's
output.  The check:

  1. parses the tables into object -> field -> type (and which fields are
     marked "conditional");
  2. compares that with tests/golden/schema-fields.txt, the sorted list of
     "object field type" lines, so any schema change shows as a diff in review
     (regenerate with --write-golden after changing the doc on purpose);
  3. runs `ikecap -T json` over every capture in captures/ (and
     ../shared/{corpus,lab} when present), with keys where a capture has
     NAME.keys (shared lab: keys/), once plain and once with --print-keys
     --show-secrets, and fails on
       - a record whose first line is not type "meta" with "ikecap.schema": 1,
       - a record type or nested object field the doc does not list,
       - a value whose JSON type is not the documented one,
       - a documented field no capture emits, unless marked conditional
         (listed as "documented-but-unseen").

Usage: check_schema.py [--write-golden] [--doc FILE]  (env IKECAP, default ./ikecap)
Last line: "schema: N records checked, M problems".  Exit 1 on any problem.
"""
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
IKECAP = os.environ.get("IKECAP", os.path.join(ROOT, "ikecap"))
DOC = os.path.join(ROOT, "docs", "schema.md")
GOLDEN = os.path.join(ROOT, "tests", "golden", "schema-fields.txt")
RECORD_TYPES = ("meta", "packet", "sa", "gdoi_group", "esp_sa", "diagnosis", "psk_audit", "stats")
SCHEMA_VERSION = 1

HEADING = re.compile(r"^### `([a-z0-9_]+)`\s*$")
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([a-z0-9_<>|]+)\s*\|\s*(.*?)\s*\|\s*$")
TYPE = re.compile(r"^(uint|bool|text|hex|secret|list<(uint|text|hex|[a-z0-9_]+)>|map<[a-z0-9_]+>)$")
HEX = re.compile(r"^[0-9a-f]*$")
MASKED = "********"


def parse_doc(path):
    """object -> {field: (type, conditional)}; raises ValueError on a bad table."""
    schema, cur = {}, None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = HEADING.match(line)
            if m:
                cur = schema.setdefault(m.group(1), {})
                continue
            if cur is None or not line.startswith("|"):
                if line.startswith("#"):
                    cur = None
                continue
            if line.startswith("| field") or line.startswith("|---"):
                continue
            m = ROW.match(line)
            if not m:
                raise ValueError("%s:%d: not a `field | type | presence` row: %s" % (path, n, line))
            field, typ, presence = m.groups()
            if not TYPE.match(typ):
                raise ValueError("%s:%d: unknown type %r" % (path, n, typ))
            if field in cur:
                raise ValueError("%s:%d: %s listed twice" % (path, n, field))
            cur[field] = (typ, presence.startswith("conditional"))
    for obj, fields in schema.items():
        for field, (typ, _) in fields.items():
            m = re.match(r"^(list|map)<([a-z0-9_]+)>$", typ)
            if m and m.group(2) not in ("uint", "text", "hex") and m.group(2) not in schema:
                raise ValueError("%s.%s: type %s names no table" % (obj, field, typ))
    for rt in RECORD_TYPES:
        if rt not in schema:
            raise ValueError("record type %s has no table" % rt)
    return schema


def golden_lines(schema):
    return sorted("%s %s %s" % (o, f, t) for o, fs in schema.items() for f, (t, _) in fs.items())


class Checker:
    def __init__(self, schema):
        self.schema = schema
        self.seen = set()
        self.problems = {}  # message -> [count, first place]
        self.records = 0

    def bad(self, where, msg):
        """One line per distinct problem, with a count and the first place seen."""
        p = self.problems.setdefault(msg, [0, where])
        p[0] += 1

    def value(self, where, obj, field, typ, v):
        if typ == "uint":
            ok = isinstance(v, int) and not isinstance(v, bool) and v >= 0
        elif typ == "bool":
            ok = isinstance(v, bool)
        elif typ == "text":
            ok = isinstance(v, str)
        elif typ == "hex":
            ok = isinstance(v, str) and HEX.match(v) is not None and len(v) % 2 == 0
        elif typ == "secret":
            ok = isinstance(v, str) and (v == MASKED or (HEX.match(v) is not None and len(v) % 2 == 0))
        elif typ.startswith("list<"):
            inner = typ[5:-1]
            if not isinstance(v, list):
                ok = False
            else:
                for i, x in enumerate(v):
                    if inner in ("uint", "text", "hex"):
                        self.value("%s[%d]" % (where, i), obj, field, inner, x)
                    else:
                        self.obj("%s[%d]" % (where, i), inner, x)
                return
        elif typ.startswith("map<"):
            if not isinstance(v, dict):
                ok = False
            else:
                self.obj(where, typ[4:-1], v)
                return
        else:
            ok = False
        if not ok:
            self.bad("%s (value %s)" % (where, json.dumps(v)[:60]),
                     "%s %s is not %s as documented" % (obj, field, typ))

    def obj(self, where, obj, d):
        if not isinstance(d, dict):
            self.bad(where, "%s is not an object" % obj)
            return
        fields = self.schema[obj]
        for k, v in d.items():
            if k not in fields:
                self.bad(where, "field %s in %s is not documented in docs/schema.md" % (k, obj))
                continue
            self.seen.add((obj, k))
            self.value(where + "/" + k, obj, k, fields[k][0], v)

    def run(self, name, out):
        lines = [x for x in out.splitlines() if x.strip()]
        if not lines:
            self.bad(name, "no records")
            return
        for n, line in enumerate(lines, 1):
            where = "%s line %d" % (name, n)
            try:
                rec = json.loads(line)
            except ValueError as e:
                self.bad(where, "not JSON: %s" % e)
                continue
            self.records += 1
            if n == 1 and (rec.get("type") != "meta" or rec.get("ikecap.schema") != SCHEMA_VERSION
                           or isinstance(rec.get("ikecap.schema"), bool)):
                self.bad(where, 'first record lacks "type": "meta", "ikecap.schema": %d' % SCHEMA_VERSION)
            rt = rec.get("type")
            if rt not in RECORD_TYPES:
                self.bad(where, "record type %r is not documented" % (rt,))
                continue
            self.obj(where, rt, rec)

    def unseen(self):
        return sorted((o, f) for o, fs in self.schema.items() for f, (_, cond) in fs.items()
                      if not cond and (o, f) not in self.seen)


def captures():
    """(display name, path, [key files])"""
    out = []
    for p in sorted(glob.glob(os.path.join(ROOT, "captures", "**", "*"), recursive=True)):
        if not re.search(r"\.(pcap|pcapng|cap)$", p) or os.sep + "regress" + os.sep in p:
            continue
        k = re.sub(r"\.[a-z]+$", ".keys", p)
        out.append((os.path.relpath(p, ROOT), p, [k] if os.path.exists(k) else []))
    if os.path.isdir(SHARED):
        for sub in ("corpus", "lab"):
            for p in sorted(glob.glob(os.path.join(SHARED, sub, "**", "*"), recursive=True)):
                if os.path.isfile(p) and re.search(r"\.(pcap|pcapng|cap)$", p):
                    k = os.path.join(os.path.dirname(p), "keys")
                    keys = [k] if sub == "lab" and os.path.isdir(k) else []
                    out.append((os.path.relpath(p, SHARED), p, keys))
    else:
        print("SKIPPED ../shared: not found (only captures/ is checked)")
    return out


def main(argv):
    global DOC
    write = "--write-golden" in argv
    if "--doc" in argv:
        DOC = argv[argv.index("--doc") + 1]
    try:
        schema = parse_doc(DOC)
    except (OSError, ValueError) as e:
        print("FAIL: %s" % e)
        return 1
    lines = golden_lines(schema)
    if write:
        os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
        with open(GOLDEN, "w") as f:
            f.write("\n".join(lines) + "\n")
        print("wrote %s (%d fields)" % (GOLDEN, len(lines)))
        return 0
    problems = 0
    try:
        with open(GOLDEN) as f:
            gold = [x for x in f.read().splitlines() if x]
    except OSError as e:
        print("FAIL: %s" % e)
        return 1
    if gold != lines:
        gs, ls = set(gold), set(lines)
        for x in sorted(gs - ls):
            print("FAIL: in %s, not in the doc: %s" % (os.path.relpath(GOLDEN, ROOT), x))
        for x in sorted(ls - gs):
            print("FAIL: in the doc, not in %s: %s" % (os.path.relpath(GOLDEN, ROOT), x))
        if gs == ls:
            print("FAIL: %s is not sorted" % os.path.relpath(GOLDEN, ROOT))
        problems += 1
    if not os.access(IKECAP, os.X_OK):
        print("FAIL: ikecap not found at %s (set IKECAP)" % IKECAP)
        return 1
    chk = Checker(schema)
    caps = captures()
    for name, path, keys in caps:
        kargs = sum((["-k", k] for k in keys), [])
        runs = [[]] + ([["--print-keys", "--show-secrets"]] if keys else [])
        for extra in runs:
            cmd = [IKECAP, "--no-progress", "-T", "json"] + kargs + extra + ["-r", path]
            label = name + (" " + " ".join(extra) if extra else "")
            try:
                p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
            except (OSError, subprocess.SubprocessError) as e:
                chk.bad(label, "ikecap did not run: %s" % e)
                continue
            if p.returncode != 0:
                chk.bad(label, "ikecap exit %d" % p.returncode)
            chk.run(label, p.stdout.decode("utf-8", "replace"))
    for msg, (count, where) in sorted(chk.problems.items()):
        print("FAIL: %s (%d times; first: %s)" % (msg, count, where))
    unseen = chk.unseen()
    # captures/ alone (a user's clone) emits every documented field: the
    # odd ones come from the small public captures copied there.
    for o, f in unseen:
        print("FAIL: documented-but-unseen (no capture emits it; mark it conditional if that is expected): %s %s"
              % (o, f))
    problems += len(chk.problems) + len(unseen)
    print("schema: %d captures, %d records checked against %d documented fields, %d problems"
          % (len(caps), chk.records, len(lines), problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
