#!/bin/bash
# notify.sh: the systemd protocol: READY=1 once sources are open, STATUS=
# lines, WATCHDOG=1 from the event loop, STOPPING=1, with no systemd around.
. "$(dirname "$0")/lib.sh"
need_cmd python3
make_workdir

cat >"$WORK/listen.py" <<'EOP'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.2)
end = time.monotonic() + float(sys.argv[2])
with open(sys.argv[3], "w") as out:
    while time.monotonic() < end:
        try:
            msg = s.recv(4096).decode()
        except socket.timeout:
            continue
        for line in msg.split("\n"):
            out.write("%.3f %s\n" % (time.monotonic(), line))
        out.flush()
EOP
python3 "$WORK/listen.py" "$WORK/notify.sock" 6 "$WORK/notes" &
lpid=$!
at_exit "kill $lpid"
wait_until 5 test -S "$WORK/notify.sock" || fail "listener did not start"
cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/run/control.sock
[source NTFY]
device sim
sock $WORK/no-chronyd.sock
[source S3]
device sim
sock $WORK/no-chronyd3.sock
[source S4]
device sim
sock $WORK/no-chronyd4.sock
[source S5]
device sim
sock $WORK/no-chronyd5.sock
[source S6]
device sim
sock $WORK/no-chronyd6.sock
[source S7]
device sim
sock $WORK/no-chronyd7.sock
[source S8]
device sim
sock $WORK/no-chronyd8.sock
[source S9]
device sim
sock $WORK/no-chronyd9.sock
[source S10]
device sim
sock $WORK/no-chronyd10.sock
[source S11]
device sim
sock $WORK/no-chronyd11.sock
[source S12]
device sim
sock $WORK/no-chronyd12.sock
[source S13]
device sim
sock $WORK/no-chronyd13.sock
[source S14]
device sim
sock $WORK/no-chronyd14.sock
[source S15]
device sim
sock $WORK/no-chronyd15.sock
[source GONE]
device /nonexistent/ptp7
sock $WORK/no-chronyd2.sock
EOC
NOTIFY_SOCKET="$WORK/notify.sock" WATCHDOG_USEC=1000000 start_broker "$WORK/broker.conf"
sleep 4
stop_broker
wait "$lpid"

grep -q " READY=1" "$WORK/notes" || fail "no READY=1: $(cat "$WORK/notes")"
# 16 sources: the line is cut at its buffer, never overrun
grep " STATUS=" "$WORK/notes" | head -1 | grep -q "^[0-9.]* STATUS=NTFY: running, gate STARTUP; S3: running, gate STARTUP" || fail "first STATUS wrong: $(grep STATUS "$WORK/notes" | head -1)"
n=$(grep -c " WATCHDOG=1" "$WORK/notes")
# 4 s at one ping per 0.5 s
[ "$n" -ge 6 ] || fail "only $n watchdog pings in 4 s"
grep -q " STOPPING=1" "$WORK/notes" || fail "no STOPPING=1"
grep -q "GONE: cannot open /nonexistent/ptp7: No such file or directory" "$WORK/broker.log" || fail "missing device not logged"
echo "notify: watchdog_pings=$n"
