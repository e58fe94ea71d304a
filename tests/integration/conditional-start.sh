#!/bin/bash
# conditional-start.sh: phcbroker side by side with OpenShift's conditional
# start of chronyd, on the same ptp4l losing and regaining its master.
#
# The conditional-start scheme is re-implemented here from its published
# behaviour (OpenShift's 05-chrony-dynamic MachineConfig): a sync check
# marks PTP in sync with a file (/var/run/ptp/insync there; from ptp4l's
# port state here, where the original scrapes linuxptp-daemon's log),
# chronyd.service carries ConditionPathExists=! on that file, and a timer
# restarts chronyd every 5 minutes: while the file exists the restart stops
# chronyd and the condition keeps it stopped (phc2sys steers the clock
# from the PHC); without it chronyd starts and uses NTP. The timer is
# scaled: TIMER_S (default 10 s, PHCB_CS_TIMER) for 300 s, 1:30.
#
# The phcbroker side: one chronyd, always running, with the NTP server and
# the broker's refclock, the gate on the same ptp4l at its defaults (only
# the offsets widened for software timestamping).
#
# Both sides see the same events: the master is killed at a random phase
# of the timer, left dead for two timer periods, and restarted. A sampler
# reads, every 0.25 s, what each side's clock follows. Per side it prints
#   side: scheme=S timer_s=T cycles=N to_ntp_s=A back_to_ptp_s=B chronyd_restarts=R no_source_s=X unsync_phc_s=Y
# to_ntp_s: master killed -> chronyd has NTP selected; back_to_ptp_s:
# master restarted -> the PHC in use again (broker: chronyd selects it;
# conditional: chronyd stopped, phc2sys alone); chronyd_restarts: times
# chronyd was stopped (by the timer; each is a restart, or a stop that
# hands the clock to phc2sys); no_source_s: chronyd
# running without a selected source; unsync_phc_s: the clock follows the
# PHC while ptp4l is not SLAVE (gate holdover; phc2sys before the timer
# fires). A, B: mean over the cycles; R, X, Y: totals. PHCB_CS_CYCLES sets
# the number of cycles (default 1). See doc/openshift.md.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
need_cmd "$PTP4L"
need_cmd "$PMC"
need_cmd ip
make_workdir
CTL="$PHCB_BUILDDIR/phcbrokerctl"
TIMER_S=${PHCB_CS_TIMER:-10}
CYCLES=${PHCB_CS_CYCLES:-1}

# ---- ptp4l: master and slave, software timestamping, namespaces ----
ptp_master_slave cs

# ---- NTP server; the broker's chronyd (b) ----
start_ntp_server ntp
server="server 127.0.0.1 port $NTP_PORT iburst minpoll 6 maxpoll 6"
sock=/run/chrony.phcbt-cs-$$.sock
at_exit "rm -f $sock"
start_chronyd b "$server
refclock SOCK $sock refid CSB poll 0 prefer trust"
b_pid=$(cat "$WORK/b/pid")
{
	broker_global b
	cat <<EOC
[source CSB]
device sim
sock $sock
offset 2us
ptp4l_socket $WORK/ptp-s
# software timestamping over veth: microseconds, not nanoseconds
gate_lock_offset 100us
gate_unlock_offset 500us
EOC
} >"$WORK/broker.conf"
start_broker "$WORK/broker.conf"

# ---- the conditional side: chronyd (cs) under a scaled timer ----
# cs_chronyd_up: the conditional chronyd runs
cs_chronyd_up() { [ -s "$WORK/cs/pid" ] && kill -0 "$(cat "$WORK/cs/pid")" 2>/dev/null; }
ptp_in_sync() { "$PMC" -u -b 0 -s "$WORK/ptp-s" 'GET PORT_DATA_SET' 2>/dev/null | grep -q 'portState *SLAVE'; }
# one timer tick: the sync check, then "systemctl restart chronyd"
cs_tick() {
	if ptp_in_sync; then touch "$WORK/insync"; else rm -f "$WORK/insync"; fi
	if cs_chronyd_up; then
		stop_chronyd cs
		: >"$WORK/cs/pid"
		echo "stop $(now_ns)" >>"$WORK/cs-events"
	fi
	if [ ! -e "$WORK/insync" ]; then
		start_chronyd cs "$server"
		echo "start $(now_ns)" >>"$WORK/cs-events"
	fi
}
cs_timer() {
	while :; do
		sleep "$TIMER_S"
		cs_tick
	done
}
: >"$WORK/cs-events"
cs_tick # at boot: the marker decides whether chronyd starts
cs_timer &
at_exit "kill $!"
at_exit "[ -s $WORK/cs/pid ] && kill \$(cat $WORK/cs/pid)"

# ---- both sides settled on PTP ----
ctl() { "$CTL" -s "$WORK/ctl.sock" "$@" 2>/dev/null; }
gate_is() { [ "$(ctl 'GET GATE' | awk '$1 == "state" { print $2; exit }')" = "$1" ]; }
cs_on_ptp() { [ -e "$WORK/insync" ] && ! cs_chronyd_up; }
wait_until 90 gate_is PTP || fail "the broker never locked: $(ctl 'GET GATE' | grep -w condition)"
wait_until 15 selected b CSB || fail "chronyd did not select CSB: $(chronyc_of b sources)"
wait_until $((TIMER_S * 3)) cs_on_ptp || fail "the conditional side did not settle on PTP"
note "both sides on PTP"

# ---- the sampler: what each side follows, every 0.25 s ----
# fields: t_ns, broker (P PHC, N NTP, - none), conditional (S stopped,
# N NTP, - running without a source), ptp4l slave in sync (1/0)
side_b() {
	local s
	s=$(chronyc_of b sources)
	case "$s" in *'#,*,CSB,'*) echo P ;; *'^,*,'*) echo N ;; *) echo - ;; esac
}
side_c() {
	cs_chronyd_up || { echo S; return; }
	case "$(chronyc_of cs sources)" in *'^,*,'*) echo N ;; *) echo - ;; esac
}
sampler() {
	while :; do
		printf '%s %s %s %s\n' "$(now_ns)" "$(side_b)" "$(side_c)" "$(ptp_in_sync && echo 1 || echo 0)"
		sleep 0.25
	done >>"$WORK/trace"
}
sampler &
sampler_pid=$!
at_exit "kill $sampler_pid"

b_on_ntp() { [ "$(side_b)" = N ]; }
c_on_ntp() { [ "$(side_c)" = N ]; }
: >"$WORK/events"
for cycle in $(seq "$CYCLES"); do
	sleep "$(awk -v t="$TIMER_S" -v r=$RANDOM 'BEGIN { printf "%.2f", t * r / 32768 }')"
	kill "$PTP_MASTER_PID"
	echo "kill $(now_ns)" >>"$WORK/events"
	wait_until 60 b_on_ntp || fail "cycle $cycle: the broker's chronyd did not go to NTP"
	wait_until $((TIMER_S * 2 + 30)) c_on_ntp || fail "cycle $cycle: the conditional chronyd did not start on NTP"
	sleep $((TIMER_S * 2))
	ptp_start_master
	echo "back $(now_ns)" >>"$WORK/events"
	wait_until 90 selected b CSB || fail "cycle $cycle: the broker's chronyd did not come back to the PHC"
	wait_until $((TIMER_S * 3 + 30)) cs_on_ptp || fail "cycle $cycle: the conditional side did not go back to PTP"
	note "cycle $cycle done"
done
sleep 1
kill "$sampler_pid"
[ "$(cat "$WORK/b/pid")" = "$b_pid" ] && kill -0 "$b_pid" || fail "the broker's chronyd was restarted"
stop_broker

# ---- the figures, from the trace and the events ----
figures() {
	awk -v side="$1" -v scheme="$2" -v timer="$TIMER_S" -v cycles="$CYCLES" -v restarts="$3" '
		FILENAME == ARGV[1] { ev[++ne] = $1; evt[ne] = $2; next }
		{ t[++n] = $1; b[n] = $2; c[n] = $3; p[n] = $4 }
		END {
			for (i = 2; i <= n; i++) {
				s = side == "b" ? b[i] : c[i]
				dt = (t[i] - t[i - 1]) / 1e9
				if (s == "-") nosrc += dt
				if ((s == "P" || s == "S") && p[i] == 0) unsync += dt
			}
			for (k = 1; k <= ne; k++) {
				for (i = 1; i <= n; i++) {
					if (t[i] < evt[k]) continue
					s = side == "b" ? b[i] : c[i]
					if (ev[k] == "kill" && s == "N") { tn += (t[i] - evt[k]) / 1e9; break }
					if (ev[k] == "back" && (s == "P" || s == "S")) { tb += (t[i] - evt[k]) / 1e9; break }
				}
			}
			printf "side: scheme=%s timer_s=%s cycles=%d to_ntp_s=%.1f back_to_ptp_s=%.1f chronyd_restarts=%d no_source_s=%.1f unsync_phc_s=%.1f\n",
				scheme, timer, cycles, tn / cycles, tb / cycles, restarts, nosrc, unsync
		}' "$WORK/events" "$WORK/trace"
}
# restarts: chronyd stopped by the timer while measured (each tick that
# finds it running stops it, then starts it again unless PTP is in sync)
t_first=$(head -1 "$WORK/trace" | cut -d' ' -f1)
cs_restarts=$(awk -v t0="$t_first" '$1 == "stop" && $2 >= t0' "$WORK/cs-events" | grep -c .)
side_cs=$(figures c conditional-start "$cs_restarts")
side_pb=$(figures b phcbroker 0)
echo "$side_cs"
echo "$side_pb"

# the re-implementation behaves as published: chronyd was stopped at least
# twice a cycle (restarted to leave PTP, stopped to go back)
[ "$cs_restarts" -ge $((CYCLES * 2)) ] || fail "the conditional side restarted chronyd only $cs_restarts times"
val() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
# the broker's side: the gate's dwell and holdover, never a restart
awk -v a="$(val "$side_pb" to_ntp_s)" -v b="$(val "$side_pb" back_to_ptp_s)" 'BEGIN { exit !(a <= 20 && b <= 60) }' ||
	fail "the broker was slow: $side_pb"
