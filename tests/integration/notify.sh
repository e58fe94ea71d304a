#!/bin/bash
# notify.sh: the systemd protocol: READY=1 once sources are open, STATUS=
# lines, WATCHDOG=1 from the event loop, STOPPING=1, with no systemd around;
# once from the one process (--no-privsep), once from the parent (the
# default) relaying its worker's (the worker itself must not reach
# NOTIFY_SOCKET).
. "$(dirname "$0")/lib.sh"
need_cmd python3
make_workdir

cat >"$WORK/listen.py" <<'EOP'
import socket, struct, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(sys.argv[1])
s.settimeout(0.2)
end = time.monotonic() + float(sys.argv[2])
with open(sys.argv[3], "w") as out:
    while time.monotonic() < end:
        try:
            msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
        except socket.timeout:
            continue
        pid = 0
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = struct.unpack("iII", data[:12])[0]
        for line in msg.decode().split("\n"):
            out.write("%.3f %s pid=%d\n" % (time.monotonic(), line, pid))
        out.flush()
EOP
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
# check_notify MODE [OPTION]: one daemon's notifications, asserted
check_notify() {
	local notes="$WORK/notes.$1" lpid n
	rm -f "$WORK/notify.sock"
	python3 "$WORK/listen.py" "$WORK/notify.sock" 8 "$notes" &
	lpid=$!
	at_exit "kill $lpid"
	wait_until 5 test -S "$WORK/notify.sock" || fail "listener did not start"
	NOTIFY_SOCKET="$WORK/notify.sock" WATCHDOG_USEC=1000000 PHCB_BROKER_ARGS="${2:-}" start_broker "$WORK/broker.conf"
	sleep 6
	stop_broker
	wait "$lpid"

	grep -q " READY=1" "$notes" || fail "$1: no READY=1: $(cat "$notes")"
	# 16 sources: the line is cut at its buffer, never overrun
	grep " STATUS=" "$notes" | head -1 | grep -q "^[0-9.]* STATUS=NTFY: running, gate STARTUP; S3: running, gate STARTUP" || fail "$1: first STATUS wrong: $(grep STATUS "$notes" | head -1)"
	# READY=1's, then one every 5 s (a worker makes them because its
	# parent has a NOTIFY_SOCKET to pass them on to)
	[ "$(grep -c " STATUS=" "$notes")" -ge 2 ] || fail "$1: no STATUS= after READY=1: $(grep STATUS "$notes")"
	n=$(grep -c " WATCHDOG=1" "$notes")
	# 6 s at one ping per 0.5 s
	[ "$n" -ge 10 ] || fail "$1: only $n watchdog pings in 6 s"
	grep -q " STOPPING=1" "$notes" || fail "$1: no STOPPING=1"
	grep -q "GONE: cannot open /nonexistent/ptp7: No such file or directory" "$WORK/broker.log" || fail "$1: missing device not logged"
	# everything from the main process, as NotifyAccess=main accepts
	grep -v " pid=$BROKER_PID\$" "$notes" | grep -q . && fail "$1: notifications from another process than $BROKER_PID: $(grep -v " pid=$BROKER_PID\$" "$notes" | head -3)"
	pings="$pings $1_watchdog_pings=$n"
}
pings=
check_notify single --no-privsep
# with privilege separation the parent pings systemd while its worker's
# heartbeats come; the worker has no NOTIFY_SOCKET (NotifyAccess=main)
check_notify privsep
echo "notify:$pings"
