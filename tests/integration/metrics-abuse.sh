#!/bin/bash
# metrics-abuse.sh: the scrape-flood variant of ctl-abuse.sh. Concurrent
# scrapes, garbage and oversized requests, half-sent requests and more idle
# connections than the daemon has descriptors must not disturb sampling
# (the same poll-jitter bound), must not make the daemon spin, and /metrics
# must answer again once the abusers are gone.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
need_cmd python3
need_cmd prlimit
make_workdir
CTL="$PHCB_BUILDDIR/phcbrokerctl"

port=$(free_tcp_port)
METRICS_ADDR=127.0.0.1:$port # phcbrokerd-metrics.socket

sock=/run/chrony.phcbt-mabuse-$$.sock
start_chronyd c "refclock SOCK $sock refid MAB poll 0 prefer trust"
cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/ctl.sock
chronyd_socket $WORK/c/chronyd.sock
metrics_listen systemd
[source MAB]
device sim
sock $sock
rate 8Hz
gate_lock_dwell 1s
EOC
# few descriptors, so that idle connections exhaust them (accept: EMFILE)
PHCB_WRAPPER="prlimit --nofile=96:1024 ${PHCB_WRAPPER:-}"
start_broker "$WORK/broker.conf"
wait_until 10 test -S "$WORK/ctl.sock" || fail "no control socket"
wait_until 20 selected c MAB || fail "chronyd did not select MAB"
field() { "$CTL" -s "$WORK/ctl.sock" "GET $1" | awk -v k="$2" '$1 == k { print $2 }'; }
sent_before=$(field SOURCES samples_sent)

python3 - "$port" "$BROKER_PID" >"$WORK/abuse.out" <<'EOP' || fail "abuse driver failed: $(cat "$WORK/abuse.out")"
import os, socket, sys, threading, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
HZ = os.sysconf("SC_CLK_TCK")
def cpu_s():
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / HZ
def conn(timeout=3):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s
def scrape():
    s = conn()
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    buf = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        buf += d
    s.close()
    return buf
ok = [0]
stop = time.monotonic() + 8
def flood():
    while time.monotonic() < stop:
        try:
            if scrape().startswith(b"HTTP/1.1 200"):
                ok[0] += 1
        except OSError:
            pass
# 1. four clients scraping back to back, with garbage beside them
threads = [threading.Thread(target=flood) for _ in range(4)]
for t in threads:
    t.start()
garbage = 0
while time.monotonic() < stop:
    for payload in (os.urandom(500), b"GET /metrics HTTP/1.1\r\n" + b"X: " + b"y" * 20000 + b"\r\n\r\n",
                    b"GET /metrics HTTP/1.1\r\nHost: x\r\n", b"\r\n\r\n\r\n", b"POST /metrics HTTP/1.1\r\nContent-Length: 99999\r\n\r\n" + b"z" * 4000):
        try:
            s = conn(1)
            s.sendall(payload)
            s.close()
            garbage += 1
        except OSError:
            pass
    time.sleep(0.05)
for t in threads:
    t.join()
print("scrapes=%d garbage=%d" % (ok[0], garbage))
assert ok[0] >= 100, ok
# 2. more idle connections than the daemon has descriptors: accept()
# fails with EMFILE; the daemon must pause accepting, not spin
held, refused = [], 0
c0 = cpu_s()
t0 = time.monotonic()
for _ in range(150):
    try:
        held.append(conn(1))
    except OSError:
        refused += 1
time.sleep(3)
spin = (cpu_s() - c0) / (time.monotonic() - t0)
print("idle_held=%d idle_refused=%d cpu_while_exhausted=%.3f" % (len(held), refused, spin))
assert spin < 0.2, "the daemon spun at %.0f%% CPU while out of descriptors" % (spin * 100)
for s in held:
    s.close()
# 3. served again once they are gone (idle ones are closed after 5 s anyway)
t_end = time.monotonic() + 8
body = b""
while time.monotonic() < t_end:
    try:
        body = scrape()
        if body.startswith(b"HTTP/1.1 200"):
            break
    except OSError:
        pass
    time.sleep(0.2)
assert body.startswith(b"HTTP/1.1 200") and b"phcbroker_source_up" in body, body[:200]
print("served_again=yes")
EOP
cat "$WORK/abuse.out"
kill -0 "$BROKER_PID" || fail "broker died under abuse"
mean=$(field DEVICES poll_interval_mean_ms)
max=$(field DEVICES poll_interval_max_ms)
sent_after=$(field SOURCES samples_sent)
# 8 Hz: 125 ms; the abusers may not hold the loop up for half a period.
# Not tighter: on these VMs the host alone stalls a vCPU by up to ~40 ms
# now and then (162 ms seen once in CI); doc/BENCHMARKS.md has the figure.
awk -v m="$max" 'BEGIN { exit !(m < 200) }' || fail "poll interval reached $max ms under abuse"
awk -v m="$mean" 'BEGIN { exit !(m > 124 && m < 126) }' || fail "mean poll interval $mean ms"
rate=$(awk -v a="$sent_before" -v b="$sent_after" 'BEGIN { printf "%d", b - a }')
[ "$rate" -ge 100 ] || fail "only $rate samples sent during ~15 s of abuse"
selected c MAB || fail "chronyd lost the source during abuse"
grep -q "cannot serve metrics\|ERROR\|Segmentation" "$WORK/broker.log" && fail "broker log: $(grep -m3 "cannot serve\|ERROR" "$WORK/broker.log")"
stop_broker
echo "metrics-abuse: $(tr '\n' ' ' <"$WORK/abuse.out")poll_interval_mean_ms=$mean poll_interval_max_ms=$max samples_during=$rate"
