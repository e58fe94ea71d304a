#!/usr/bin/env python3
# capture_candm.py: save a running chronyd's replies as fuzz seeds (corpus_candm).
"""usage: capture_candm.py CHRONYD_SOCKET OUTDIR

Sends chronyd the requests phcbrokerd sends (protocol version 6, padded to
the reply's length as chronyd wants) and writes each raw reply to
OUTDIR/NAME.bin; the report cycle is also written as one conversation
(replies joined by fuzz_candm_reply.c's separator).
"""
import os
import socket
import struct
import sys

SEP = b"\xff\xfeNEXT"
IP_ZERO = bytes(20)
REQUESTS = [  # name, command, data, reply length
    ("probe_selectopts", 72, IP_ZERO + struct.pack(">III", 0, 0, 0), 28),
    ("tracking", 33, b"", 104),
    ("n_sources", 14, b"", 32),
    ("source_data_0", 15, struct.pack(">i", 0), 76),
    ("source_data_1", 15, struct.pack(">i", 1), 76),
    ("source_data_bad_index", 15, struct.pack(">i", 7), 76),
    ("reset_sources", 66, b"", 28),
    ("burst", 3, IP_ZERO + IP_ZERO + struct.pack(">ii", 4, 8), 28),
    ("online", 1, IP_ZERO + IP_ZERO, 28),
    ("offline", 2, IP_ZERO + IP_ZERO, 28),
]


def main():
    server, outdir = sys.argv[1], sys.argv[2]
    client = os.path.join(os.path.dirname(server), "capture.%d.sock" % os.getpid())
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(client)
    os.chmod(client, 0o666)
    s.settimeout(2)
    s.connect(server)
    replies = {}
    try:
        for seq, (name, cmd, data, rlen) in enumerate(REQUESTS, 0x5eed0000):
            req = struct.pack(">BBBBHHIII", 6, 1, 0, 0, cmd, 0, seq, 0, 0) + data
            s.send(req.ljust(max(len(req), rlen), b"\0"))
            replies[name] = s.recv(4096)
            with open(os.path.join(outdir, name + ".bin"), "wb") as f:
                f.write(replies[name])
    finally:
        os.unlink(client)
    with open(os.path.join(outdir, "cycle.bin"), "wb") as f:
        f.write(SEP.join(replies[n] for n in
                         ("tracking", "n_sources", "source_data_0", "source_data_1")))


if __name__ == "__main__":
    main()
