#!/usr/bin/env python3
"""vmclock_page.py: a file laid out like the VMClock page (Linux
include/uapi/linux/vmclock-abi.h), written the way a hypervisor updates it:
seq_count odd while the fields change, then even again.

  vmclock_page.py init FILE        a synchronized page, marker 1
  vmclock_page.py set FILE KEY=VALUE...   change fields under the seqcount

KEYs: marker, status (unknown, initializing, synchronized, freerunning,
unreliable or a number), leap (0..5), maxerror_ns, generation.
"""
import os
import struct
import sys

SIZE = 4096  # the kernel maps exactly one page
MAGIC = 0x4B4C4356
OFF = {"seq": 12, "marker": 16, "flags": 24, "status": 34, "leap": 38,
       "maxerror_ns": 96, "generation": 104}
FMT = {"seq": "<I", "marker": "<Q", "flags": "<Q", "status": "<B",
       "leap": "<B", "maxerror_ns": "<Q", "generation": "<Q"}
STATUS = {"unknown": 0, "initializing": 1, "synchronized": 2,
          "freerunning": 3, "unreliable": 4}
FLAG_MAXERROR = 1 << 6
FLAG_GENERATION = 1 << 8


def put(fd, key, value):
    os.pwrite(fd, struct.pack(FMT[key], value), OFF[key])


def get(fd, key):
    raw = os.pread(fd, struct.calcsize(FMT[key]), OFF[key])
    return struct.unpack(FMT[key], raw)[0]


def init(path):
    page = bytearray(SIZE)
    struct.pack_into("<IIHBB", page, 0, MAGIC, SIZE, 1, 1, 0)  # TSC, UTC
    with open(path, "wb") as f:
        f.write(page)
    fd = os.open(path, os.O_RDWR)
    put(fd, "seq", 2)
    put(fd, "marker", 1)
    put(fd, "flags", FLAG_MAXERROR | FLAG_GENERATION)
    put(fd, "status", STATUS["synchronized"])
    put(fd, "maxerror_ns", 1000)
    put(fd, "generation", 1)
    os.close(fd)


def update(path, pairs):
    fd = os.open(path, os.O_RDWR)
    seq = get(fd, "seq")
    put(fd, "seq", seq + 1)  # odd: an update in progress
    os.fsync(fd)
    for key, value in pairs:
        if key == "status" and value in STATUS:
            value = STATUS[value]
        if key not in OFF or key == "seq":
            sys.exit("vmclock_page: unknown key " + key)
        put(fd, key, int(value))
    os.fsync(fd)
    put(fd, "seq", seq + 2)
    os.close(fd)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "init":
        init(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "set":
        update(sys.argv[2], [a.split("=", 1) for a in sys.argv[3:]])
    else:
        sys.exit(__doc__)


main()
