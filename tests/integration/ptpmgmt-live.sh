#!/bin/bash
# ptpmgmt-live.sh: the ptpmgmt client against real ptp4l instances in network namespaces.
#
# Namespace A runs a two-port grandmaster (priority1 100); namespace B runs a
# slaveOnly ptp4l joined to A's port 1 by a veth pair. Both use software
# timestamping inside `unshare -U -r`, so they cannot adjust the host clock
# (where user namespaces are unavailable they run with free_running 1).
# $PHCB_PTP4L and $PHCB_PMC select the linuxptp under test (Debian's 3.1.1
# by default; tests/matrix/build-upstream builds 4.4). With 4.x both ptp4l
# also get a read-only socket (uds_ro_address, else /var/run/ptp4lro, which
# they would take from the host), checked here as well. A 4.x slave that
# cannot adjust the clock resets its servo at each Sync and stays
# UNCALIBRATED (3.1.1 goes on to SLAVE); the checks accept either.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${PHCB_BUILDDIR:=$(cd "$here/../.." && pwd)}"
PATH=$PATH:/usr/sbin:/sbin
export PATH

probe=$PHCB_BUILDDIR/tests/integration/ptpmgmt_probe
ns_a=phcbpmA$$
ns_b=phcbpmB$$
tmp=

ptpm_skip() {
	echo "SKIP: $*"
	exit 77
}

ptpm_fail() {
	local f
	echo "FAIL: $*"
	for f in "$tmp"/*.log "$tmp"/*.out; do
		[ -f "$f" ] || continue
		echo "--- $f"
		tail -n 25 "$f"
	done
	exit 1
}

ptpm_pass() {
	echo "ok: $*"
}

[ "$(id -u)" = 0 ] || ptpm_skip "needs root (network namespaces)"
command -v ip >/dev/null 2>&1 || ptpm_skip "ip (iproute2) not installed"
command -v "$PTP4L" >/dev/null 2>&1 || ptpm_skip "$PTP4L (linuxptp) not installed"
command -v "$PMC" >/dev/null 2>&1 || ptpm_skip "$PMC (linuxptp) not installed"
[ -x "$probe" ] || ptpm_fail "$probe not built"
version=$("$PTP4L" -v 2>&1)
major=${version%%.*}
case $major in
'' | *[!0-9]*) ptpm_fail "$PTP4L -v printed '$version'" ;;
esac
echo "ptp4l: $PTP4L (linuxptp $version), pmc: $PMC"

tmp=$(mktemp -d /tmp/ptpmgmt-live.XXXXXX) || ptpm_fail "mktemp"
chmod 0700 "$tmp"
at_exit "rm -rf '$tmp'"

ip netns add "$ns_a" 2>"$tmp/netns.err" || ptpm_skip "ip netns unusable: $(cat "$tmp/netns.err")"
at_exit "ip netns del $ns_a"
ip netns add "$ns_b" || ptpm_fail "ip netns add $ns_b"
at_exit "ip netns del $ns_b"

# A: va1 <-> vb1 (in B); va2 <-> vx2 both in A (a port with nobody behind it).
ip -n "$ns_a" link add va1 type veth peer name vb1 netns "$ns_b" || ptpm_fail "veth va1"
ip -n "$ns_a" link add va2 type veth peer name vx2 || ptpm_fail "veth va2"
ip -n "$ns_a" addr add 192.0.2.1/24 dev va1
ip -n "$ns_b" addr add 192.0.2.2/24 dev vb1
ip -n "$ns_a" addr add 198.51.100.1/24 dev va2
ip -n "$ns_a" addr add 198.51.100.2/24 dev vx2
for i in lo va1 va2 vx2; do ip -n "$ns_a" link set "$i" up || ptpm_fail "up $i"; done
for i in lo vb1; do ip -n "$ns_b" link set "$i" up || ptpm_fail "up $i"; done
for n in "$ns_a" "$ns_b"; do
	ip netns exec "$n" sysctl -qw net.ipv4.ip_unprivileged_port_start=0
done

sock_a=$tmp/ptp4l-a
sock_b=$tmp/ptp4l-b
printf '[global]\nuds_address %s\npriority1 100\n' "$sock_a" >"$tmp/a.cfg"
printf '[global]\nuds_address %s\nslaveOnly 1\n' "$sock_b" >"$tmp/b.cfg"
if [ "$major" -ge 4 ]; then
	printf 'uds_ro_address %s-ro\n' "$sock_a" >>"$tmp/a.cfg"
	printf 'uds_ro_address %s-ro\n' "$sock_b" >>"$tmp/b.cfg"
fi
if unshare -U -r true 2>/dev/null; then
	userns="unshare -U -r"
else
	userns=
	echo "note: no user namespaces; ptp4l runs with free_running 1"
	printf 'free_running 1\n' >>"$tmp/a.cfg"
	printf 'free_running 1\n' >>"$tmp/b.cfg"
fi

# $1 namespace, $2 config, $3 log, rest: interfaces
# Sets PTP4L_PID.
ptpm_start() {
	local n=$1 cfg=$2 log=$3 i ifs=()
	shift 3
	for i in "$@"; do ifs+=(-i "$i"); done
	# shellcheck disable=SC2086
	ip netns exec "$n" $userns "$PTP4L" -S "${ifs[@]}" -m -f "$cfg" >"$log" 2>&1 &
	PTP4L_PID=$!
	at_exit "kill $PTP4L_PID; wait $PTP4L_PID"
}

# $1 socket, $2 extended regex of portState, $3 how many ports must be in
# such a state (pmc's wildcard GET lists every port), $4 timeout in s
ptpm_wait_state() {
	local t=0 n
	while [ "$t" -lt "$4" ]; do
		n=$("$PMC" -u -b 0 -s "$1" 'GET PORT_DATA_SET' 2>/dev/null |
			grep -Ec "portState +($2)\$")
		[ "$n" -ge "$3" ] && return 0
		sleep 1
		t=$((t + 1))
	done
	return 1
}

# $1 file, $2 line prefix, $3 key: prints the value of key=value
ptpm_field() {
	grep "^$2 " "$1" | head -n 1 | tr ' ' '\n' | sed -n "s/^$3=//p"
}

ptpm_start "$ns_a" "$tmp/a.cfg" "$tmp/ptp4l-a.log" va1 va2
pid_a=$PTP4L_PID
ptpm_start "$ns_b" "$tmp/b.cfg" "$tmp/ptp4l-b.log" vb1

# While A listens (announce receipt timeout), its ports are LISTENING.
ptpm_wait_state "$sock_a" 'LISTENING|MASTER' 2 10 || ptpm_fail "ptp4l A did not come up"
ptpm_wait_state "$sock_a" MASTER 2 30 || ptpm_fail "A's ports never became MASTER"

# --- A: datasets, checked against pmc's view of the same ptp4l ---
"$probe" "$sock_a" "$tmp/probe.sock" get >"$tmp/a.out" 2>&1 || ptpm_fail "probe get A"
[ ! -e "$tmp/probe.sock" ] || ptpm_fail "probe left its client socket behind"
"$PMC" -u -b 0 -s "$sock_a" 'GET DEFAULT_DATA_SET' >"$tmp/pmc-a.out" 2>&1
clock_a=$(awk '$1 == "clockIdentity" { print $2 }' "$tmp/pmc-a.out")
[ -n "$clock_a" ] || ptpm_fail "pmc printed no clockIdentity"
got=$(ptpm_field "$tmp/a.out" DEFAULT_DATA_SET clockIdentity)
[ "$got" = "$clock_a" ] || ptpm_fail "A clockIdentity $got, pmc says $clock_a"
[ "$(ptpm_field "$tmp/a.out" DEFAULT_DATA_SET numberPorts)" = 2 ] || ptpm_fail "A numberPorts"
[ "$(ptpm_field "$tmp/a.out" DEFAULT_DATA_SET priority1)" = 100 ] || ptpm_fail "A priority1"
[ "$(ptpm_field "$tmp/a.out" DEFAULT_DATA_SET clockClass)" = 248 ] || ptpm_fail "A clockClass"
ptpm_pass "DEFAULT_DATA_SET of A matches pmc ($clock_a)"

# One wildcard GET PORT_DATA_SET, one response per port.
grep -q "^PORT_DATA_SET portIdentity=$clock_a-1 portState=MASTER " "$tmp/a.out" || ptpm_fail "A port 1 not MASTER"
grep -q "^PORT_DATA_SET portIdentity=$clock_a-2 portState=MASTER " "$tmp/a.out" || ptpm_fail "A port 2 not MASTER"
[ "$(grep -c '^PORT_DATA_SET ' "$tmp/a.out")" = 2 ] || ptpm_fail "A: not two PORT_DATA_SET responses"
ptpm_pass "two PORT_DATA_SET responses, both MASTER"

[ "$(ptpm_field "$tmp/a.out" TIME_STATUS_NP gmPresent)" = false ] || ptpm_fail "A gmPresent"
[ "$(ptpm_field "$tmp/a.out" TIME_STATUS_NP gmIdentity)" = "$clock_a" ] || ptpm_fail "A gmIdentity"
[ "$(ptpm_field "$tmp/a.out" PARENT_DATA_SET grandmasterIdentity)" = "$clock_a" ] || ptpm_fail "A grandmasterIdentity"
[ "$(ptpm_field "$tmp/a.out" PARENT_DATA_SET parentPortIdentity)" = "$clock_a-0" ] || ptpm_fail "A parentPortIdentity"
[ "$(ptpm_field "$tmp/a.out" TIME_PROPERTIES_DATA_SET currentUtcOffset)" = 37 ] || ptpm_fail "A currentUtcOffset"
[ "$(ptpm_field "$tmp/a.out" CURRENT_DATA_SET stepsRemoved)" = 0 ] || ptpm_fail "A stepsRemoved"
ptpm_pass "A is its own grandmaster"

# --- B: a slave of A ---
ptpm_wait_state "$sock_b" 'UNCALIBRATED|SLAVE' 1 30 || ptpm_fail "B never tracked A"
# gmPresent turns true at UNCALIBRATED; master_offset and ingress_time stay 0
# until the first Sync/Delay_Resp exchange completes (and the first offset
# reported can be exactly 0).
t=0
while :; do
	"$probe" "$sock_b" "$tmp/probe.sock" get >"$tmp/b.out" 2>&1 || ptpm_fail "probe get B"
	if [ "$(ptpm_field "$tmp/b.out" TIME_STATUS_NP ingress_time)" != 0 ] &&
		[ "$(ptpm_field "$tmp/b.out" TIME_STATUS_NP master_offset)" != 0 ]; then
		break
	fi
	t=$((t + 1))
	[ "$t" -le 20 ] || ptpm_fail "B measured no offset in 20 s"
	sleep 1
done
grep -Eq "^PORT_DATA_SET portIdentity=[0-9a-f.]+-1 portState=(UNCALIBRATED|SLAVE) " "$tmp/b.out" ||
	ptpm_fail "B port not UNCALIBRATED/SLAVE"
[ "$(ptpm_field "$tmp/b.out" DEFAULT_DATA_SET slaveOnly)" = true ] || ptpm_fail "B slaveOnly"
[ "$(ptpm_field "$tmp/b.out" TIME_STATUS_NP gmPresent)" = true ] || ptpm_fail "B gmPresent"
[ "$(ptpm_field "$tmp/b.out" TIME_STATUS_NP gmIdentity)" = "$clock_a" ] || ptpm_fail "B gmIdentity"
[ "$(ptpm_field "$tmp/b.out" PARENT_DATA_SET parentPortIdentity)" = "$clock_a-1" ] || ptpm_fail "B parent"
[ "$(ptpm_field "$tmp/b.out" PARENT_DATA_SET grandmasterPriority1)" = 100 ] || ptpm_fail "B gm priority1"
[ "$(ptpm_field "$tmp/b.out" CURRENT_DATA_SET stepsRemoved)" = 1 ] || ptpm_fail "B stepsRemoved"
# Both ptp4l read the same CLOCK_REALTIME: the offset is small, the last
# Sync fresh (ingress_time is CLOCK_REALTIME ns of its reception).
off=$(ptpm_field "$tmp/b.out" TIME_STATUS_NP master_offset)
ingress=$(ptpm_field "$tmp/b.out" TIME_STATUS_NP ingress_time)
now=$(date +%s%N)
off=${off#-}
[ "$off" -lt 10000000 ] || ptpm_fail "B master_offset $off ns"
age=$(((now - ingress) / 1000000000))
[ "$age" -ge 0 ] && [ "$age" -le 10 ] || ptpm_fail "B ingress_time $age s old"
state_b=$(sed -n 's/^PORT_DATA_SET .* portState=\([A-Z]*\) .*/\1/p' "$tmp/b.out")
ptpm_pass "B follows A ($state_b): |master_offset| $off ns, last Sync ${age}s ago"

# --- ptp4l's own error answer ---
"$probe" "$sock_b" "$tmp/probe.sock" get-id 0x200f >"$tmp/err.out" 2>&1
rc=$?
[ "$rc" = 3 ] && grep -q '^ERROR NOT_SUPPORTED managementId=0x200f' "$tmp/err.out" ||
	ptpm_fail "GET TIME: expected NOT_SUPPORTED (rc $rc)"
ptpm_pass "GET TIME answered with NOT_SUPPORTED"

# --- linuxptp 4.x: the read-only socket answers GET, refuses SET ---
if [ "$major" -ge 4 ]; then
	"$probe" "$sock_a-ro" "$tmp/probe.sock" get >"$tmp/ro.out" 2>&1 || ptpm_fail "probe get A read-only"
	[ "$(ptpm_field "$tmp/ro.out" DEFAULT_DATA_SET clockIdentity)" = "$clock_a" ] ||
		ptpm_fail "A's read-only socket: another clockIdentity"
	[ "$(grep -c '^PORT_DATA_SET ' "$tmp/ro.out")" = 2 ] || ptpm_fail "A read-only: not two PORT_DATA_SET"
	"$probe" "$sock_a-ro" "$tmp/probe.sock" subscribe 60 1 0 >"$tmp/ro-sub.out" 2>&1 ||
		ptpm_fail "probe subscribe A read-only"
	grep -q '^ERROR NOT_SUPPORTED managementId=0xc003 action=RESPONSE' "$tmp/ro-sub.out" ||
		ptpm_fail "SUBSCRIBE_EVENTS_NP on the read-only socket: $(cat "$tmp/ro-sub.out")"
	ptpm_pass "read-only socket: GET as on the other, SUBSCRIBE_EVENTS_NP refused with NOT_SUPPORTED"
fi

# --- port state notifications: take A's port 2 down and up ---
"$probe" "$sock_a" "$tmp/sub.sock" subscribe 60 30 2 >"$tmp/sub.out" 2>&1 &
sub_pid=$!
at_exit "kill $sub_pid"
t=0
while ! grep -q '^SUBSCRIBED duration=60 notifyPortState=true' "$tmp/sub.out"; do
	t=$((t + 1))
	[ "$t" -le 50 ] || ptpm_fail "no answer to SUBSCRIBE_EVENTS_NP"
	sleep 0.1
done
ip -n "$ns_a" link set va2 down
sleep 2
ip -n "$ns_a" link set va2 up
wait "$sub_pid" || ptpm_fail "subscription: no notifications"
grep -q "^NOTIFY PORT_DATA_SET portIdentity=$clock_a-2 portState=FAULTY " "$tmp/sub.out" ||
	ptpm_fail "no FAULTY notification for port 2"
grep -q "^NOTIFY PORT_DATA_SET portIdentity=$clock_a-2 portState=LISTENING " "$tmp/sub.out" ||
	ptpm_fail "no LISTENING notification for port 2"
ptpm_pass "port state pushes: port 2 FAULTY, then LISTENING"

# --- clean errors where nobody answers ---
"$probe" -d 7 -t 700 "$sock_a" "$tmp/probe.sock" get >"$tmp/domain.out" 2>&1
rc=$?
[ "$rc" = 1 ] && grep -q 'timeout' "$tmp/domain.out" || ptpm_fail "other domain: expected a timeout (rc $rc)"
ptpm_pass "a message for another domain is ignored by ptp4l (timeout)"

"$probe" "$tmp/nothing-here" "$tmp/probe.sock" get >"$tmp/enoent.out" 2>&1
rc=$?
[ "$rc" = 1 ] && grep -q 'No such file or directory' "$tmp/enoent.out" || ptpm_fail "absent socket (rc $rc)"
ptpm_pass "absent server socket: ENOENT"

# A ptp4l killed hard leaves its socket file; nobody is bound to it.
kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null
[ -S "$sock_a" ] || ptpm_fail "ptp4l left no socket file after SIGKILL"
"$probe" "$sock_a" "$tmp/probe.sock" get >"$tmp/refused.out" 2>&1
rc=$?
[ "$rc" = 1 ] && grep -q 'Connection refused' "$tmp/refused.out" || ptpm_fail "stale server socket (rc $rc)"
ptpm_pass "stale server socket: ECONNREFUSED"
exit 0
