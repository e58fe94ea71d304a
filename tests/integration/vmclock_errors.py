#!/usr/bin/env python3
"""vmclock_errors.py: how wrong the samples chronyd got from a refclock were,
against fakephc's truth: each sample's raw offset in chronyd's
refclocks.log against the true PHC - system offset at the sample's time.

  vmclock_errors.py LOG REFID TRUTH_SOCKET DEVICE FROM_NS TO_NS

The sign of chrony's raw offset is taken from the samples before FROM_NS
(the one that makes them agree with the truth). Prints
"samples=N max_error_us=X" for the samples from FROM_NS to TO_NS.
"""
import calendar
import os
import socket
import sys
import time


def samples(log, refid):
    """(t_ns, raw offset s) of each line of REFID in refclocks.log."""
    out = []
    for line in open(log):
        w = line.split()
        # a sample's line has its raw offset; "-" marks the filter's output
        if (len(w) < 8 or w[2] != refid or not w[0][:1].isdigit()
                or w[6] == "-"):
            continue
        day, clock = w[0], w[1]
        whole, _, frac = clock.partition(".")
        t = calendar.timegm(time.strptime(day + " " + whole,
                                          "%Y-%m-%d %H:%M:%S"))
        ns = t * 10**9 + int((frac + "000000000")[:9])
        out.append((ns, float(w[6])))
    return out


class Truth:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.f = self.s.makefile("rw")

    def offset_ns(self, device, t_ns):
        self.f.write("TRUTH %s %d\n" % (device, t_ns))
        self.f.flush()
        w = self.f.readline().split()
        if not w or w[0] != "OK":
            sys.exit("vmclock_errors: truth socket: %s" % " ".join(w))
        return float(w[1])


def main():
    log, refid, sock, device = sys.argv[1:5]
    t_from, t_to = int(sys.argv[5]), int(sys.argv[6])
    truth = Truth(sock)
    pts = [(t, raw * 1e9, truth.offset_ns(device, t))
           for t, raw in samples(log, refid) if t <= t_to]
    before = [(raw, tr) for t, raw, tr in pts if t < t_from][-20:]
    if not before:
        sys.exit("vmclock_errors: no samples of %s before the event" % refid)
    sign = min((1, -1), key=lambda s: sum(abs(s * r - tr) for r, tr in before))
    during = [abs(sign * raw - tr) for t, raw, tr in pts if t >= t_from]
    calib = max(abs(sign * r - tr) for r, tr in before)
    dump = os.environ.get("VMCLOCK_ERRORS_DUMP")
    if dump:
        with open(dump, "a") as f:
            for t, raw, tr in pts:
                f.write("%d %.1f %.1f %.1f\n" % (t, sign * raw, tr,
                                                 sign * raw - tr))
    print("samples=%d max_error_us=%.3f before_max_error_us=%.3f"
          % (len(during), max(during, default=0.0) / 1e3, calib / 1e3))


main()
