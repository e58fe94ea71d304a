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
[source NTFY]
device sim
sock $WORK/no-chronyd.sock
[source GONE]
device /nonexistent/ptp7
sock $WORK/no-chronyd2.sock
EOC
NOTIFY_SOCKET="$WORK/notify.sock" WATCHDOG_USEC=1000000 start_broker "$WORK/broker.conf"
sleep 4
stop_broker
wait "$lpid"

grep -q " READY=1" "$WORK/notes" || fail "no READY=1: $(cat "$WORK/notes")"
grep " STATUS=" "$WORK/notes" | head -1 | grep -q "NTFY: running; GONE: missing" || fail "first STATUS wrong: $(grep STATUS "$WORK/notes" | head -1)"
n=$(grep -c " WATCHDOG=1" "$WORK/notes")
# 4 s at one ping per 0.5 s
[ "$n" -ge 6 ] || fail "only $n watchdog pings in 4 s"
grep -q " STOPPING=1" "$WORK/notes" || fail "no STOPPING=1"
grep -q "GONE: cannot open /nonexistent/ptp7: No such file or directory" "$WORK/broker.log" || fail "missing device not logged"
echo "notify: watchdog_pings=$n"
