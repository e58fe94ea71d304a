#!/bin/bash
# ctl-abuse.sh: hundreds of connections, garbage, oversized lines, idle and
# non-reading clients on the control socket must not disturb sampling; a
# client that pipelines requests and reads gets every answer; one uid
# cannot take every slot, and root always gets in.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
need_cmd python3
make_workdir
CTL="$PHCB_BUILDDIR/phcbrokerctl"
chmod 755 "$WORK" # other users must reach the control socket

sock=/run/chrony.phcbt-abuse-$$.sock
start_chronyd c "refclock SOCK $sock refid ABU poll 0 prefer trust"
cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/ctl.sock
control_group nogroup
chronyd_socket $WORK/c/chronyd.sock
[source ABU]
device sim
sock $sock
rate 8Hz
gate_lock_dwell 1s
EOC
start_broker "$WORK/broker.conf"
wait_until 10 test -S "$WORK/ctl.sock" || fail "no control socket"
wait_until 20 selected c ABU || fail "chronyd did not select ABU"
field() { "$CTL" -s "$WORK/ctl.sock" "GET $1" | awk -v k="$2" '$1 == k { print $2 }'; }
sent_before=$(field SOURCES samples_sent)

python3 - "$WORK/ctl.sock" "$CTL" >"$WORK/abuse.out" <<'EOP' || fail "abuse driver failed: $(cat "$WORK/abuse.out")"
import grp, os, pwd, select, socket, subprocess, sys, threading, time
path, ctl = sys.argv[1], sys.argv[2]
IDLE_S = 10          # CONTROL_IDLE_S
PER_UID = 8          # CONTROL_CLIENTS_PER_UID
NONROOT_SLOTS = 28   # CONTROL_CLIENTS_MAX - CONTROL_ROOT_RESERVED
results = {}
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    s.connect(path)
    return s
opened = refused = 0
held = []
# a flood first: connect and close as fast as possible for 3 s
t_end = time.monotonic() + 3
flood = 0
while time.monotonic() < t_end:
    try:
        conn().close(); flood += 1
    except OSError:
        pass
# then rounds of hundreds of clients misbehaving
t_end = time.monotonic() + 10
rounds = 0
while time.monotonic() < t_end:
    rounds += 1
    # 1. many connections at once, held open (idle clients)
    for _ in range(60):
        try:
            held.append(conn()); opened += 1
        except OSError:
            refused += 1
    # 2. garbage and oversized lines on some of them
    for i, s in enumerate(held[:20]):
        try:
            if i % 3 == 0:
                s.sendall(os.urandom(300) + b"\n")
            elif i % 3 == 1:
                s.sendall(b"G" * 5000)
            else:
                s.sendall(b"GET STATUS\n" * 200)  # and never read
        except OSError:
            pass
    # 3. drop them, open again
    for s in held:
        s.close()
    held = []
    time.sleep(0.2)
print("flood=%d rounds=%d opened=%d refused=%d" % (flood, rounds, opened, refused))
time.sleep(1)

def never_reads():
    """Write requests until the daemon stops taking them, never read; the
    daemon must hang up once its answers have not drained for IDLE_S."""
    s = conn()
    s.setblocking(False)
    req = b"GET DEVICES\n" * 64
    sent, last = 0, time.monotonic()
    while time.monotonic() - last < 1.0:
        try:
            sent += s.send(req)
            last = time.monotonic()
        except BlockingIOError:
            time.sleep(0.01)
        except OSError:
            break
    p = select.poll()
    p.register(s, select.POLLHUP | select.POLLERR)
    hung_up = bool(p.poll((IDLE_S + 5) * 1000))
    results["nonreader_requests"] = sent // len(b"GET DEVICES\n")
    results["nonreader_dropped_s"] = time.monotonic() - last if hung_up else -1
    s.close()

nonreader = threading.Thread(target=never_reads)
nonreader.start()
# idle clients must be dropped after the idle timeout
idle = [conn() for _ in range(5)]
time.sleep(11.5)
dropped = 0
for s in idle:
    try:
        s.settimeout(0.5)
        dropped += s.recv(1) == b""
    except OSError:
        dropped += 1
print("idle_dropped=%d" % dropped)
assert dropped == 5, dropped
nonreader.join()
print("nonreader_requests=%d nonreader_dropped_s=%.1f" %
      (results["nonreader_requests"], results["nonreader_dropped_s"]))
assert 0 <= results["nonreader_dropped_s"] <= IDLE_S + 2, results
# a garbage line gets an error, and the connection still works
time.sleep(0.5)
s = conn()
s.sendall(b"\x00\x01\x02\nGET STATUS\n")
buf = b""
while buf.count(b"END\n") < 2:
    buf += s.recv(65536)
assert b"ERROR - malformed" in buf and b"RESPONSE STATUS" in buf, buf[:200]
# an oversized line: error, then the server hangs up
s = conn()
s.sendall(b"X" * 2000)
buf = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    buf += d
assert b"longer than" in buf, buf

# a client that pipelines many requests while reading its answers, slowly
# but steadily, gets every one of them
N = 5000
s = conn()
s.settimeout(20)
def send_requests():
    try:
        s.sendall(b"GET DEVICES\n" * N)
    except OSError:
        pass
sender = threading.Thread(target=send_requests)
t0 = time.monotonic()
sender.start()
ends = responses = errors = 0
pending = b""
while ends < N:
    try:
        d = s.recv(8192)
    except OSError:
        break
    if not d:
        break
    lines = (pending + d).split(b"\n")
    pending = lines.pop()
    ends += lines.count(b"END")
    responses += sum(l.startswith(b"RESPONSE DEVICES") for l in lines)
    errors += sum(l.startswith(b"ERROR") for l in lines)
    time.sleep(0.001)
pipeline_s = time.monotonic() - t0
s.close()
sender.join()
print("pipelined=%d answered=%d pipeline_s=%.1f" % (N, ends, pipeline_s))
assert ends == N and responses == N and errors == 0, (ends, responses, errors)

# one non-root uid gets PER_UID slots, non-root uids together
# NONROOT_SLOTS; root still gets in while they are all held
def clients_now():
    s = conn()
    s.sendall(b"GET STATUS\n")
    buf = b""
    while b"END\n" not in buf:
        buf += s.recv(65536)
    s.close()
    return int(buf.split(b"control_clients ")[1].split()[0])
t_end = time.monotonic() + 5
while clients_now() > 1 and time.monotonic() < t_end:
    time.sleep(0.1)  # the clients above are gone only once the daemon saw them hang up
def attempt(uid, gid):
    os.setegid(gid)
    os.seteuid(uid)
    try:
        s = conn()
    finally:
        os.seteuid(0)
        os.setegid(0)
    buf = b""
    try:
        s.sendall(b"GET STATUS\n")
    except OSError:
        pass  # refused and closed already: its ERROR line is still there
    try:
        while b"END\n" not in buf:
            d = s.recv(65536)
            if not d:
                break
            buf += d
    except OSError:
        pass
    return s, buf
gid = grp.getgrnam("nogroup").gr_gid
held, accepted, msgs = [], {}, set()
for name in ("nobody", "daemon", "bin", "sys"):
    uid = pwd.getpwnam(name).pw_uid
    accepted[uid] = 0
    for _ in range(PER_UID + 2):
        s, buf = attempt(uid, gid)
        held.append(s)
        if b"RESPONSE STATUS" in buf:
            accepted[uid] += 1
        else:
            msgs.add(buf.decode(errors="replace").splitlines()[0] if buf else "(nothing)")
root = subprocess.run([ctl, "-s", path, "GET STATUS"], capture_output=True, text=True)
st = dict(l.split(None, 1) for l in root.stdout.splitlines()[2:] if len(l.split(None, 1)) == 2)
for s in held:
    s.close()
nobody = pwd.getpwnam("nobody").pw_uid
print("uid_accepted=%s nonroot_accepted=%d root_status=%s root_clients=%s control_refused=%s" %
      ("/".join(str(v) for v in accepted.values()), sum(accepted.values()),
       "ok" if root.returncode in (0, 1) and st else "refused",
       st.get("control_clients", "-"), st.get("control_refused", "-")))
print("refusals: %s" % "; ".join(sorted(msgs)))
assert accepted[nobody] == PER_UID, accepted
assert "ERROR - too many connections from uid %d (at most %d), try again" % (nobody, PER_UID) in msgs, msgs
assert sum(accepted.values()) == NONROOT_SLOTS, accepted
assert root.returncode in (0, 1) and st, (root.returncode, root.stdout, root.stderr)
assert int(st["control_clients"]) == NONROOT_SLOTS + 1, st
print("ok")
EOP
cat "$WORK/abuse.out"
kill -0 "$BROKER_PID" || fail "broker died under abuse"
mean=$(field DEVICES poll_interval_mean_ms)
max=$(field DEVICES poll_interval_max_ms)
sent_after=$(field SOURCES samples_sent)
"$CTL" -s "$WORK/ctl.sock" 'GET STATUS' >/dev/null || fail "control socket unusable after abuse"
# 8 Hz: 125 ms; the abusers may not hold the loop up for half a period.
# Not tighter: on these VMs the host alone stalls a vCPU by up to ~40 ms
# now and then (162 ms seen once in CI); doc/BENCHMARKS.md has the figure.
awk -v m="$max" 'BEGIN { exit !(m < 200) }' || fail "poll interval reached $max ms under abuse"
awk -v m="$mean" 'BEGIN { exit !(m > 124 && m < 126) }' || fail "mean poll interval $mean ms"
rate=$(awk -v a="$sent_before" -v b="$sent_after" 'BEGIN { printf "%d", b - a }')
[ "$rate" -ge 180 ] || fail "only $rate samples sent in ~24 s of abuse"
selected c ABU || fail "chronyd lost the source during abuse"
stop_broker
new=$(grep -hE '^(nonreader|pipelined|uid_accepted)' "$WORK/abuse.out" | tr '\n' ' ')
echo "abuse: $(head -1 "$WORK/abuse.out") poll_interval_mean_ms=$mean poll_interval_max_ms=$max samples_during=$rate ${new% }"
