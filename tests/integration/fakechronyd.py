#!/usr/bin/env python3
# fakechronyd.py: a hostile stand-in for chronyd's command socket (tests only).
"""Answer chronyd command requests (protocol version 6) with scripted bad
replies, one case at a time, then with good replies for ever.

usage: fakechronyd.py SOCKET DONE_FILE

Binds a Unix datagram socket at SOCKET. Each request is read just far enough
to echo what a reply must echo (command and sequence). While cases remain,
a request whose command is the next case's target gets that case's
datagrams (bad ones, sometimes followed by a good one); every other request
gets a well-formed reply: SELECTOPTS is unknown (as to chronyd 4.3),
TRACKING names refclock PHCX, N_SOURCES says 2, SOURCE_DATA describes a
selected refclock PHCX. Once every case was sent, DONE_FILE gets the line
"bad_replies=N cases=M". Each case is logged on stdout as it is sent.
"""
import os
import random
import select
import socket
import struct
import sys
import time

VERSION = 6
PKT_REQUEST, PKT_REPLY = 1, 2
# commands
ONLINE, OFFLINE, BURST = 1, 2, 3
N_SOURCES, SOURCE_DATA, TRACKING = 14, 15, 33
RESET_SOURCES, SELECTOPTS = 66, 72
# reply codes
RPY_NULL, RPY_N_SOURCES, RPY_SOURCE_DATA, RPY_TRACKING = 1, 2, 3, 5
# status codes
SUCCESS, FAILED, UNAUTH, INVALID, NOSUCHSOURCE = 0, 1, 2, 3, 4
BADPKTVERSION, BADPKTLENGTH = 18, 19

REFID_PHCX = 0x50484358
REPLY_CODE = {N_SOURCES: RPY_N_SOURCES, SOURCE_DATA: RPY_SOURCE_DATA,
              TRACKING: RPY_TRACKING}


def header(cmd, seq, reply=RPY_NULL, status=SUCCESS, version=VERSION,
           pkt_type=PKT_REPLY, res=0):
    """The 28-byte reply header."""
    return struct.pack(">BBBBHHHHHHIII", version, pkt_type, res, res, cmd,
                       reply, status, 0, 0, 0, seq, 0, 0)


def ip_field(addr=0, family=1):
    """chrony's IPAddr: 16 address bytes, family, padding."""
    return struct.pack(">I12sHH", addr, b"", family, 0)


def tracking_body(ref_id=REFID_PHCX, family=0, stratum=1, leap=0,
                  ts=(0, 1795317710, 264023795), floats=(0,) * 9):
    return (struct.pack(">I", ref_id) + ip_field(0, family) +
            struct.pack(">HH", stratum, leap) + struct.pack(">III", *ts) +
            struct.pack(">9I", *floats))


def source_body(ref_id=REFID_PHCX, family=1, poll=4, stratum=0, state=0,
                mode=2, flags=0, reach=0o377, since=8, floats=(0, 0, 0)):
    return (ip_field(ref_id, family) +
            struct.pack(">hHHHHHI", poll, stratum, state, mode, flags,
                        reach, since) + struct.pack(">3I", *floats))


def good(cmd, seq):
    """What a healthy chronyd 4.3 would answer."""
    if cmd == TRACKING:
        return header(cmd, seq, RPY_TRACKING) + tracking_body()
    if cmd == N_SOURCES:
        return header(cmd, seq, RPY_N_SOURCES) + struct.pack(">I", 2)
    if cmd == SOURCE_DATA:
        return header(cmd, seq, RPY_SOURCE_DATA) + source_body()
    if cmd in (ONLINE, OFFLINE, BURST, RESET_SOURCES):
        return header(cmd, seq)
    return header(cmd, seq, status=INVALID)


def n_sources(cmd, seq, count):
    return header(cmd, seq, RPY_N_SOURCES) + struct.pack(">I", count & 0xffffffff)


# ---- the cases: (target command, name, function(cmd, seq) -> datagrams) ----
# A datagram is (bytes, bad); bad ones are counted. The function may also
# return None for "answer nothing now, the good reply 1.5 s later".

def bad(data):
    return [(data, True)]


def bad_then_good(data):
    return lambda cmd, seq: [(data(cmd, seq), True), (good(cmd, seq), False)]


def huge_source(i):
    rnd = random.Random(1000 + i)
    fields = dict(ref_id=rnd.getrandbits(32), family=rnd.choice([0, 1, 2, 3, 0xffff]),
                  poll=rnd.choice([-32768, 32767, -1]), stratum=0xffff,
                  state=rnd.choice([0, 5, 6, 0xffff]), mode=rnd.choice([2, 3, 0xffff]),
                  flags=0xffff, reach=0xffff, since=0xffffffff,
                  floats=tuple(rnd.choice([0x7fffffff, 0x80000000, 0xffffffff,
                                           0x01000000, rnd.getrandbits(32)])
                               for _ in range(3)))
    return lambda cmd, seq: bad(header(cmd, seq, RPY_SOURCE_DATA) + source_body(**fields))


def huge_tracking(cmd, seq):
    return bad(header(cmd, seq, RPY_TRACKING) +
               tracking_body(ref_id=0xffffffff, family=0xffff, stratum=0xffff,
                             leap=0xffff, ts=(0xffffffff, 0xffffffff, 0xffffffff),
                             floats=(0x7fffffff, 0x80000000, 0xffffffff) * 3))


def truncated(length):
    return lambda cmd, seq: bad(good(cmd, seq)[:length])


def padded(length):
    return lambda cmd, seq: bad(good(cmd, seq).ljust(length, b"\xa5"))


def garbage(length, seed):
    rnd = random.Random(seed)
    return lambda cmd, seq: bad(bytes(rnd.getrandbits(8) for _ in range(length)))


def garbage_body(cmd, seq):
    """A valid header for the command, random report bytes."""
    rnd = random.Random(seq)
    g = good(cmd, seq)
    return bad(g[:28] + bytes(rnd.getrandbits(8) for _ in range(len(g) - 28)))


def silent(cmd, seq):
    return None


def build_cases():
    c = []
    # the SELECTOPTS probe comes first
    c.append((SELECTOPTS, "probe: garbage", garbage(28, 1)))
    c.append((SELECTOPTS, "probe: 1-byte reply", truncated(1)))
    c.append((SELECTOPTS, "probe: status 0xffff",
              lambda cmd, seq: bad(header(cmd, seq, status=0xffff))))
    # the crash: counts that are negative as an int, and other large ones
    for count in (0x80000000, 0xffffffff, 0x7fffffff, 0x10001, 0xfffffffe):
        c.append((N_SOURCES, "n_sources %#x" % count,
                  lambda cmd, seq, n=count: bad(n_sources(cmd, seq, n))))
    # counts the daemon must clamp to its table, each followed by sources
    # with every field at its limits
    for count in (33, 65536):
        c.append((N_SOURCES, "n_sources %d" % count,
                  lambda cmd, seq, n=count: bad(n_sources(cmd, seq, n))))
        for i in range(34):
            c.append((SOURCE_DATA, "source_data huge fields %d" % i, huge_source(i)))
    c.append((TRACKING, "tracking huge fields", huge_tracking))
    for cmd_ in (TRACKING, N_SOURCES, SOURCE_DATA):
        c.append((cmd_, "garbage report behind a valid header", garbage_body))
    # answers to another request first, then the right one
    for cmd_ in (TRACKING, N_SOURCES, SOURCE_DATA):
        c.append((cmd_, "wrong sequence, then good", bad_then_good(
            lambda cmd, seq: good(cmd, (seq + 1) & 0xffffffff))))
        c.append((cmd_, "wrong command, then good", bad_then_good(
            lambda cmd, seq: good(TRACKING if cmd != TRACKING else N_SOURCES, seq))))
    c.append((N_SOURCES, "duplicate good replies",
              lambda cmd, seq: [(good(cmd, seq), False), (n_sources(cmd, seq, 0x80000000), True)]))
    # headers that are wrong in themselves
    c.append((N_SOURCES, "request packet type",
              lambda cmd, seq: bad(header(cmd, seq, RPY_N_SOURCES, pkt_type=PKT_REQUEST) + b"\0\0\0\2")))
    c.append((N_SOURCES, "nonzero reserved bytes",
              lambda cmd, seq: bad(header(cmd, seq, RPY_N_SOURCES, res=0xff) + b"\0\0\0\2")))
    c.append((N_SOURCES, "version 5, success",
              lambda cmd, seq: bad(header(cmd, seq, RPY_N_SOURCES, version=5) + b"\x80\0\0\0")))
    c.append((N_SOURCES, "version 255, BADPKTVERSION",
              lambda cmd, seq: bad(header(cmd, seq, status=BADPKTVERSION, version=255))))
    c.append((N_SOURCES, "tracking report code, long enough",
              lambda cmd, seq: bad(header(cmd, seq, RPY_TRACKING) + tracking_body())))
    c.append((TRACKING, "null report code",
              lambda cmd, seq: bad(header(cmd, seq, RPY_NULL) + tracking_body())))
    for status in (FAILED, NOSUCHSOURCE, 0xffff):
        c.append((SOURCE_DATA, "status %d" % status,
                  lambda cmd, seq, s=status: bad(header(cmd, seq, RPY_SOURCE_DATA, status=s) + source_body())))
    # every length of an N_SOURCES reply short of the right one
    for length in range(0, 32):
        c.append((N_SOURCES, "n_sources reply of %d bytes" % length, truncated(length)))
    for length in (5, 28, 31, 60, 103):
        c.append((TRACKING, "tracking reply of %d bytes" % length, truncated(length)))
    for length in (3, 28, 47, 75):
        c.append((SOURCE_DATA, "source_data reply of %d bytes" % length, truncated(length)))
    # too long: past the codec's limit, past the daemon's buffer
    for length in (513, 2048, 2049, 65000):
        c.append((N_SOURCES, "n_sources reply padded to %d bytes" % length, padded(length)))
    for i, length in enumerate((1, 28, 600)):
        c.append((TRACKING, "%d random bytes" % length, garbage(length, 100 + i)))
    # no answer: the daemon times out, then the answer arrives late
    c.append((TRACKING, "silence, late reply", silent))
    c.append((SOURCE_DATA, "silence, late reply", silent))
    return c


def main():
    path, done_file = sys.argv[1], sys.argv[2]
    random.seed(42)
    cases = build_cases()
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    late = []  # (when, datagram, address)
    n_bad = n_case = 0
    sys.stdout.reconfigure(line_buffering=True)
    while True:
        timeout = max(0.0, late[0][0] - time.monotonic()) if late else None
        r, _, _ = select.select([s], [], [], timeout)
        now = time.monotonic()
        while late and late[0][0] <= now:
            _, data, addr = late.pop(0)
            try:
                s.sendto(data, addr)
            except OSError:
                pass
        if not r:
            continue
        req, addr = s.recvfrom(4096)
        if len(req) < 12 or not addr:
            continue
        cmd, seq = struct.unpack(">H", req[4:6])[0], struct.unpack(">I", req[8:12])[0]
        out = [(good(cmd, seq), False)]
        if n_case < len(cases) and cases[n_case][0] == cmd:
            target, name, fn = cases[n_case]
            n_case += 1
            out = fn(cmd, seq)
            print("case %d: %s (command %d)" % (n_case, name, cmd))
            if out is None:
                late.append((now + 1.5, good(cmd, seq), addr))
                n_bad += 1
                out = []
            n_bad += sum(1 for _, b in out if b)
            if n_case == len(cases):
                with open(done_file + ".tmp", "w") as f:
                    f.write("bad_replies=%d cases=%d\n" % (n_bad, n_case))
                os.rename(done_file + ".tmp", done_file)
        for data, _ in out:
            try:
                s.sendto(data, addr)
            except OSError as e:
                print("send %d bytes: %s" % (len(data), e))


if __name__ == "__main__":
    main()
