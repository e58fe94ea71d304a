#!/bin/bash
# tgm-gate.sh: the gate on a GNSS grandmaster (T-GM). A real ptp4l runs as
# master in a network namespace, and its clockClass is changed as ts2phc's
# pipeline would on a T-GM, with pmc SET GRANDMASTER_SETTINGS_NP:
# 248 (free running) -> 6 (locked) -> 248 -> 6. The gate, left in its
# default mode (auto), must find that ptp4l is its own grandmaster, lock on
# 6, send chronyd to NTP on 248 and back on 6, without restarting it; the
# grandmaster's own leap announcement reaches the samples. Prints, last:
#   gate: mode=grandmaster chronyd=V ptp4l=W path=P ptp_to_ntp_s=A ntp_to_ptp_s=B chronyd_restarts=0 flaps=F
# (tests/matrix runs it on chronyd 4.8 and ptp4l 4.4 too).
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
need_cmd "$PTP4L"
need_cmd "$PMC"
need_cmd ip
make_workdir
CTL="$PHCB_BUILDDIR/phcbrokerctl"

# ---- chronyd under test: an NTP server at chrony's default poll, the PHC ----
start_ntp_server ntp
sock=/run/chrony.phcbt-tgm-$$.sock
at_exit "rm -f $sock"
start_chronyd c "server 127.0.0.1 port $NTP_PORT iburst minpoll 6 maxpoll 6
refclock SOCK $sock refid TGM poll 0 prefer trust"
chronyd_pid=$(cat "$WORK/c/pid")
ntp_selected() { chronyc_of c sources | grep -q "^^,\*,127.0.0.1,"; }

ctl() { "$CTL" -s "$WORK/ctl.sock" "$@" 2>/dev/null; }
# gate_field KEY: a field of GET GATE for TGM
gate_field() {
	ctl 'GET GATE' | awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }'
}
gate_is() { [ "$(gate_field state)" = "$1" ]; }
chrony_count() { ctl 'GET CHRONY' | awk -v k="$1" '$1 == k { print $2; exit }'; }
# since_decision: when the gate's current state began (now_ns units)
since_decision() { awk -v n="$(now_ns)" -v s="$(gate_field since_s)" 'BEGIN { printf "%.0f", n - s * 1e9 }'; }
secs_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

# ---- ptp4l, the grandmaster: alone on its veth, free running at first ----
ns_m=phcbtgM$$
ns_s=phcbtgS$$
ptp_netns_pair "$ns_m" "$ns_s"
unshare -U -r true 2>/dev/null || skip "user namespaces unavailable (ptp4l must not touch the host clock)"
gm="$WORK/ptp-gm"
printf '[global]\nuds_address %s\nclockClass 248\n%s\n' "$gm" "$PTP_FAST" >"$WORK/gm.cfg"
[ "$(ptp4l_major)" -ge 4 ] 2>/dev/null && printf 'uds_ro_address %s\n' "$gm-ro" >>"$WORK/gm.cfg"
ip netns exec "$ns_m" "${USERNS_ROOT[@]}" "$PTP4L" -S -i vm -f "$WORK/gm.cfg" -m >"$WORK/ptp-gm.log" 2>&1 &
at_exit "kill $!"
wait_until 10 test -S "$gm" || fail "ptp4l did not start: $(tail -3 "$WORK/ptp-gm.log")"

# gm_settings CLASS LEAP61: what ts2phc's side of a T-GM sets in ptp4l
gm_settings() {
	"$PMC" -u -b 0 -s "$gm" "SET GRANDMASTER_SETTINGS_NP clockClass $1 clockAccuracy 0x21 offsetScaledLogVariance 0x4e5d currentUtcOffset 37 leap61 $2 leap59 0 currentUtcOffsetValid 1 ptpTimescale 1 timeTraceable 1 frequencyTraceable 1 timeSource 0x20" 2>&1 |
		grep -q "clockClass *$1" || fail "ptp4l did not take clockClass $1"
	t_set=$(now_ns)
}

# ---- the broker: one source gated on the grandmaster ptp4l, mode auto ----
{
	broker_global c
	cat <<EOC
[source TGM]
device sim
sock $sock
offset 2us
ptp4l_socket $gm
EOC
} >"$WORK/broker.conf"
start_broker "$WORK/broker.conf"

# free running: ptp4l is its own grandmaster but no T-GM yet; no lock
wait_until 15 sh -c "'$CTL' -s '$WORK/ctl.sock' 'GET PTP' | grep -q 'port_state.*MASTER'" ||
	fail "ptp4l did not become master: $(ctl 'GET PTP' | head -20)"
sleep 12
gate_is PTP && fail "locked on a free-running grandmaster: $(gate_field condition)"
note "clockClass 248: $(gate_field state), $(gate_field condition)"

# ---- 6: GNSS locked; the gate finds a grandmaster and locks ----
gm_settings 6 0
wait_until 30 gate_is PTP || fail "no lock on clockClass 6: $(gate_field condition)"
[ "$(gate_field conditions)" = grandmaster ] || fail "conditions $(gate_field conditions), not grandmaster"
lock_after=$(secs_between "$t_set" "$(since_decision)")
wait_until 15 selected c TGM || fail "chronyd did not select TGM: $(chronyc_of c sources)"
note "clockClass 6: locked ${lock_after}s after the change ($(grep 'TGM: gate' "$WORK/broker.log" | tail -1))"

# the grandmaster's leap announcement travels in the samples. ptp4l 4.x,
# as grandmaster, takes a leap61 set between 00:00 and 06:00 UTC for a leap
# second already past: it adds it to its UTC offset (38) and clears the
# flag at once. The broker follows what ptp4l announces in either case;
# from 06:00 to 24:00 (and on ptp4l 3.x always) the flag itself must pass.
src_leap() { ctl 'GET SOURCES' | awk '$1 == "leap" { print $2; exit }'; }
leap_is() { [ "$(src_leap)" = "$1" ]; }
gm_tds() { "$PMC" -u -b 0 -s "$gm" "GET TIME_PROPERTIES_DATA_SET" 2>/dev/null | awk -v k="$1" '$1 == k { print $2; exit }'; }
broker_utc_offset() { ctl 'GET PTP' | awk '$1 == "current_utc_offset" { print $2; exit }'; }
# follows_gm: the broker's leap and UTC offset are ptp4l's own, now
follows_gm() {
	gm_leap=$(gm_tds leap61)
	gm_off=$(gm_tds currentUtcOffset)
	[ -n "$gm_leap" ] && leap_is "$gm_leap" && [ "$(broker_utc_offset)" = "$gm_off" ]
}
gm_settings 6 1
wait_until 5 follows_gm || fail "the grandmaster's leap61 not passed on: leap=$(src_leap) utc_offset=$(broker_utc_offset), ptp4l: leap61=$gm_leap utc_offset=$gm_off"
day_s=$(( $(date -u +%s) % 86400 ))
if [ "$gm_leap" = 1 ]; then
	leap_seen="leap61 reached the samples"
elif [ "$gm_off" = 38 ] && [ "$day_s" -lt 21700 ]; then
	leap_seen="ptp4l took leap61 for a past leap second at $(date -u +%H:%M) UTC (offset 38, flag cleared); the broker followed"
else
	fail "ptp4l announces leap61=$gm_leap utc_offset=$gm_off at $(date -u +%H:%M) UTC after leap61 1 with 37"
fi
gm_settings 6 0
wait_until 5 follows_gm || fail "leap61 not cleared: leap=$(src_leap) utc_offset=$(broker_utc_offset), ptp4l: leap61=$gm_leap utc_offset=$gm_off"
leap_is 0 || fail "leap61 not cleared: leap=$(src_leap)"
note "the grandmaster's leap: $leap_seen; cleared"

# ---- 248: holdover over; chronyd goes to NTP ----
sleep 20 # let the NTP server's last sample age, as at chrony's default poll
sel0=$(chrony_count selects_done)
res0=$(chrony_count resets_done)
gm_settings 248 0
t_class=$t_set
wait_until 10 gate_is NTP || fail "clockClass 248 did not unlock: $(gate_field condition)"
t_decision=$(since_decision)
wait_until 10 ntp_selected || fail "chronyd did not move to NTP: $(chronyc_of c sources)"
t_ntp=$(now_ns)
ptp_to_ntp=$(secs_between "$t_decision" "$t_ntp")
gate_path_ok "$sel0" "$res0" "$(chrony_count selects_done)" "$(chrony_count resets_done)" ||
	fail "chronyd $(chronyd_version) must be moved by $(gate_path)"
note "clockClass 248: gate decision to chronyd on NTP ${ptp_to_ntp}s (class change to NTP $(secs_between "$t_class" "$t_ntp")s); $(grep 'TGM: gate' "$WORK/broker.log" | tail -1)"

# ---- 6 again: back to the PHC ----
gm_settings 6 0
wait_until 40 gate_is PTP || fail "no relock on clockClass 6: $(gate_field condition)"
t_lock=$(since_decision)
wait_until 15 selected c TGM || fail "chronyd did not come back to TGM: $(chronyc_of c sources)"
ntp_to_ptp=$(secs_between "$t_lock" "$(now_ns)")
note "clockClass 6 again: lock to chronyd on TGM ${ntp_to_ptp}s"

# ---- the end: one chronyd throughout ----
[ "$(cat "$WORK/c/chronyd.pid")" = "$chronyd_pid" ] && kill -0 "$chronyd_pid" || fail "chronyd was restarted"
flaps=$(gate_field flaps)
ctl 'GET GATE' 'GET PTP' | sed 's/^/    /' | head -40
stop_broker
limit=2.0
[ "$(gate_path)" = selectopts ] || limit=6.0
awk -v a="$ptp_to_ntp" -v l=$limit 'BEGIN { exit !(a <= l) }' || fail "ptp_to_ntp_s=$ptp_to_ntp above the $limit s goal for chronyd $(chronyd_version)"
awk -v b="$ntp_to_ptp" 'BEGIN { exit !(b <= 5.0) }' || fail "ntp_to_ptp_s=$ntp_to_ptp above the 5 s goal"
ptp4l_ver=$("$PTP4L" -v 2>&1 | head -1)
echo "gate: mode=grandmaster chronyd=$(chronyd_version) ptp4l=$ptp4l_ver path=$(gate_path) ptp_to_ntp_s=$ptp_to_ntp ntp_to_ptp_s=$ntp_to_ptp chronyd_restarts=0 flaps=$flaps"
