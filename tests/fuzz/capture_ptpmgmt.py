#!/usr/bin/env python3
# capture_ptpmgmt.py: capture a real ptp4l's management answers as test vectors and fuzz seeds.
"""usage: capture_ptpmgmt.py [--ptp4l PATH] [--pmc PATH] [--prefix P]
                          [--manifest FILE] [--c-file FILE] OUTDIR

Run as root. Builds two network namespaces joined by veth pairs with fixed
MAC addresses (so the clock identities are the same on every run):

  A: ptp4l -S -i va1 -i va2, priority1 100      clock 020000.fffe.000a01
     (va1 <-> vb1 in B; va2 <-> vx2, nobody behind it)
  B: ptp4l -S -i vb1, slaveOnly 1               clock 020000.fffe.000b01

Both ptp4l run inside `unshare -U -r` with software timestamping, so they
cannot adjust the host clock. With ptp4l 4.x both also get a read-only
socket (uds_ro_address) next to the read-write one (uds_address), both in
a private directory: ptp4l 4.x would otherwise bind /var/run/ptp4lro. A
4.x ptp4l resets its servo each time it fails to adjust the clock, so with
4.x B runs with free_running 1 and is told SET SYNCHRONIZATION_UNCERTAIN_NP
0 (FALSE), without which a free-running ptp4l 4.x reports its servo
unlocked and its port stays UNCALIBRATED.

The script then sends hand-built management messages from its own AF_UNIX
datagram socket (source 0102030405060708-0x4242, wildcard target, hops
0/0, versionPTP 2 as phcbrokerd sends them) and writes every datagram that
comes back to OUTDIR/PREFIXNAME.bin (NAME_pN.bin when several ports
answer one request, N the port number), with --manifest a line per file
(request, and what ptp4l answered) and with --c-file the same bytes as C
arrays for tests/unit/test_ptp4l_codec.c.

Steps: datasets of A (grandmaster, two ports) and of B (slave, once it has
measured an offset); errors ptp4l answers; the managementIds of linuxptp
4.x; the read-only socket; a subscription to every event on B while vb1
goes down and up; then SET GRANDMASTER_SETTINGS_NP on A (clockClass 6,
PTP timescale, leap59) and B's datasets after that; last, the request pmc
itself sends for GET TIME_STATUS_NP.
"""
import argparse
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

SRC_CLOCK = bytes([1, 2, 3, 4, 5, 6, 7, 8])
SRC_PORT = 0x4242
WILDCARD = (b"\xff" * 8, 0xFFFF)

GET, SET, RESPONSE, COMMAND, ACKNOWLEDGE = 0, 1, 2, 3, 4
ACTIONS = ["GET", "SET", "RESPONSE", "COMMAND", "ACKNOWLEDGE"]

NULL_MANAGEMENT = 0x0000
CLOCK_DESCRIPTION = 0x0001
DEFAULT_DATA_SET = 0x2000
CURRENT_DATA_SET = 0x2001
PARENT_DATA_SET = 0x2002
TIME_PROPERTIES_DATA_SET = 0x2003
PORT_DATA_SET = 0x2004
PRIORITY1 = 0x2005
ENABLE_PORT = 0x200D
TIME = 0x200F
TIME_STATUS_NP = 0xC000
GRANDMASTER_SETTINGS_NP = 0xC001
PORT_DATA_SET_NP = 0xC002
SUBSCRIBE_EVENTS_NP = 0xC003
PORT_PROPERTIES_NP = 0xC004
PORT_STATS_NP = 0xC005
SYNCHRONIZATION_UNCERTAIN_NP = 0xC006
PORT_SERVICE_STATS_NP = 0xC007
UNICAST_MASTER_TABLE_NP = 0xC008
PORT_HWCLOCK_NP = 0xC009
POWER_PROFILE_SETTINGS_NP = 0xC00A
CMLDS_INFO_NP = 0xC00B

# Event bits of SUBSCRIBE_EVENTS_NP (linuxptp notification.h).
NOTIFY_PORT_STATE, NOTIFY_TIME_SYNC, NOTIFY_PARENT_DATA_SET, NOTIFY_CMLDS = 0, 1, 2, 3

MACS = {"va1": "02:00:00:00:0a:01", "va2": "02:00:00:00:0a:02",
        "vx2": "02:00:00:00:0a:f2", "vb1": "02:00:00:00:0b:01"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(*cmd, check=True):
    return subprocess.run(cmd, check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True).stdout


def encode(action, mid, data=b"", seq=0, domain=0):
    """One management message as phcbrokerd builds it."""
    if len(data) % 2:
        data += b"\0"
    tlv = struct.pack(">HHH", 0x0001, 2 + len(data), mid) + data
    body = WILDCARD[0] + struct.pack(">HBBBB", WILDCARD[1], 0, 0, action, 0)
    total = 34 + len(body) + len(tlv)
    hdr = struct.pack(">BBHBBH8s4s", 0x0D, 0x02, total, domain, 0, 0,
                      bytes(8), bytes(4))
    hdr += SRC_CLOCK + struct.pack(">HHBB", SRC_PORT, seq, 0x04, 0x7F)
    return hdr + body + tlv


def describe(m):
    """A one-line summary of a management message."""
    if len(m) < 54:
        return "short (%d bytes)" % len(m)
    src = m[20:28].hex() + "-%d" % struct.unpack(">H", m[28:30])[0]
    seq = struct.unpack(">H", m[30:32])[0]
    hops = "%d/%d" % (m[44], m[45])
    action = ACTIONS[m[46] & 0x0F] if (m[46] & 0x0F) < 5 else "?"
    tlv_type, tlv_len = struct.unpack(">HH", m[48:52])
    if tlv_type == 0x0002:
        err, mid = struct.unpack(">HH", m[52:56])
        what = "ERROR 0x%04x on 0x%04x" % (err, mid)
    else:
        mid = struct.unpack(">H", m[52:54])[0]
        what = "0x%04x, %d data bytes" % (mid, tlv_len - 2)
    return "ver 0x%02x src %s seq %d hops %s %s %s" % (
        m[1], src, seq, hops, action, what)


class Capture:
    def __init__(self, tmp, outdir, prefix, manifest, c_file):
        self.path = os.path.join(tmp, "capture.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.seq = 0x0100
        self.outdir = outdir
        self.prefix = prefix
        self.manifest = []
        self.manifest_file = manifest
        self.c_file = c_file
        self.c_parts = []
        self.pushes = []

    def exchange(self, server, action, mid, data=b"", wait=0.5):
        """Send one message, return every datagram received for @wait s."""
        self.seq += 1
        self.drain()
        try:
            self.sock.sendto(encode(action, mid, data, self.seq), server)
        except (FileNotFoundError, ConnectionRefusedError):
            time.sleep(wait)
            return []  # ptp4l not up yet
        return self.receive(wait)

    def receive(self, wait, until=None):
        out = []
        end = time.monotonic() + wait
        while True:
            left = end - time.monotonic()
            if left <= 0 or (until and until(out)):
                return out
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                out.append(self.sock.recv(4096))

    def drain(self):
        while select.select([self.sock], [], [], 0)[0]:
            self.sock.recv(4096)

    def save(self, name, msgs, request=""):
        """Write the datagrams, one file each (by source port if several)."""
        if not msgs:
            log("  %s: no answer" % name)
            self.manifest.append("%s%s: no answer (%s)" % (self.prefix, name, request))
            return
        for m in msgs:
            n = name
            if len(msgs) > 1:
                n += "_p%d" % struct.unpack(">H", m[28:30])[0]
            full = self.prefix + n
            with open(os.path.join(self.outdir, full + ".bin"), "wb") as f:
                f.write(m)
            line = "%s.bin: %s -> %s" % (full, request, describe(m))
            log("  " + line)
            self.manifest.append(line)
            self.c_parts.append(c_array("vec_" + full, m))

    def ask(self, name, server, action, mid, data=b"", wait=0.5):
        """Save the answers to one request; keep pushes for later."""
        msgs = self.exchange(server, action, mid, data, wait)
        answers = [m for m in msgs if len(m) >= 46 and m[44] == 0 and
                   struct.unpack(">H", m[30:32])[0] == self.seq]
        self.pushes += [m for m in msgs if m not in answers]
        self.save(name, answers, "%s 0x%04x" % (ACTIONS[action], mid))
        return answers

    def finish(self, header):
        if self.manifest_file:
            with open(self.manifest_file, "w") as f:
                f.write(header + "\n" + "\n".join(self.manifest) + "\n")
        if self.c_file:
            with open(self.c_file, "w") as f:
                f.write("\n".join(self.c_parts))
        self.sock.close()
        os.unlink(self.path)


def c_array(name, data):
    lines = ["static const uint8_t %s[%d] = {" % (name, len(data))]
    for i in range(0, len(data), 12):
        lines.append("\t" + " ".join("0x%02x," % b for b in data[i:i + 12]))
    lines.append("};\n")
    return "\n".join(lines)


def port_states(msgs):
    """portState of each PORT_DATA_SET response, by port number."""
    out = {}
    for m in msgs:
        if len(m) >= 80 and struct.unpack(">HH", m[48:52])[0] == 1 and \
                struct.unpack(">H", m[52:54])[0] == PORT_DATA_SET:
            out[struct.unpack(">H", m[62:64])[0]] = m[64]
    return out


def master_offset(msgs):
    for m in msgs:
        if len(m) >= 104 and struct.unpack(">H", m[52:54])[0] == TIME_STATUS_NP:
            off, ingress = struct.unpack(">qq", m[54:70])
            return off, ingress
    return None


class Lab:
    """The namespaces, veth pairs and the two ptp4l."""

    def __init__(self, ptp4l, tmp, v4):
        self.ptp4l = ptp4l
        self.tmp = tmp
        self.ns_a = "pcapA%d" % os.getpid()
        self.ns_b = "pcapB%d" % os.getpid()
        self.procs = []
        self.v4 = v4
        self.sock = {k: os.path.join(tmp, k) for k in
                     ("a", "a-ro", "b", "b-ro")}

    def up(self):
        a, b = self.ns_a, self.ns_b
        run("ip", "netns", "add", a)
        run("ip", "netns", "add", b)
        run("ip", "-n", a, "link", "add", "va1", "address", MACS["va1"],
            "type", "veth", "peer", "name", "vb1", "address", MACS["vb1"],
            "netns", b)
        run("ip", "-n", a, "link", "add", "va2", "address", MACS["va2"],
            "type", "veth", "peer", "name", "vx2", "address", MACS["vx2"])
        run("ip", "-n", a, "addr", "add", "192.0.2.1/24", "dev", "va1")
        run("ip", "-n", b, "addr", "add", "192.0.2.2/24", "dev", "vb1")
        run("ip", "-n", a, "addr", "add", "198.51.100.1/24", "dev", "va2")
        run("ip", "-n", a, "addr", "add", "198.51.100.2/24", "dev", "vx2")
        for i in ("lo", "va1", "va2", "vx2"):
            run("ip", "-n", a, "link", "set", i, "up")
        for i in ("lo", "vb1"):
            run("ip", "-n", b, "link", "set", i, "up")
        for ns in (a, b):  # ports 319 and 320 for root of the user namespace
            run("ip", "netns", "exec", ns, "sysctl", "-qw",
                "net.ipv4.ip_unprivileged_port_start=0")
        self.start(a, "a", "priority1 100\n", ["va1", "va2"])
        # ptp4l 4.x resets its servo whenever adjusting the clock fails
        # (EPERM in the user namespace), so B would stay UNCALIBRATED: it
        # runs free, and capture() tells it that its sync is certain.
        self.start(b, "b", "slaveOnly 1\n" +
                   ("free_running 1\n" if self.v4 else ""), ["vb1"])

    def start(self, ns, name, extra, ifaces):
        cfg = os.path.join(self.tmp, name + ".cfg")
        with open(cfg, "w") as f:
            f.write("[global]\nuds_address %s\n" % self.sock[name])
            if self.v4:
                f.write("uds_ro_address %s\n" % self.sock[name + "-ro"])
            f.write(extra)
        cmd = ["ip", "netns", "exec", ns, "unshare", "-U", "-r", self.ptp4l,
               "-S", "-m", "-f", cfg]
        for i in ifaces:
            cmd += ["-i", i]
        logf = open(os.path.join(self.tmp, name + ".log"), "w")
        self.procs.append(subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT))

    def link(self, state):
        run("ip", "-n", self.ns_b, "link", "set", "vb1", state)

    def down(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        run("ip", "netns", "del", self.ns_a, check=False)
        run("ip", "netns", "del", self.ns_b, check=False)


def wait_for(what, fn, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if fn():
            return
        time.sleep(0.5)
    raise RuntimeError("timed out waiting for " + what)


def capture(cap, lab, pmc):
    a, b, b_ro = lab.sock["a"], lab.sock["b"], lab.sock["b-ro"]
    ps = lambda s: port_states(cap.exchange(s, GET, PORT_DATA_SET))

    wait_for("A's two ports MASTER", lambda: ps(a) == {1: 6, 2: 6}, 40)
    if lab.v4:
        cap.ask("set_sync_uncertain_false", b, SET,
                SYNCHRONIZATION_UNCERTAIN_NP, bytes([0, 0]))
    wait_for("B's port SLAVE", lambda: ps(b) == {1: 9}, 40)

    def measured():
        t = master_offset(cap.exchange(b, GET, TIME_STATUS_NP))
        return t and t[0] != 0 and t[1] != 0
    wait_for("B's first offset", measured, 30)

    log("A, the grandmaster (two ports):")
    cap.ask("default_ds_master", a, GET, DEFAULT_DATA_SET)
    cap.ask("current_ds_master", a, GET, CURRENT_DATA_SET)
    cap.ask("parent_ds_master", a, GET, PARENT_DATA_SET)
    cap.ask("time_properties_ds_master", a, GET, TIME_PROPERTIES_DATA_SET)
    cap.ask("time_status_master", a, GET, TIME_STATUS_NP)
    cap.ask("port_ds_master", a, GET, PORT_DATA_SET)
    cap.ask("port_properties_master", a, GET, PORT_PROPERTIES_NP)
    cap.ask("null_management", a, GET, NULL_MANAGEMENT)
    cap.ask("priority1", a, GET, PRIORITY1)

    log("B, the slave:")
    cap.ask("default_ds_slave", b, GET, DEFAULT_DATA_SET)
    cap.ask("current_ds_slave", b, GET, CURRENT_DATA_SET)
    cap.ask("parent_ds_slave", b, GET, PARENT_DATA_SET)
    cap.ask("time_properties_ds_slave", b, GET, TIME_PROPERTIES_DATA_SET)
    cap.ask("time_status_slave", b, GET, TIME_STATUS_NP)
    cap.ask("port_ds_slave", b, GET, PORT_DATA_SET)

    log("errors:")
    cap.ask("err_not_supported", a, GET, TIME)
    cap.ask("err_no_such_id", a, GET, 0x7777)
    cap.ask("err_command_ack", b, COMMAND, ENABLE_PORT)
    cap.ask("err_set_refused", b, SET, TIME_STATUS_NP, bytes(50))

    log("managementIds of linuxptp 4.x (and some of 3.x):")
    for name, mid in (("clock_description", CLOCK_DESCRIPTION),
                      ("grandmaster_settings", GRANDMASTER_SETTINGS_NP),
                      ("port_ds_np", PORT_DATA_SET_NP),
                      ("port_stats", PORT_STATS_NP),
                      ("sync_uncertain", SYNCHRONIZATION_UNCERTAIN_NP),
                      ("port_service_stats", PORT_SERVICE_STATS_NP),
                      ("unicast_master_table", UNICAST_MASTER_TABLE_NP),
                      ("port_hwclock", PORT_HWCLOCK_NP),
                      ("power_profile", POWER_PROFILE_SETTINGS_NP),
                      ("cmlds_info", CMLDS_INFO_NP)):
        cap.ask(name, b, GET, mid)

    if lab.v4:
        log("B's read-only socket:")
        cap.ask("ro_port_ds", b_ro, GET, PORT_DATA_SET)
        cap.ask("ro_time_status", b_ro, GET, TIME_STATUS_NP)
        cap.ask("ro_parent_ds", b_ro, GET, PARENT_DATA_SET)
        cap.ask("ro_subscribe", b_ro, SET, SUBSCRIBE_EVENTS_NP,
                subscription(60, [NOTIFY_PORT_STATE]))
        cap.ask("ro_subscribe_get", b_ro, GET, SUBSCRIBE_EVENTS_NP)
        cap.ask("ro_set_priority1", b_ro, SET, PRIORITY1, bytes([128, 0]))
        cap.ask("ro_command", b_ro, COMMAND, ENABLE_PORT)
        cap.ask("ro_port_properties", b_ro, GET, PORT_PROPERTIES_NP)
        cap.ask("ro_port_hwclock", b_ro, GET, PORT_HWCLOCK_NP)

    log("subscriptions on B:")
    cap.ask("subscribe_response", b, SET, SUBSCRIBE_EVENTS_NP,
            subscription(60, [NOTIFY_PORT_STATE]))
    cap.ask("subscribe_get", b, GET, SUBSCRIBE_EVENTS_NP)
    cap.ask("subscribe_all_response", b, SET, SUBSCRIBE_EVENTS_NP,
            subscription(60, [NOTIFY_PORT_STATE, NOTIFY_TIME_SYNC,
                              NOTIFY_PARENT_DATA_SET, NOTIFY_CMLDS]))
    pushes = cap.pushes + cap.receive(3)
    lab.link("down")
    pushes += cap.receive(2)
    lab.link("up")
    pushes += cap.receive(25, until=lambda got: any(
        port_states([m]).get(1) == 9 for m in got))
    pushes += cap.receive(3)
    keep = {}
    for m in pushes:
        mid = struct.unpack(">H", m[52:54])[0]
        key = {PORT_DATA_SET: lambda: "push_port_ds_" + {
            2: "faulty", 4: "listening", 8: "uncalibrated", 9: "slave"}.get(
                m[64], "state%d" % m[64]),
               TIME_STATUS_NP: lambda: "push_time_status",
               PARENT_DATA_SET: lambda: "push_parent_ds",
               CMLDS_INFO_NP: lambda: "push_cmlds"}.get(
                   mid, lambda: "push_0x%04x" % mid)()
        keep.setdefault(key, m)
    for key, m in keep.items():
        cap.save(key, [m], "pushed after subscribing to every event")
    cap.exchange(b, SET, SUBSCRIBE_EVENTS_NP, subscription(0, []))

    log("after SET GRANDMASTER_SETTINGS_NP on A:")
    gm = struct.pack(">BBHhBB", 6, 0x21, 0x4E5D, 37, 0x1E, 0x20)
    cap.ask("set_grandmaster_settings", a, SET, GRANDMASTER_SETTINGS_NP, gm)

    def far():
        t = master_offset(cap.exchange(b, GET, TIME_STATUS_NP))
        return t and abs(t[0]) > 1000000000
    try:
        wait_for("B's offset to jump", far, 30)
    except RuntimeError as e:
        log("  note: %s" % e)
    cap.ask("time_status_slave_gm", b, GET, TIME_STATUS_NP)
    cap.ask("current_ds_slave_gm", b, GET, CURRENT_DATA_SET)
    cap.ask("parent_ds_slave_gm", b, GET, PARENT_DATA_SET)
    cap.ask("time_properties_ds_slave_gm", b, GET, TIME_PROPERTIES_DATA_SET)

    if pmc:
        log("pmc's own GET TIME_STATUS_NP:")
        fake = os.path.join(lab.tmp, "fake-ptp4l")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(fake)
        p = subprocess.Popen([pmc, "-u", "-b", "0", "-s", fake,
                              "GET TIME_STATUS_NP"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        s.settimeout(5)
        try:
            cap.save("pmc_get_time_status", [s.recv(4096)], "sent by pmc")
        except socket.timeout:
            log("  pmc sent nothing")
        p.kill()
        p.wait()
        s.close()


def subscription(duration, events):
    mask = bytearray(64)
    for e in events:
        mask[e // 8] |= 1 << (e % 8)
    return struct.pack(">H", duration) + bytes(mask)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ptp4l", default=shutil.which("ptp4l") or "/usr/sbin/ptp4l")
    ap.add_argument("--pmc", default=shutil.which("pmc"))
    ap.add_argument("--prefix", default="")
    ap.add_argument("--manifest")
    ap.add_argument("--c-file")
    ap.add_argument("outdir")
    args = ap.parse_args()
    version = run(args.ptp4l, "-v").strip()
    v4 = int(version.split(".")[0]) >= 4
    os.makedirs(args.outdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="capture-ptpmgmt.")
    os.chmod(tmp, 0o700)
    lab = Lab(args.ptp4l, tmp, v4)
    cap = Capture(tmp, args.outdir, args.prefix, args.manifest, args.c_file)
    try:
        lab.up()
        capture(cap, lab, args.pmc)
        cap.finish("ptp4l %s (%s), pmc %s, captured %s" % (
            version, args.ptp4l, args.pmc or "-",
            time.strftime("%Y-%m-%d")))
    except Exception:
        for n in ("a", "b"):
            log("--- ptp4l %s log:" % n)
            with open(os.path.join(tmp, n + ".log")) as f:
                log("".join(f.readlines()[-15:]))
        raise
    finally:
        lab.down()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
