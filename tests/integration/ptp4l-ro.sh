#!/bin/bash
# ptp4l-ro.sh: a source gated on linuxptp 4.x's read-only management socket.
#
# A ptp4l 4.x slave (network namespace, a user namespace: userns_root.py, software
# timestamping) has both a read-write socket (uds_address) and a read-only
# one (uds_ro_address). phcbrokerd watches it twice: source ROS through the
# read-only socket, RWS through the read-write one. Both must lock on GET
# polling alone; ROS must say, once at warning level and in GET PTP, that
# its socket is read-only (no subscription, no SET) and keep polling
# without spinning; RWS must be subscribed and receive port state pushes.
#
# ptp4l and pmc: $PHCB_PTP4L and $PHCB_PMC, else the linuxptp 4.4 that
# tests/matrix/build-upstream builds; skipped when neither is available or
# the ptp4l is older than 4.0 (no uds_ro_address).
. "$(dirname "$0")/lib.sh"
PATH=$PATH:/usr/sbin:/sbin
need_root
need_cmd ip
need_cmd chronyd
CTL="$PHCB_BUILDDIR/phcbrokerctl"

if [ -z "${PHCB_PTP4L:-}" ]; then
	dir=$("$PHCB_SRCDIR/tests/matrix/build-upstream" linuxptp)
	rc=$?
	[ $rc = 77 ] && skip "no ptp4l 4.x: set PHCB_PTP4L/PHCB_PMC, or provide ../shared/vendor for tests/matrix/build-upstream"
	[ $rc = 0 ] || fail "tests/matrix/build-upstream linuxptp failed ($rc)"
	PTP4L=$dir/ptp4l
	PMC=${PHCB_PMC:-$dir/pmc}
elif [ -z "${PHCB_PMC:-}" ] && [ -x "$(dirname "$PHCB_PTP4L")/pmc" ]; then
	PMC=$(dirname "$PHCB_PTP4L")/pmc
fi
command -v "$PTP4L" >/dev/null 2>&1 || skip "$PTP4L not found"
command -v "$PMC" >/dev/null 2>&1 || skip "$PMC not found"
version=$("$PTP4L" -v 2>&1)
[ "${version%%.*}" -ge 4 ] 2>/dev/null ||
	skip "$PTP4L is linuxptp $version: uds_ro_address needs 4.0 or later"
echo "ptp4l: $PTP4L (linuxptp $version)"
unshare -U -r true 2>/dev/null || skip "user namespaces unavailable (ptp4l must not touch the host clock)"
make_workdir

# ---- ptp4l: master and slave, each with a read-write and a read-only socket ----
ns_m=phcbroM$$
ns_s=phcbroS$$
ptp_netns_pair "$ns_m" "$ns_s"
fast=$PTP_FAST
# Both sockets in $WORK: the default uds_ro_address /var/run/ptp4lro would
# replace the host's. The slave runs free (a 4.x ptp4l resets its servo
# each time it cannot adjust the clock, as in a user namespace) and is told
# below that its sync is certain, without which it stays UNCALIBRATED.
printf '[global]\nuds_address %s\nuds_ro_address %s\npriority1 100\nclockClass 6\n%s\n' \
	"$WORK/ptp-m" "$WORK/ptp-m-ro" "$fast" >"$WORK/m.cfg"
printf '[global]\nuds_address %s\nuds_ro_address %s\nclientOnly 1\nfree_running 1\n%s\n' \
	"$WORK/ptp-s" "$WORK/ptp-s-ro" "$fast" >"$WORK/s.cfg"
ip netns exec "$ns_m" "${USERNS_ROOT[@]}" "$PTP4L" -S -i vm -f "$WORK/m.cfg" -m >"$WORK/ptp-m.log" 2>&1 &
at_exit "kill $!"
ip netns exec "$ns_s" "${USERNS_ROOT[@]}" "$PTP4L" -S -i vs -f "$WORK/s.cfg" -m >"$WORK/ptp-s.log" 2>&1 &
at_exit "kill $!"
wait_until 10 test -S "$WORK/ptp-s-ro" || fail "ptp4l slave did not start: $(tail -5 "$WORK/ptp-s.log")"
[ -S "$WORK/ptp-s" ] || fail "no read-write socket: $(tail -5 "$WORK/ptp-s.log")"
ptp4l_sync_certain "$WORK/ptp-s"
# pmc can do no SET on the read-only socket either
"$PMC" -u -b 0 -s "$WORK/ptp-s-ro" 'SET SYNCHRONIZATION_UNCERTAIN_NP 0' >"$WORK/pmc-ro.out" 2>&1
grep -q 'RESPONSE MANAGEMENT_ERROR_STATUS' "$WORK/pmc-ro.out" ||
	fail "SET on the read-only socket was not refused: $(cat "$WORK/pmc-ro.out")"
note "ptp4l refuses SET on its read-only socket (pmc: MANAGEMENT_ERROR_STATUS)"

# ---- chronyd and the broker: ROS on the read-only socket, RWS on the other ----
sock_r=/run/chrony.phcbt-ror-$$.sock
sock_w=/run/chrony.phcbt-row-$$.sock
start_chronyd c "refclock SOCK $sock_r refid ROS poll 0 prefer trust
refclock SOCK $sock_w refid RWS poll 0 noselect"
# software timestamps of a free-running slave: tens of microseconds
gate_opts='gate_lock_offset 1ms
gate_unlock_offset 5ms
gate_lock_dwell 3s
gate_max_sync_age 2s'
{
	broker_global c
	cat <<EOC
[source ROS]
device sim
sock $sock_r
offset 2us
ptp4l_socket $WORK/ptp-s-ro
$gate_opts
[source RWS]
device sim
sock $sock_w
offset 2us
ptp4l_socket $WORK/ptp-s
$gate_opts
EOC
} >"$WORK/broker.conf"
start_broker "$WORK/broker.conf"

# item_field ITEM SOURCE KEY: a field of GET ITEM for SOURCE
item_field() {
	"$CTL" -s "$WORK/ctl.sock" "GET $1" | awk -v s="$2" -v k="$3" '
		/ RESPONSE / { cur = $NF } cur == s && $1 == k { $1 = ""; sub(/^ /, ""); print; exit }'
}
gate_is() { [ "$(item_field GATE "$1" state)" = "$2" ]; }
ptp_is() { [ "$(item_field PTP "$1" "$2")" = "$3" ]; }
ro_warnings() { grep -c "ROS: ptp4l at .*ptp-s-ro is a read-only management socket" "$WORK/broker.log"; }

# ---- GET works on both: the gates lock on polling ----
wait_until 60 gate_is ROS PTP || fail "ROS (read-only socket) never locked: $(item_field GATE ROS condition); $(tail -3 "$WORK/ptp-s.log")"
wait_until 20 gate_is RWS PTP || fail "RWS (read-write socket) never locked: $(item_field GATE RWS condition)"
wait_until 15 selected c ROS || fail "chronyd did not select ROS: $(chronyc_of c sources)"
for s in ROS RWS; do
	ptp_is $s port_state SLAVE || fail "$s: port_state $(item_field PTP $s port_state)"
	ptp_is $s reachable yes || fail "$s: not reachable"
	ptp_is $s gm_present yes || fail "$s: no grandmaster"
done
note "both gates PTP on GET polling, chronyd selected ROS"

# ---- the read-only one says so; the read-write one is subscribed ----
ptp_is ROS access read-only || fail "ROS access: $(item_field PTP ROS access)"
ptp_is ROS subscription read-only || fail "ROS subscription: $(item_field PTP ROS subscription)"
item_field PTP ROS note | grep -q "uds_address" || fail "ROS note: $(item_field PTP ROS note)"
ptp_is RWS access read-write || fail "RWS access: $(item_field PTP RWS access)"
ptp_is RWS subscription active || fail "RWS subscription: $(item_field PTP RWS subscription)"
[ -z "$(item_field PTP RWS note)" ] || fail "RWS has a note: $(item_field PTP RWS note)"
[ "$(ro_warnings)" = 1 ] || fail "$(ro_warnings) read-only warnings: $(grep -i read-only "$WORK/broker.log")"
grep "ptp-s-ro is a read-only" "$WORK/broker.log" | grep -q "warning" ||
	fail "the read-only notice is not at warning level: $(grep 'read-only' "$WORK/broker.log")"
! grep -q "ptp-s is a read-only\|ptp-s refused" "$WORK/broker.log" || fail "RWS was called read-only"
note "ROS: $(item_field PTP ROS note)"

# ---- no spinning, no spam: polls at 1 s, one warning ----
req0=$(item_field PTP ROS requests)
sleep 5
req1=$(item_field PTP ROS requests)
n=$((req1 - req0))
[ "$n" -ge 15 ] && [ "$n" -le 35 ] || fail "ROS sent $n requests in 5 s (5 per poll, 1 poll/s expected)"
[ "$(ro_warnings)" = 1 ] || fail "read-only warning repeated: $(ro_warnings)"
ptp_is ROS last_error - || fail "ROS last_error: $(item_field PTP ROS last_error)"
ptp_is ROS timeouts 0 || fail "ROS timeouts: $(item_field PTP ROS timeouts)"
note "ROS polled $n requests in 5 s; one warning"

# ---- pushes reach only the subscribed source ----
ip -n "$ns_s" link set vs down
sleep 1
ip -n "$ns_s" link set vs up
pushed() { [ "$(item_field PTP RWS notifications)" -gt 0 ]; }
wait_until 10 pushed || fail "RWS got no port state push"
ptp_is ROS notifications 0 || fail "ROS got pushes: $(item_field PTP ROS notifications)"
wait_until 60 gate_is ROS PTP || fail "ROS did not lock again: $(item_field GATE ROS condition)"
[ "$(ro_warnings)" = 1 ] || fail "read-only warning repeated after the link flap: $(ro_warnings)"
note "link flap: RWS got $(item_field PTP RWS notifications) pushes, ROS none and locked again by polling"

"$CTL" -s "$WORK/ctl.sock" 'GET PTP' | sed 's/^/    /'
stop_broker
echo "ptp4l-ro: linuxptp $version, read-only source locked by polling, read-write source subscribed"
