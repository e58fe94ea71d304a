#!/bin/bash
# chrony-feed.sh: a sim PHC (+250 us, +2 ppm) fed to the real chronyd 4.3:
# chronyd selects it within 30 s and its offset matches the truth within 1 us.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
need_cmd "$CHRONYC"
make_workdir

sock=/run/chrony.phcbt-feed-$$.sock
epoch=$(date +%s.%N)
start_chronyd c "refclock SOCK $sock refid SIMF poll 0 precision 1e-8 prefer trust"
cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/run/control.sock
summary_interval 5s
log_level info
[source SIMF]
device sim
sock $sock
rate 8Hz
readings 25
offset 250us
freq 2ppm
sim_epoch $epoch
seed 11
EOC
t0=$(now_ns)
start_broker "$WORK/broker.conf"
wait_until 30 selected c SIMF || fail "chronyd did not select SIMF within 30 s: $(chronyc_of c sources)"
first_selection=$(elapsed_s "$t0")
note "chronyd selected SIMF after ${first_selection}s"

# let chronyd's frequency estimate settle, then compare with the truth
sleep 10
worst=0
for i in 1 2 3 4 5; do
	before=$(now_ns)
	sys=$(tracking_field c 5)
	after=$(now_ns)
	truth=$(awk -v e="$epoch" -v t="$(( (before + after) / 2 ))" \
		'BEGIN { printf "%.9f", 250e-6 + 2e-6 * (t / 1e9 - e) }')
	err_ns=$(awk -v a="$sys" -v b="$truth" 'BEGIN { printf "%.0f", (a - b) * 1e9 }')
	note "chronyd offset ${sys}s truth ${truth}s error ${err_ns}ns"
	abs_diff_ok "$sys" "$truth" 1e-6 || fail "chronyd's offset $sys is not within 1 us of $truth"
	a=${err_ns#-}
	[ "$a" -gt "$worst" ] && worst=$a
	sleep 1
done
selected c SIMF || fail "SIMF no longer selected"
rss=$(tree_rss_kib "$BROKER_PID") # parent + worker
stop_broker
grep -q "summary: state=running" "$WORK/broker.log" || fail "no summary in the log"
echo "feed: first_selection_s=$first_selection worst_offset_error_ns=$worst broker_rss_kib=$rss"
