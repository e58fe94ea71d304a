#!/usr/bin/env python3
"""journal_capture.py: stand-in for journald's native socket, and checks of
what it captured (tests/integration/journal-events.sh).

  journal_capture.py listen SOCKET OUT   take datagrams at SOCKET, decode
                                         them, append one JSON object per
                                         entry to OUT, until SIGTERM
  journal_capture.py sink PATH           a datagram socket at PATH that
                                         takes and drops (chronyd's SOCK)
  journal_capture.py expect OUT ID [KEY~REGEX | KEY=VALUE]...
                                         exit 0 when an entry of
                                         MESSAGE_ID ID matches them all
  journal_capture.py sane OUT            every entry decoded and carries
                                         what phcbrokerd always sends
  journal_capture.py show OUT [ID]       print the entries (of ID)

The native protocol: a datagram is a sequence of fields, each either
"KEY=value\\n" or, for values that may hold newlines, "KEY\\n", the value's
length as a 64-bit little-endian integer, the value, "\\n". A datagram too
big for the socket comes as an empty one carrying a memfd (SCM_RIGHTS)
that holds the same bytes.
"""
import array
import json
import os
import re
import signal
import socket
import struct
import sys

NAME_RE = re.compile(r"[A-Z0-9][A-Z0-9_]{0,63}")


def decode(buf):
    """Fields of one datagram as {KEY: [values]}; ValueError if malformed."""
    fields = {}
    i = 0
    while i < len(buf):
        nl = buf.find(b"\n", i)
        if nl < 0:
            raise ValueError("field without a newline at byte %d" % i)
        line = buf[i:nl]
        eq = line.find(b"=")
        if eq >= 0:
            key, value = line[:eq], line[eq + 1:]
            i = nl + 1
        else:
            key = line
            if nl + 9 > len(buf):
                raise ValueError("binary field %r cut short" % key)
            (n,) = struct.unpack("<Q", buf[nl + 1:nl + 9])
            start = nl + 9
            value = buf[start:start + n]
            if len(value) != n or buf[start + n:start + n + 1] != b"\n":
                raise ValueError("binary field %r: bad length %d" % (key, n))
            i = start + n + 1
        name = key.decode("ascii", "replace")
        if not NAME_RE.fullmatch(name) or name[0].isdigit():
            raise ValueError("bad field name %r" % name)
        fields.setdefault(name, []).append(value.decode("utf-8", "replace"))
    return fields


def receive(sock):
    """One datagram's bytes, read from its memfd when it carries one."""
    fds = array.array("i")
    data, anc, _flags, _addr = sock.recvmsg(1 << 20, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    for fd in fds:
        try:
            if not data:
                os.lseek(fd, 0, os.SEEK_SET)
                chunks = []
                while True:
                    chunk = os.read(fd, 1 << 16)
                    if not chunk:
                        break
                    chunks.append(chunk)
                data = b"".join(chunks)
        finally:
            os.close(fd)
    return data


def bind_dgram(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    # world-writable, as journald's own socket is: every process logs,
    # a worker without capabilities (privilege separation) too
    os.chmod(path, 0o666)
    return sock


def listen(path, out):
    sock = bind_dgram(path)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(out, "a", encoding="utf-8") as f:
        while True:
            data = receive(sock)
            try:
                entry = decode(data)
            except ValueError as e:
                entry = {"_INVALID": [str(e)], "_RAW": [data[:200].hex()]}
            f.write(json.dumps(entry) + "\n")
            f.flush()


def sink(path):
    sock = bind_dgram(path)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        sock.recv(1 << 16)


def load(out):
    entries = []
    try:
        with open(out, encoding="utf-8") as f:
            for line in f:
                if line.endswith("\n"):
                    entries.append(json.loads(line))
    except FileNotFoundError:
        pass
    return entries


def matches(entry, conds):
    for cond in conds:
        m = re.fullmatch(r"([A-Z0-9_]+)(=|~)(.*)", cond, re.S)
        if not m:
            raise SystemExit("bad condition %r" % cond)
        key, op, want = m.groups()
        values = entry.get(key, [])
        if op == "=" and want not in values:
            return False
        if op == "~" and not any(re.fullmatch(want, v, re.S) for v in values):
            return False
    return True


def expect(out, msgid, conds):
    found = [e for e in load(out) if msgid in e.get("MESSAGE_ID", []) and matches(e, conds)]
    return 0 if found else 1


def sane(out):
    entries = load(out)
    bad = []
    for e in entries:
        one = {k: v[0] for k, v in e.items() if len(v) == 1}
        if "_INVALID" in e:
            bad.append("undecodable datagram: %s" % e["_INVALID"][0])
            continue
        for key in ("MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER"):
            if len(e.get(key, [])) != 1:
                bad.append("%s %s times in %s" % (key, len(e.get(key, [])), e))
        if one.get("SYSLOG_IDENTIFIER") != "phcbrokerd":
            bad.append("SYSLOG_IDENTIFIER not phcbrokerd: %s" % e)
        if not re.fullmatch(r"[0-7]", one.get("PRIORITY", "")):
            bad.append("PRIORITY not 0..7: %s" % e)
        if "MESSAGE_ID" in e:
            if not re.fullmatch(r"[0-9a-f]{32}", one.get("MESSAGE_ID", "")):
                bad.append("MESSAGE_ID not 32 hex digits: %s" % e)
            if "PHCB_EVENT" not in e:
                bad.append("event without PHCB_EVENT: %s" % e)
        src = one.get("PHCB_SOURCE")
        if src and not one.get("MESSAGE", "").startswith(src + ": "):
            bad.append("MESSAGE does not name PHCB_SOURCE: %s" % e)
        for key, values in e.items():
            if len(values) != 1:
                bad.append("field %s repeated: %s" % (key, e))
    for b in bad[:10]:
        print("FAIL:", b)
    print("%d entries, %d with a MESSAGE_ID, %d problems" % (
        len(entries), sum("MESSAGE_ID" in e for e in entries), len(bad)))
    return 1 if bad or not entries else 0


def show(out, msgid=None):
    for e in load(out):
        if msgid is None or msgid in e.get("MESSAGE_ID", []):
            print(json.dumps({k: v[0] if len(v) == 1 else v for k, v in e.items()}))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[0] == "listen":
        listen(argv[1], argv[2])
    if len(argv) == 2 and argv[0] == "sink":
        sink(argv[1])
    if len(argv) >= 3 and argv[0] == "expect":
        return expect(argv[1], argv[2], argv[3:])
    if len(argv) == 2 and argv[0] == "sane":
        return sane(argv[1])
    if len(argv) in (2, 3) and argv[0] == "show":
        return show(*argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
