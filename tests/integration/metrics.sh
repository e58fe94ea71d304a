#!/bin/bash
# metrics.sh: /metrics of a running daemon (sim PHC, a real chronyd, the
# ptp4l stand-in) passes `promtool check metrics`, agrees with
# phcbrokerctl, names every metric the alert rules and the dashboard use,
# keeps the shipped alerts silent (but the kernel's where it should fire),
# answers only GET /metrics, and the textfile is replaced atomically.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd "$CHRONYD"
need_cmd python3
make_workdir
CTL="$PHCB_BUILDDIR/phcbrokerctl"
SRC=$PHCB_SRCDIR

port=$(free_tcp_port)
METRICS_ADDR=127.0.0.1:$port # phcbrokerd-metrics.socket

sock=/run/chrony.phcbt-metrics-$$.sock
start_chronyd c "refclock SOCK $sock refid MTR poll 0 prefer trust"
start_responder "0.0 state SLAVE offset 20 class 6 gm 1 utcoffset 37 utcvalid 1"
cat >"$WORK/broker.conf" <<EOC
[global]
run_dir $WORK/run
control_socket $WORK/ctl.sock
chronyd_socket $WORK/c/chronyd.sock
summary_interval 2s
metrics_listen systemd
metrics_textfile $WORK/prom/phcbroker.prom
[source MTR]
device sim
sock $sock
rate 8Hz
ptp4l_socket $WORK/ptp4l.sock
gate_lock_dwell 1s
EOC
mkdir -p "$WORK/prom"
chmod 755 "$WORK/prom"
start_broker "$WORK/broker.conf"
wait_until 10 test -S "$WORK/ctl.sock" || fail "no control socket: $(tail -5 "$WORK/broker.log")"
wait_until 30 selected c MTR || fail "chronyd did not select MTR"
synced() { "$CTL" -s "$WORK/ctl.sock" "GET CHRONY" | grep -q "synced_to_broker *yes"; }
wait_until 10 synced || fail "the broker does not see chronyd synchronised to it"
URL="http://127.0.0.1:$port/metrics"

# scrape.py URL [METHOD]: the body on stdout, "status=N type=T" on stderr
cat >"$WORK/scrape.py" <<'EOP'
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1], method=sys.argv[2] if len(sys.argv) > 2 else "GET")
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        sys.stdout.write(r.read().decode())
        sys.stderr.write("status=%d type=%s\n" % (r.status, r.headers.get("Content-Type")))
except urllib.error.HTTPError as e:
    sys.stderr.write("status=%d allow=%s\n" % (e.code, e.headers.get("Allow")))
EOP
scrape() { python3 "$WORK/scrape.py" "$@"; }

# 1. the format, checked by Prometheus's own linter
ctl_all() { for i in STATUS DEVICES SOURCES FILTER GATE PTP CHRONY; do "$CTL" -s "$WORK/ctl.sock" "GET $i"; done; }
ctl_all >"$WORK/ctl.before"
scrape "$URL" >"$WORK/scrape.txt" 2>"$WORK/scrape.hdr" || fail "scrape failed"
ctl_all >"$WORK/ctl.after"
grep -q "status=200 type=text/plain; version=0.0.4" "$WORK/scrape.hdr" || fail "scrape: $(cat "$WORK/scrape.hdr")"
families=$(grep -c '^# TYPE ' "$WORK/scrape.txt")
series=$(grep -vc '^#' "$WORK/scrape.txt")
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics <"$WORK/scrape.txt" >"$WORK/promtool.out" 2>&1 ||
		fail "promtool check metrics: $(cat "$WORK/promtool.out")"
	lint=pass
else
	lint="skipped (promtool not installed)"
fi

# 2. /metrics and phcbrokerctl agree: counters lie between the two
# readings of phcbrokerctl around the scrape, states are equal
python3 - "$WORK/scrape.txt" "$WORK/ctl.before" "$WORK/ctl.after" >"$WORK/agree.out" <<'EOP' || fail "metrics and phcbrokerctl disagree: $(cat "$WORK/agree.out")"
import re, sys
metrics = {}
for line in open(sys.argv[1]):
    if line.startswith("#") or not line.strip():
        continue
    name, value = line.rsplit(" ", 1)
    metrics[name] = float(value)
def ctl(path):
    out, item, src = {}, None, None
    for line in open(path):
        m = re.match(r"\s+phcbrokerd RESPONSE (\S+)(?: (\S+))?", line)
        if m:
            item, src = m.group(1), m.group(2)
            continue
        parts = line.split(None, 1)
        if item and len(parts) == 2 and line.startswith("\t\t"):
            out[(item, parts[0])] = parts[1].strip()
    return out
a, b = ctl(sys.argv[2]), ctl(sys.argv[3])
checked = 0
def counter(item, key, series, scale=1.0):
    global checked
    lo, hi, m = float(a[(item, key)]), float(b[(item, key)]), metrics[series] * scale
    assert lo <= m <= hi, "%s %s: ctl %s..%s, metrics %s" % (item, key, lo, hi, m)
    checked += 1
def equal(item, key, series, want):
    global checked
    assert a[(item, key)] == b[(item, key)] == want, (item, key, a[(item, key)], want)
    assert metrics[series] == 1, (series, metrics.get(series))
    checked += 1
S = 'source="MTR"'
counter("DEVICES", "polls", "phcbroker_source_polls_total{%s}" % S)
counter("DEVICES", "reads", "phcbroker_source_reads_total{%s}" % S)
counter("DEVICES", "opens", "phcbroker_source_device_opens_total{%s}" % S)
counter("DEVICES", "read_errors", "phcbroker_source_read_errors_total{%s}" % S)
counter("SOURCES", "samples_sent", "phcbroker_sock_samples_sent_total{%s}" % S)
counter("SOURCES", "send_errors", "phcbroker_sock_send_errors_total{%s}" % S)
counter("SOURCES", "chronyd_returns", "phcbroker_sock_reconnects_total{%s}" % S)
counter("FILTER", "steps", "phcbroker_source_steps_total{%s}" % S)
counter("FILTER", "rejected", 'phcbroker_source_samples_total{%s,verdict="reject"}' % S)
counter("GATE", "flaps", "phcbroker_gate_flaps_total{%s}" % S)
counter("GATE", "fallbacks_to_ntp", "phcbroker_gate_fallbacks_total{%s}" % S)
counter("PTP", "timeouts", "phcbroker_ptp4l_timeouts_total{%s}" % S)
# accepted = every verdict but reject
acc = sum(metrics['phcbroker_source_samples_total{%s,verdict="%s"}' % (S, v)] for v in ("accept", "step", "resync"))
lo, hi = float(a[("FILTER", "accepted")]), float(b[("FILTER", "accepted")])
assert lo <= acc <= hi, ("accepted", lo, hi, acc)
checked += 1
# the sum of transitions by cause is GET GATE's count
tr = sum(v for k, v in metrics.items() if k.startswith("phcbroker_gate_transitions_total{%s," % S))
assert float(a[("GATE", "transitions")]) <= tr <= float(b[("GATE", "transitions")]), ("transitions", tr)
checked += 1
# readings: used + delay_filtered + invalid = readings per poll * reads
rd = sum(metrics['phcbroker_source_readings_total{%s,result="%s"}' % (S, r)] for r in ("used", "delay_filtered", "invalid"))
reads = metrics["phcbroker_source_reads_total{%s}" % S]
assert rd == reads * float(a[("DEVICES", "readings_per_poll")]), ("readings", rd, reads)
assert metrics['phcbroker_source_read_delay_seconds_count{%s}' % S] == rd, "delay histogram count"
checked += 2
equal("GATE", "state", 'phcbroker_gate_state{%s,state="PTP"}' % S, "PTP")
equal("DEVICES", "state", "phcbroker_source_up{%s}" % S, "running")
equal("SOURCES", "feeding", "phcbroker_source_feeding{%s}" % S, "yes")
equal("PTP", "port_state", 'phcbroker_ptp4l_port_state{%s,state="SLAVE"}' % S, "SLAVE")
equal("CHRONY", "synced_to_broker", "phcbroker_chronyd_synced_to_broker", "yes")
equal("CHRONY", "selected", 'phcbroker_chronyd_selected_info{reference="MTR"}', "MTR")
assert metrics["phcbroker_ptp4l_clock_class{%s}" % S] == float(a[("PTP", "gm_clock_class")]) == 6
assert metrics["phcbroker_ptp4l_master_offset_seconds{%s}" % S] * 1e9 == float(a[("PTP", "master_offset_ns")])
assert metrics["phcbroker_ptp4l_utc_offset_seconds{%s}" % S] == 37
checked += 3
assert metrics['phcbroker_chronyd_refclock_selected{refid="MTR"}'] == 1
assert metrics['phcbroker_chronyd_refclock_reach{refid="MTR"}'] > 0
assert 0 < metrics["phcbroker_source_error_bound_seconds{%s}" % S] < 1e-6
assert metrics['phcbroker_metrics_scrapes_total'] >= 1
info = [k for k in metrics if k.startswith("phcbroker_source_info{")]
assert len(info) == 1 and 'method="sim"' in info[0] and 'driver="sim"' in info[0], info
print("agree: %d fields compared, transitions=%d readings=%d" % (checked, tr, rd))
EOP
cat "$WORK/agree.out"

# 3. every metric the rules, the PrometheusRule and the dashboard use exists
names=skipped
if [ -x "$SRC/tests/observability/check-names.py" ]; then
	python3 "$SRC/tests/observability/check-names.py" --scrape "$WORK/scrape.txt" \
		"$SRC/prometheus/phcbroker-rules.yml" "$SRC/openshift/phcbroker-prometheusrule.yaml" \
		"$SRC/grafana/phcbroker-dashboard.json" >"$WORK/names.out" 2>&1 ||
		fail "names the rules or dashboard use are not exported: $(cat "$WORK/names.out")"
	names=pass
fi

# 3b. the shipped alert rules on this daemon's own series: all silent but
# the kernel's, which fires where this host's kernel clock is
# unsynchronised (the test's chronyd runs with -x and never syncs it)
rules=skipped
if [ "$lint" = pass ]; then
	expect=
	grep -q '^phcbroker_kernel_synchronized 0$' "$WORK/scrape.txt" && expect=PhcbrokerKernelUnsynchronised:warning
	python3 "$SRC/tests/observability/live-rules.py" "$SRC/prometheus/phcbroker-rules.yml" \
		"$WORK/scrape.txt" "$WORK" $expect >"$WORK/rules.out" 2>&1 ||
		fail "alert rules on the live series: $(cat "$WORK/rules.out")"
	rules="pass (firing: ${expect:-none})"
fi

# 4. only GET/HEAD /metrics
scrape "http://127.0.0.1:$port/" >/dev/null 2>"$WORK/h1"
grep -q "status=404" "$WORK/h1" || fail "/ answered $(cat "$WORK/h1")"
scrape "$URL" POST >/dev/null 2>"$WORK/h2"
grep -q "status=405 allow=GET, HEAD" "$WORK/h2" || fail "POST answered $(cat "$WORK/h2")"
[ -z "$(scrape "$URL" HEAD 2>"$WORK/h3")" ] && grep -q "status=200" "$WORK/h3" || fail "HEAD: $(cat "$WORK/h3")"

# 5. the textfile: there, 0644, valid, and replaced on the summary tick
tf=$WORK/prom/phcbroker.prom
wait_until 5 test -s "$tf" || fail "no textfile"
[ "$(stat -c %a "$tf")" = 644 ] || fail "textfile mode $(stat -c %a "$tf")"
tf_polls() { sed -n 's/^phcbroker_source_polls_total{source="MTR"} //p' "$tf"; }
polls1=$(tf_polls)
# a new file every summary_interval (2 s): its counters move
tf_moved() { [ "$(tf_polls)" != "$polls1" ]; }
wait_until 5 tf_moved || fail "textfile not replaced within 5 s"
polls2=$(tf_polls)
[ "$polls2" -gt "$polls1" ] || fail "textfile polls $polls1 -> $polls2"
[ -z "$(find "$WORK/prom" -name '*.tmp.*')" ] || fail "temporary files left: $(ls "$WORK/prom")"
if [ "$lint" = pass ]; then
	promtool check metrics <"$tf" >"$WORK/promtool2.out" 2>&1 || fail "textfile: $(cat "$WORK/promtool2.out")"
fi

# 6. a reload that changes metrics_listen is refused (needs a restart)
sed -i "s/^metrics_listen .*/metrics_listen 127.0.0.1:$((port + 1))/" "$WORK/broker.conf"
kill -HUP "$BROKER_PID"
wait_until 5 grep -q "reload refused: metrics_listen" "$WORK/broker.log" || fail "reload with a new metrics_listen not refused"
scrape "$URL" >"$WORK/scrape2.txt" 2>/dev/null || fail "no metrics after the refused reload"
grep -q '^phcbroker_config_reloads_total{result="refused"} 1$' "$WORK/scrape2.txt" || fail "refused reload not counted"
stop_broker

# 7. metrics_listen systemd with no socket passed: said so, with the fix,
# and the daemon runs on
: >"$WORK/broker.log"
sed -i "s/^metrics_listen .*/metrics_listen systemd/" "$WORK/broker.conf"
METRICS_ADDR='' start_broker "$WORK/broker.conf"
wait_until 10 grep -q "systemd passed no socket named 'metrics'; is phcbrokerd-metrics.socket enabled" "$WORK/broker.log" ||
	fail "no socket from systemd: not said: $(tail -3 "$WORK/broker.log")"
wait_until 10 test -S "$WORK/ctl.sock" || fail "the daemon stopped without its metrics socket"
stop_broker
# 8. an address of its own, under the unit's RestrictAddressFamilies=
# (lib.sh applies it when it applies the system call filter): refused by
# the kernel, and the log says what to do instead
if [[ " ${AS_UNIT[*]} " == *" --families "* ]]; then
	: >"$WORK/broker.log"
	sed -i "s/^metrics_listen .*/metrics_listen 127.0.0.1:$port/" "$WORK/broker.conf"
	METRICS_ADDR='' start_broker "$WORK/broker.conf"
	wait_until 10 grep -q "Address family not supported.*allows only AF_UNIX: use metrics_listen systemd" "$WORK/broker.log" ||
		fail "an internet socket under the unit: $(tail -3 "$WORK/broker.log")"
	stop_broker
else
	note "not under the unit's RestrictAddressFamilies=: the refusal of an own address is not checked"
fi
echo "metrics: families=$families series=$series bytes=$(wc -c <"$WORK/scrape.txt") promtool=$lint names=$names live_rules=$rules $(cat "$WORK/agree.out" | sed 's/^agree: //')"
