#!/usr/bin/env python3
"""check-journal-fields.py: the journal fields and MESSAGE_IDs that the docs,
the message catalog and the example log pipeline and alert rules name are
ones phcbrokerd emits, for the kind they name them for.

  check-journal-fields.py [--capture FILE] SRCDIR

What the daemon emits comes from its sources: the IDs of src/log_events.h,
and for each log_event() call the log_fields_add() keys since the
log_fields_init() before it. With --capture (journal_capture.py's output of
tests/integration/journal-events.sh, which provokes every kind) the
captured entries are the authority instead, and must agree with the
sources. Checked:
  systemd/phcbroker.catalog  an entry per ID and none other; its @FIELD@s
                             are the kind's
  doc/examples/*             IDs known; each alert rule's fields belong to
                             the kinds of the IDs it names; every PHCB_
                             field (any case) is emitted
  doc/observability.md       its table of events: a row per ID, listing
                             exactly the kind's own fields
  doc/phcbrokerd.8           every ID, no other; fields emitted
Exit status 0 when all holds, 1 otherwise.
"""
import glob
import json
import os
import re
import sys

# What log_event_compose() sends with every event (PHCB_SOURCE when the
# call names a source).
STANDARD = {"MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "MESSAGE_ID", "PHCB_EVENT"}
ID_RE = re.compile(r"\b[0-9a-f]{32}\b")
FIELD_RE = re.compile(r"(?<![A-Za-z0-9])(?:PHCB|phcb)_[A-Za-z0-9_]*[A-Za-z0-9]")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def kinds_from_header(srcdir):
    """{KIND: id} from the #defines of src/log_events.h."""
    text = read(os.path.join(srcdir, "src", "log_events.h"))
    return dict(re.findall(r'#define LOG_EVENT_ID_([A-Z0-9_]+) "([0-9a-f]{32})"', text))


def fields_from_sources(srcdir):
    """{KIND: set of fields} from the log_event() calls of src/ and drivers/."""
    out = {}
    files = glob.glob(os.path.join(srcdir, "src", "*.c")) + glob.glob(os.path.join(srcdir, "drivers", "*.c"))
    for path in sorted(files):
        if os.path.basename(path) in ("log.c", "log_events.c"):
            continue
        text = read(path)
        for call in re.finditer(r"\blog_event\(\s*[^,]+,\s*LOG_EVENT_([A-Z0-9_]+),\s*([^,]+),", text):
            kind, source = call.group(1), call.group(2).strip()
            start = text.rfind("log_fields_init(", 0, call.start())
            keys = set(re.findall(r'log_fields_add\(\s*&?\w+,\s*"([A-Z0-9_]+)"', text[max(start, 0):call.start()]))
            fields = out.setdefault(kind, set(STANDARD))
            fields |= keys
            if source != "NULL":
                fields.add("PHCB_SOURCE")
    return out


def fields_from_capture(path, ids):
    """{KIND: set of fields} seen in a journal_capture.py file."""
    by_id = {v: k for k, v in ids.items()}
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            entry = json.loads(line)
            for msgid in entry.get("MESSAGE_ID", []):
                if msgid in by_id:
                    out.setdefault(by_id[msgid], set()).update(entry)
    return out


def check_catalog(srcdir, ids, emitted, problems):
    path = os.path.join(srcdir, "systemd", "phcbroker.catalog")
    by_id = {v: k for k, v in ids.items()}
    seen = set()
    for entry in re.split(r"^-- ", read(path), flags=re.M)[1:]:
        head, _, _ = entry.partition("\n")
        msgid = head.strip()
        kind = by_id.get(msgid)
        if not kind:
            problems.append("catalog: entry %s is no MESSAGE_ID of src/log_events.h" % msgid)
            continue
        seen.add(msgid)
        for need in ("Subject: ", "Defined-By: phcbroker\n"):
            if need not in entry:
                problems.append("catalog: entry %s (%s) has no %r" % (msgid, kind, need.strip()))
        for field in re.findall(r"@([A-Za-z0-9_]+)@", entry):
            if field not in emitted.get(kind, ()):
                problems.append("catalog: entry %s uses @%s@, which %s does not carry" % (kind, field, kind))
    for kind, msgid in ids.items():
        if msgid not in seen:
            problems.append("catalog: no entry for %s (%s)" % (kind, msgid))


def check_examples(srcdir, ids, emitted, problems):
    by_id = {v: k for k, v in ids.items()}
    every = set().union(*emitted.values()) if emitted else set()
    files = sorted(glob.glob(os.path.join(srcdir, "doc", "examples", "*")))
    if not files:
        problems.append("doc/examples: no example files")
    for path in files:
        name = os.path.relpath(path, srcdir)
        text = read(path)
        for msgid in set(ID_RE.findall(text)):
            if msgid not in by_id:
                problems.append("%s: %s is no MESSAGE_ID of src/log_events.h" % (name, msgid))
        for field in set(FIELD_RE.findall(text)):
            if field.upper() not in every:
                problems.append("%s: field %s is not one phcbrokerd emits" % (name, field))
        # an alert rule's fields must belong to the kinds it selects by ID
        for rule in re.split(r"^\s*- alert:", text, flags=re.M)[1:]:
            kinds = sorted(set(by_id[m] for m in ID_RE.findall(rule) if m in by_id))
            if not kinds:
                continue
            allowed = set().union(*(emitted.get(k, set()) for k in kinds))
            for field in set(FIELD_RE.findall(rule)):
                if field.upper() not in allowed:
                    problems.append("%s: rule '%s' uses %s, which %s does not carry"
                                    % (name, rule.split("\n")[0].strip(), field, "/".join(kinds)))


def check_doc(srcdir, ids, emitted, problems):
    text = read(os.path.join(srcdir, "doc", "observability.md"))
    by_id = {v: k for k, v in ids.items()}
    _, _, section = text.partition("\n## Journal events")
    if not section:
        problems.append("doc/observability.md: no '## Journal events' section")
        return
    rows = {}
    for line in section.splitlines():
        found = ID_RE.findall(line) if line.startswith("|") else []
        for msgid in found:
            rows[msgid] = set(f.upper() for f in FIELD_RE.findall(line))
    for msgid in rows:
        if msgid not in by_id:
            problems.append("doc/observability.md: %s is no MESSAGE_ID of src/log_events.h" % msgid)
    for kind, msgid in ids.items():
        if msgid not in rows:
            problems.append("doc/observability.md: no row for %s (%s)" % (kind, msgid))
            continue
        own = emitted.get(kind, set()) - STANDARD - {"PHCB_SOURCE"}
        listed = rows[msgid] - {"PHCB_SOURCE"}
        if listed != own:
            problems.append("doc/observability.md: row of %s lists %s, the daemon sends %s"
                            % (kind, sorted(listed), sorted(own)))


def check_man(srcdir, ids, emitted, problems):
    text = read(os.path.join(srcdir, "doc", "phcbrokerd.8"))
    known = set(ids.values())
    every = set().union(*emitted.values()) if emitted else set()
    for msgid in set(ID_RE.findall(text)) - known:
        problems.append("doc/phcbrokerd.8: %s is no MESSAGE_ID of src/log_events.h" % msgid)
    for kind, msgid in ids.items():
        if msgid not in text:
            problems.append("doc/phcbrokerd.8: %s (%s) not in JOURNAL" % (kind, msgid))
    for field in set(FIELD_RE.findall(text)):
        if field.upper() not in every:
            problems.append("doc/phcbrokerd.8: field %s is not one phcbrokerd emits" % field)


def main(argv):
    capture = None
    if len(argv) >= 2 and argv[0] == "--capture":
        capture, argv = argv[1], argv[2:]
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    srcdir = argv[0]
    problems = []
    ids = kinds_from_header(srcdir)
    if not ids:
        problems.append("src/log_events.h: no LOG_EVENT_ID_ defines")
    if len(set(ids.values())) != len(ids):
        problems.append("src/log_events.h: an ID is used twice")
    emitted = fields_from_sources(srcdir)
    for kind in ids:
        if kind not in emitted:
            problems.append("src: no log_event() call emits %s" % kind)
    for kind in emitted:
        if kind not in ids:
            problems.append("src: log_event() of LOG_EVENT_%s, which has no ID" % kind)
    how = "sources"
    if capture:
        seen = fields_from_capture(capture, ids)
        for kind in ids:
            if kind not in seen:
                problems.append("capture: no %s event" % kind)
            elif not emitted.get(kind, set()) <= seen[kind]:
                problems.append("capture: %s lacks %s, which the sources add"
                                % (kind, sorted(emitted[kind] - seen[kind])))
        emitted, how = seen, "capture"
    check_catalog(srcdir, ids, emitted, problems)
    check_examples(srcdir, ids, emitted, problems)
    check_doc(srcdir, ids, emitted, problems)
    check_man(srcdir, ids, emitted, problems)
    for p in problems:
        print("FAIL:", p)
    n_fields = len(set().union(*emitted.values())) if emitted else 0
    print("check-journal-fields: %d kinds, %d fields (from the %s), %d problems"
          % (len(ids), n_fields, how, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
