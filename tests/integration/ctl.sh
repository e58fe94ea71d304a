#!/bin/bash
# ctl.sh: phcbrokerctl against a running daemon: every GET, JSON validity,
# pmc-style output, SET allowed for root and refused for others, waitsync.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
need_cmd python3
need_cmd setpriv
make_workdir
CTL="$PHCB_BUILDDIR/phcbrokerctl"
chmod 755 "$WORK" # other users must reach the control socket

sock=/run/chrony.phcbt-ctl-$$.sock
start_chronyd c "refclock SOCK $sock refid CTL poll 0 prefer trust"
cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/ctl.sock
control_group nogroup
chronyd_socket $WORK/c/chronyd.sock
[source CTL]
device sim
sock $sock
offset 100us
EOC
start_broker "$WORK/broker.conf"
wait_until 10 test -S "$WORK/ctl.sock" || fail "no control socket"
[ "$(stat -c %a:%G "$WORK/ctl.sock")" = "660:nogroup" ] || fail "socket mode/group $(stat -c %a:%G "$WORK/ctl.sock")"

# waitsync: 0 once chronyd selected the broker's source
"$CTL" -s "$WORK/ctl.sock" waitsync -t 30 || fail "waitsync did not see sync"

items="STATUS DEVICES SOURCES FILTER CHRONY ENVIRONMENT AUDIT"
for it in $items; do
	out=$("$CTL" -s "$WORK/ctl.sock" "GET $it") || fail "GET $it exit $?: $out"
	echo "$out" | head -1 | grep -qx "sending: GET $it" || fail "GET $it: no sending line"
	echo "$out" | sed -n 2p | grep -q "^	phcbrokerd RESPONSE $it" || fail "GET $it: no RESPONSE block: $out"
done
out=$("$CTL" -s "$WORK/ctl.sock" 'GET STATUS')
echo "$out" | grep -qP '^\t\tchronyd_synced_to_broker\s+yes$' || fail "STATUS: not synced: $out"
echo "$out" | grep -qP '^\t\thealthy\s+yes$' || fail "STATUS: not healthy"
"$CTL" -s "$WORK/ctl.sock" 'GET DEVICES' | grep -qP '^\t\tmethod\s+sim$' || fail "DEVICES: method"
"$CTL" -s "$WORK/ctl.sock" 'GET SOURCES' | grep -qP '^\t\tchronyd_state\s+selected$' || fail "SOURCES: chronyd state"
"$CTL" -f "$WORK/broker.conf" 'GET STATUS' >/dev/null || fail "-f CONFIG did not find the socket"

# Without -s or -f, phcbrokerctl finds a daemon whose configuration leaves
# control_socket at its default: both run with a private /run (a mount
# namespace), so a real phcbrokerd is not disturbed.
cat >"$WORK/default.conf" <<EOC
[global]
chronyd_socket none
[source DEF]
device sim
sock $WORK/def.sock
EOC
if unshare -m --propagation private true 2>/dev/null; then
	unshare -m --propagation private sh -c '
		mount -t tmpfs phcbt-run /run && mkdir -m 755 /run/phcbrokerd || exit 3
		"$1" -n -f "$2" >"$3/default.log" 2>&1 &
		pid=$!
		echo $pid >"$3/default.pid"
		trap "kill $pid" EXIT
		i=0
		while [ ! -S /run/phcbrokerd/control.sock ] && [ $i -lt 100 ]; do
			sleep 0.1; i=$((i + 1))
		done
		# 0 or 1 (degraded: no chronyd here) means it was answered
		"$4" -j >"$3/default.json"; rc=$?
		[ $rc -le 1 ] && rc=0
		"$4" -f "$2" >/dev/null; [ $? -le 1 ] || rc=5
		exit $rc' sh "$PHCBROKERD" "$WORK/default.conf" "$WORK" "$CTL"
	rc=$?
	[ $rc = 3 ] && fail "cannot mount a private /run"
	[ $rc = 5 ] && fail "-f CONFIG did not find the default control socket"
	[ $rc = 0 ] || fail "phcbrokerctl without -s/-f did not reach the daemon's default control socket (exit $rc; $("$CTL" -h | grep -o 'default /[^)]*'))"
	grep -q '"pid": *'"$(cat "$WORK/default.pid")"', ' "$WORK/default.json" || fail "default socket: wrong daemon answered: $(cat "$WORK/default.json")"
else
	note "no mount namespace here: the default control socket is not checked"
fi

# JSON: all items in one call, valid, with the expected values
args=(); for it in $items; do args+=("GET $it"); done
"$CTL" -s "$WORK/ctl.sock" -j "${args[@]}" >"$WORK/all.json" || fail "JSON GETs failed"
python3 - "$WORK/all.json" <<'EOP' || fail "JSON check failed: $(head -c 600 "$WORK/all.json")"
import json, sys
docs = json.load(open(sys.argv[1]))
assert len(docs) == 7, len(docs)
by = {d["request"]: d for d in docs}
st = by["GET STATUS"]["responses"][0]["fields"]
assert st["healthy"] is True and st["chronyd_synced_to_broker"] is True, st
assert abs(st["offset_ns"] - 100000) < 2000, st["offset_ns"]
dev = by["GET DEVICES"]["responses"][0]
assert dev["source"] == "CTL" and dev["fields"]["readings_per_poll"] == 25, dev
assert by["GET CHRONY"]["responses"][0]["fields"]["selected"] == "CTL"
env = by["GET ENVIRONMENT"]["responses"][0]
assert env["source"] is None and env["fields"]["detected_by"] in ("config", "systemd", "cpuid", "dmi", "none"), env
aud = by["GET AUDIT"]["responses"][0]["fields"]
assert aud["findings"] == 0 and aud["warnings"] == 0, aud
assert st["audit_warnings"] == 0, st
for d in docs:
    assert d["errors"] == [], d
EOP

# errors in pmc's manner, exit 2
out=$("$CTL" -s "$WORK/ctl.sock" 'GET BOGUS'); rc=$?
[ $rc = 2 ] || fail "unknown item: exit $rc"
echo "$out" | grep -q "phcbrokerd ERROR BOGUS" || fail "unknown item: $out"
out=$("$CTL" -s "$WORK/ctl.sock" 'FROB STATUS'); [ $? = 2 ] || fail "unknown action accepted"
out=$("$CTL" -s "$WORK/ctl.sock" 'SET LOG_LEVEL loud'); [ $? = 2 ] || fail "bad level accepted"
# the test build's crash hook is not in the daemon that is installed
if [ "$PHCBROKERD" = "$PHCB_BUILDDIR/phcbrokerd" ]; then
	out=$("$CTL" -s "$WORK/ctl.sock" 'SET CRASH now'); rc=$?
	[ $rc = 2 ] && echo "$out" | grep -q "unknown item for SET" || fail "SET CRASH in the installed daemon: exit $rc: $out"
	kill -0 "$BROKER_PID" || fail "SET CRASH ended the installed daemon"
else
	note "the daemon is the test build ($PHCBROKERD): SET CRASH not tried"
fi
out=$("$CTL" -s "$WORK/nonexistent.sock" 2>&1); [ $? = 2 ] || fail "missing socket: exit not 2"
echo "$out" | grep -q "cannot connect" || fail "missing socket: $out"

# SET: root may, a member of the read group may only GET, others nothing
"$CTL" -s "$WORK/ctl.sock" 'SET LOG_LEVEL info' | grep -qP '^\t\tlog_level\s+info$' || fail "root SET refused"
grep -q "log level set to info by uid 0" "$WORK/broker.log" || fail "SET not audited"
as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
out=$("${as_nobody[@]}" "$CTL" -s "$WORK/ctl.sock" 'GET STATUS') || fail "group member cannot GET: $out"
out=$("${as_nobody[@]}" "$CTL" -s "$WORK/ctl.sock" 'SET LOG_LEVEL debug'); rc=$?
[ $rc = 2 ] || fail "non-root SET: exit $rc"
echo "$out" | grep -q "permission denied" || fail "non-root SET not refused: $out"
grep -q "control: refused SET LOG_LEVEL from pid .* uid 65534" "$WORK/broker.log" || fail "refusal not logged"
out=$(setpriv --reuid=daemon --regid=daemon --clear-groups "$CTL" -s "$WORK/ctl.sock" 2>&1); rc=$?
[ $rc = 2 ] || fail "outsider got in: exit $rc $out"

# a client that sends its requests and then closes its sending side (as
# nc -N does) still gets every answer before the daemon closes
halfclose=$(python3 - "$WORK/ctl.sock" <<'EOP'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"GET STATUS\n" * 40 + b"GET DEVICES\n" * 10 + b"GET NOSUCH\n")
s.shutdown(socket.SHUT_WR)
s.settimeout(5)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(data.count(b"\nEND\n") + data.startswith(b"END\n"))
EOP
)
[ "$halfclose" = 51 ] || fail "half-closed client got $halfclose of 51 answers"

# waitsync times out (exit 1) when chronyd does not use the broker; the
# broker notices a restarted chronyd
stop_chronyd c
start_chronyd c "server 127.0.0.1 port 1 minpoll -1"
wait_until 10 sh -c "'$CTL' -s '$WORK/ctl.sock' 'GET CHRONY' | grep -qP '^\t\tselected\s+none$'" || fail "restarted chronyd not seen: $("$CTL" -s "$WORK/ctl.sock" 'GET CHRONY')"
out=$("$CTL" -s "$WORK/ctl.sock" waitsync -t 3 2>&1); rc=$?
[ $rc = 1 ] || fail "waitsync without sync: exit $rc ($out)"
echo "$out" | grep -q "timed out" || fail "waitsync message: $out"
stop_broker
echo "ctl: ok"
