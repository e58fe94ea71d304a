#!/bin/bash
# candm-live.sh: the chrony command client against a real private chronyd (plus an NTP server chronyd).
#
# Starts two chronyd -x (they never touch the system clock): a loopback NTP
# server (local stratum 3) and a client of it that also has a refclock SOCK
# fed by candm_probe. candm_probe then checks that tracking/sources decode to
# what `chronyc -c` prints, that reset sources + burst move the selection
# from a refclock whose samples stopped to the NTP server within 2.5 s, that
# offline/online work, that selectopts is detected (unsupported before 4.4),
# and that one client survives a chronyd restart.
# CANDM_PROBE_WRAPPER (e.g. "valgrind -q --error-exitcode=9") wraps the probe.
. "$(dirname "$0")/lib.sh"

need_cmd "$CHRONYD"
need_cmd "$CHRONYC"
need_root

probe="$PHCB_BUILDDIR/tests/integration/candm_probe"
[ -x "$probe" ] || fail "$probe not built"
wrap=${CANDM_PROBE_WRAPPER:-}
refid=PHCX
refsock=/run/chrony.candm$$.sock
make_workdir
at_exit "rm -f '$refsock'"

version=$("$CHRONYD" -v | sed -n 's/.*version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
read -r major minor <<<"$version"
if [ "$major" -gt 4 ] || { [ "$major" -eq 4 ] && [ "$minor" -ge 4 ]; }; then
	selectopts=supported
else
	selectopts=unsupported
fi
note "chronyd $major.$minor: selectopts expected $selectopts"

# udp_port_free PORT: nothing is bound to UDP PORT (IPv4 or IPv6).
udp_port_free() {
	! awk -v p="$(printf ':%04X' "$1")" 'substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
		/proc/net/udp /proc/net/udp6 2>/dev/null
}

port=
for try in $(seq 1 50); do
	p=$((20000 + (RANDOM * 7 + try) % 40000))
	if udp_port_free "$p"; then
		port=$p
		break
	fi
done
[ -n "$port" ] || fail "no free UDP port"

# The NTP server; later lines override the helper's `port 0`.
start_chronyd srv "port $port
bindaddress 127.0.0.1
allow 127.0.0.1
local stratum 3"
at_exit "kill \$(cat '$WORK/srv/chronyd.pid')"

# The chronyd under test; the probe restarts it from its pidfile and config.
start_chronyd cli "server 127.0.0.1 port $port iburst minpoll -1 maxpoll 0
refclock SOCK $refsock refid $refid poll 0 prefer trust"
at_exit "kill \$(cat '$WORK/cli/chronyd.pid')"
sock="$WORK/cli/chronyd.sock"

# Feed the refclock (PHC == system clock) until everything is up.
"$probe" feed "$refsock" 0 0 &
feeder=$!
at_exit "kill $feeder"
$wrap "$probe" wait-ready "$sock" 30 || fail "chronyd never selected a source"
$wrap "$probe" compare "$sock" || fail "decoded reports differ from chronyc"
kill "$feeder"
wait "$feeder" 2>/dev/null

$wrap "$probe" switch "$sock" "$refsock" "$refid" || fail "source switching"
$wrap "$probe" onoff "$sock" || fail "offline/online"
$wrap "$probe" selectopts "$sock" "$selectopts" || fail "selectopts detection"
$wrap "$probe" restart "$sock" "$WORK/cli/chronyd.pid" "$WORK/cli/chrony.conf" \
	"$WORK/cli/chronyd.log" || fail "chronyd restart"
echo "PASS: candm-live"
