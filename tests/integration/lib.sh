# lib.sh: shared helpers of the integration tests (sourced, not run).
# Tests get PHCB_BUILDDIR and PHCB_SRCDIR from make; a test exits 77 (skip)
# only when what it needs is truly missing, and says why.

: "${PHCB_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PHCB_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
PHCBROKERD="$PHCB_BUILDDIR/phcbrokerd"
# PHCB_WRAPPER runs the daemon under e.g. "valgrind --trace-children=yes
# --error-exitcode=99" (--trace-children for the worker). valgrind cannot
# run a process that loads a seccomp filter, so then the daemon is the
# test build (tests/phcbrokerd-hooks), whose worker skips its own filter
# when PHCB_TEST_NO_WORKER_FILTER is set.
: "${PHCB_WRAPPER:=}"
if [ -n "$PHCB_WRAPPER" ]; then
	PHCBROKERD="$PHCB_BUILDDIR/tests/phcbrokerd-hooks"
	export PHCB_TEST_NO_WORKER_FILTER=1
fi

# Tests run as production does: chronyd as its own user (Debian's unit runs
# it as _chrony), phcbrokerd as its unit runs it: the unit's User= and
# Group=, with exactly its ambient and bounding capabilities (setpriv:
# there is no systemd as PID 1 here), each daemon with a private runtime
# directory. PHCB_CHRONY_USER names chronyd's user.
: "${PHCB_CHRONY_USER:=_chrony}"
export PHCB_CHRONY_USER
PHCB_UNIT="$PHCB_SRCDIR/systemd/phcbrokerd.service.in"

# The daemons under test: Debian's by default; PHCB_CHRONYD/PHCB_CHRONYC and
# PHCB_PTP4L/PHCB_PMC point the tests at other builds (tests/matrix).
CHRONYD=${PHCB_CHRONYD:-chronyd}
CHRONYC=${PHCB_CHRONYC:-chronyc}
PTP4L=${PHCB_PTP4L:-ptp4l}
PMC=${PHCB_PMC:-pmc}
export CHRONYD CHRONYC PTP4L PMC # the probes run chronyc too

# chronyd_version: "4.3" from the chronyd under test.
chronyd_version() { "$CHRONYD" -v | sed -n 's/.*version \([0-9][0-9.]*\).*/\1/p'; }
# chronyd_at_least MAJOR MINOR: the chronyd under test is MAJOR.MINOR or later.
chronyd_at_least() {
	local v
	v=$(chronyd_version)
	awk -v v="$v" -v a="$1" -v b="$2" 'BEGIN { split(v, p, "."); exit !(p[1] > a || (p[1] == a && p[2] >= b)) }'
}

phcb_cleanups=()
phcb_cleanup() {
	local i
	for ((i = ${#phcb_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${phcb_cleanups[$i]}" >/dev/null 2>&1 || true
	done
}
trap phcb_cleanup EXIT
trap 'exit 130' INT TERM
at_exit() { phcb_cleanups+=("$*"); }

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
note() { echo "--- $*"; }

need_root() { [ "$(id -u)" = 0 ] || skip "needs root (chronyd binds its sockets in /run)"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"; }

# A private work directory, removed at exit (kept when the caller sets
# PHCB_TEST_TMPDIR to hold it: tests/sanitize/run reads its logs): the
# unit user's, mode 0711 so that chronyd's user can reach its own directory
# and our sockets inside it.
make_workdir() {
	WORK=$(mktemp -d "${PHCB_TEST_TMPDIR:-/tmp}/phcb-test.XXXXXX") || fail "mktemp"
	chmod 711 "$WORK"
	# the daemon's own, as its RuntimeDirectory= is: sockets the tests
	# put here pass its directory checks (owner, not group-writable)
	chown "$UNIT_USER:$UNIT_GROUP" "$WORK"
	[ -n "${PHCB_TEST_TMPDIR:-}" ] || at_exit "rm -rf '$WORK'"
	# the probes' chronyd client sockets: the probes run as root, and a
	# socket directory must be its user's own
	mkdir -m 711 "$WORK/probe"
	export PHCB_CLIENT_DIR="$WORK/probe"
	unit_syscall_filter
}

# the unit's user, groups and capabilities (unit_key, caps_arg,
# UNIT_USER, UNIT_GROUP, UNIT_AMBIENT, unit_user_ensure, as_unit_cmd)
PHCB_SYSUSERS="$PHCB_SRCDIR/systemd/phcbroker.sysusers"
. "$PHCB_SRCDIR/tests/common/unit_identity.sh"

# unit_dir DIR: DIR made as the daemon's own (a run_dir made for it, as
# systemd's RuntimeDirectory= would), mode 0755 unless given.
unit_dir() { mkdir -p -m "${2:-755}" "$1" && chown "$UNIT_USER:$UNIT_GROUP" "$1"; }

# "${AS_UNIT[@]}" CMD...: run CMD as the unit runs phcbrokerd (an array,
# not a function, so that "$!" is the daemon's own PID).
unit_user_ensure || fail "cannot create the unit's user $UNIT_USER"
read -r -a AS_UNIT <<<"$(as_unit_cmd)"

# unit_syscall_list OUT: the system calls the unit's SystemCallFilter=
# lines allow, one per line, as systemd composes them: the first line
# without ~ starts an allow-list, later lines add to it, ~ lines take
# away; groups (@name) are expanded recursively with systemd-analyze.
# Fails when the unit has no allow-list.
unit_syscall_list() {
	local filters
	filters=$(sed -n 's/^SystemCallFilter=//p' "$PHCB_UNIT")
	[ -n "$filters" ] && [ "${filters:0:1}" != "~" ] || return 1
	systemd-analyze syscall-filter 2>/dev/null | awk -v filters="$filters" '
		/^@/ { g = $1; next }
		/^ +#/ || NF == 0 { next }
		g != "" { member[g] = member[g] " " $1 }
		function expand(name, sign, k, n, m) {
			if (name !~ /^@/) { set[name] = sign; return }
			if (!(name in member)) { print "unknown group " name > "/dev/stderr"; bad = 1; return }
			n = split(member[name], m, " ")
			for (k = 1; k <= n; k++)
				expand(m[k], sign)
		}
		END {
			nl = split(filters, lines, "\n")
			for (i = 1; i <= nl; i++) {
				sign = 1
				if (substr(lines[i], 1, 1) == "~") { sign = 0; lines[i] = substr(lines[i], 2) }
				nw = split(lines[i], w, " ")
				for (j = 1; j <= nw; j++)
					expand(w[j], sign)
			}
			for (c in set)
				if (set[c])
					print c
			exit bad
		}' | sort >"$1" && [ -s "$1" ]
}

# unit_syscall_filter: from here on "${AS_UNIT[@]}" also applies the unit's
# SystemCallFilter= and RestrictAddressFamilies= (tests/integration/
# seccomp_exec: a call outside the list kills the daemon, where the unit's
# SystemCallErrorNumber=EPERM would fail it), unless PHCB_NO_SECCOMP gives a reason not to or PHCB_WRAPPER (valgrind)
# is set; says so when it cannot.
unit_syscall_filter() {
	local tool="$PHCB_BUILDDIR/tests/integration/seccomp_exec"
	grep -q '^SystemCallFilter=' "$PHCB_UNIT" || return 0
	if [ -n "${PHCB_NO_SECCOMP:-}" ]; then
		note "not under the unit's SystemCallFilter=: $PHCB_NO_SECCOMP"
	elif [ -n "${PHCB_WRAPPER:-}" ]; then
		note "not under the unit's SystemCallFilter=: $PHCB_WRAPPER needs calls outside it"
	elif [ ! -x "$tool" ]; then
		note "not under the unit's SystemCallFilter=: $tool not built (no libseccomp at configure?)"
	elif ! command -v systemd-analyze >/dev/null 2>&1; then
		note "not under the unit's SystemCallFilter=: systemd-analyze is not installed"
	elif ! unit_syscall_list "$WORK/unit-syscalls"; then
		fail "cannot expand the unit's SystemCallFilter= with systemd-analyze"
	else
		read -r -a AS_UNIT <<<"$(as_unit_cmd)"
		AS_UNIT+=("$tool")
		# RestrictAddressFamilies= (an allow-list): socket() of any
		# other family fails with EAFNOSUPPORT
		local fams
		fams=$(unit_key RestrictAddressFamilies)
		[ -z "$fams" ] || [ "${fams:0:1}" = "~" ] ||
			AS_UNIT+=(--families "${fams// /,}")
		AS_UNIT+=("$WORK/unit-syscalls" --)
	fi
}

# now_ns: the system time in nanoseconds.
now_ns() { date +%s%N; }

# wait_until TIMEOUT_S CMD...: poll CMD every 0.1 s until it succeeds.
# log_count TEXT: how many lines of the broker's log have TEXT
log_count() { grep -c -- "$1" "$WORK/broker.log" || true; }
# more_logged TEXT N: TEXT is logged more than N times now (after a
# signal: an earlier line of the same text does not count)
more_logged() { [ "$(log_count "$1")" -gt "$2" ]; }

wait_until() {
	local timeout=$1 start
	shift
	start=$(now_ns)
	while ! "$@"; do
		if [ $(( ($(now_ns) - start) / 1000000 )) -gt $((timeout * 1000)) ]; then
			return 1
		fi
		sleep 0.1
	done
}

# start_chronyd NAME EXTRA_CONF: a private chronyd -x (never touches the
# clock) running as $PHCB_CHRONY_USER, with its command socket at
# $WORK/NAME/chronyd.sock in a directory of that user, mode 0750 (as
# Debian's /run/chrony).
start_chronyd() {
	local name=$1 extra=$2 dir="$WORK/$1"
	id "$PHCB_CHRONY_USER" >/dev/null 2>&1 ||
		fail "no user $PHCB_CHRONY_USER (the chrony package creates it)"
	mkdir -p "$dir" && chown "$PHCB_CHRONY_USER:" "$dir" && chmod 750 "$dir"
	cat >"$dir/chrony.conf" <<EOC
cmdport 0
port 0
pidfile $dir/chronyd.pid
bindcmdaddress $dir/chronyd.sock
driftfile $dir/drift
$extra
EOC
	rm -f "$dir/chronyd.pid"
	[ -n "${phcb_chronyd_noted:-}" ] || { note "chronyd under test: $CHRONYD, version $(chronyd_version)"; phcb_chronyd_noted=1; }
	"$CHRONYD" -x -u "$PHCB_CHRONY_USER" -d -f "$dir/chrony.conf" >>"$dir/chronyd.log" 2>&1 &
	local pid=$!
	at_exit "kill $pid"
	wait_until 10 test -S "$dir/chronyd.sock" || fail "chronyd $name did not start: $(tail -3 "$dir/chronyd.log")"
	echo "$pid" >"$dir/pid"
}

# start_fakephc MOUNTDIR DEVICE [FAKEPHC ARGS...]: fakephc mounted at
# MOUNTDIR, open to other users (the daemon runs as the unit's user;
# FUSE refuses everyone but the mounter otherwise), with its truth socket at $WORK/truth.sock, stopped and unmounted
# at exit; returns once MOUNTDIR/DEVICE exists. FAKEPHC_PID is its pid.
start_fakephc() {
	local mnt=$1 dev=$2
	shift 2
	"$PHCB_BUILDDIR/tests/fakephc/fakephc" -m "$mnt" --allow-other --truth-socket "$WORK/truth.sock" "$@" 2>"$WORK/fakephc.log" &
	FAKEPHC_PID=$!
	FAKEPHC_MNT=$mnt
	at_exit fakephc_stop
	wait_until 10 test -e "$mnt/$dev" -a -S "$WORK/truth.sock" ||
		fail "fakephc did not come up: $(cat "$WORK/fakephc.log")"
}

fakephc_stop() {
	kill "$FAKEPHC_PID" 2>/dev/null
	wait "$FAKEPHC_PID" 2>/dev/null
	grep -q " $FAKEPHC_MNT " /proc/mounts && { fusermount3 -u -z "$FAKEPHC_MNT" || umount -l "$FAKEPHC_MNT"; }
}

stop_chronyd() {
	local dir="$WORK/$1" pid
	pid=$(cat "$dir/pid")
	kill "$pid" 2>/dev/null
	wait_until 10 sh -c "! kill -0 $pid 2>/dev/null" || fail "chronyd $1 did not stop"
}

chronyc_of() { local name=$1; shift; "$CHRONYC" -h "$WORK/$name/chronyd.sock" -c "$@" 2>/dev/null; }

# selected NAME REFID: chronyd NAME has selected REFID (state '*').
selected() { chronyc_of "$1" sources | grep -q "^#,\*,$2,"; }

# tracking_field NAME N: field N of chronyc -c tracking (5 = system time).
tracking_field() { chronyc_of "$1" tracking | cut -d, -f"$2"; }

# broker_global CHRONY_NAME: the [global] section of a test broker talking
# to start_chronyd's CHRONY_NAME, with its sockets under $WORK.
broker_global() {
	cat <<EOC
[global]
control_socket $WORK/ctl.sock
chronyd_socket $WORK/$1/chronyd.sock
run_dir $WORK/run
log_level info
summary_interval 0
EOC
}

# start_broker CONF: phcbrokerd in the foreground as the unit runs it, log
# in $WORK/broker.log.
# PHCB_BROKER_ARGS: more options for every phcbrokerd the tests start
# (PHCB_BROKER_ARGS=--no-privsep make check: the whole suite in one
# process; the default is a parent and its worker).
# METRICS_ADDR=address:port: start_broker hands phcbrokerd a socket
# listening there, named "metrics", as systemd's phcbrokerd-metrics.socket
# does (socket_activate.py; the config says metrics_listen systemd): the
# unit allows the daemon no internet socket of its own.
start_broker() {
	local sa=()
	[ -z "${METRICS_ADDR:-}" ] ||
		sa=(python3 "$PHCB_SRCDIR/tests/integration/socket_activate.py" "$METRICS_ADDR" metrics --)
	"${sa[@]}" "${AS_UNIT[@]}" $PHCB_WRAPPER "$PHCBROKERD" ${PHCB_BROKER_ARGS:-} -n -f "$1" >>"$WORK/broker.log" 2>&1 &
	BROKER_PID=$!
	at_exit "kill $BROKER_PID"
}

stop_broker() {
	kill "$BROKER_PID" 2>/dev/null
	wait "$BROKER_PID"
	local rc=$?
	[ $rc -eq 0 ] || fail "phcbrokerd exited with $rc: $(tail -5 "$WORK/broker.log")"
}

# start_responder SCRIPT_LINE...: the scripted ptp4l stand-in at
# $WORK/ptp4l.sock (control socket $WORK/responder.ctl) following the given
# script lines; rctl CMD sends it a run-time command.
RESPONDER="$PHCB_BUILDDIR/tests/ptpresponder/ptpresponder"
start_responder() {
	[ -x "$RESPONDER" ] || fail "$RESPONDER not built"
	printf '%s\n' "$@" >"$WORK/script"
	"$RESPONDER" -s "$WORK/ptp4l.sock" -c "$WORK/responder.ctl" "$WORK/script" >"$WORK/responder.log" 2>&1 &
	at_exit "kill $!"
	wait_until 5 test -S "$WORK/ptp4l.sock" || fail "responder did not start: $(cat "$WORK/responder.log")"
}
rctl() { "$RESPONDER" -c "$WORK/responder.ctl" --send "$*" >/dev/null || fail "responder refused: $*"; }

# start_ntp_server NAME: a chronyd that serves NTP on loopback (local
# stratum 3) at a free port, left in NTP_PORT.
start_ntp_server() {
	NTP_PORT=$(free_udp_port)
	start_chronyd "$1" "port $NTP_PORT
allow 127.0.0.1
local stratum 3"
}

# free_port tcp|udp: a port of that protocol nothing listens on.
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		grep -qi ":$(printf '%04X' $p) " "/proc/net/$1" "/proc/net/${1}6" 2>/dev/null || { echo $p; return; }
	done
	fail "no free $1 port"
}
# free_tcp_port: for metrics_listen; free_udp_port: for a loopback NTP server.
free_tcp_port() { free_port tcp; }
free_udp_port() { free_port udp; }

# "${USERNS_ROOT[@]}" CMD...: CMD (ptp4l) as root of a user namespace, off
# the host clock, in which the unit's user is mapped too, so that it can
# answer the daemon's sockets as ptp4l on the host does (userns_root.py).
USERNS_ROOT=(python3 "$PHCB_SRCDIR/tests/integration/userns_root.py"
	"$(id -u "$UNIT_USER" 2>/dev/null || echo 0)" "$(id -g "$UNIT_USER" 2>/dev/null || echo 0)")

# ptp_netns_pair NS_M NS_S: two network namespaces joined by a veth pair,
# vm in NS_M (192.0.2.1) and vs in NS_S (192.0.2.2): TEST-NET-1, only inside
# them; removed at exit. Skips where network namespaces are unusable.
ptp_netns_pair() {
	local m=$1 s=$2 n
	ip netns add "$m" 2>/dev/null || skip "ip netns unusable"
	at_exit "ip netns del $m"
	ip netns add "$s" || fail "ip netns add $s"
	at_exit "ip netns del $s"
	ip -n "$m" link add vm type veth peer name vs netns "$s" || fail "veth pair"
	ip -n "$m" addr add 192.0.2.1/24 dev vm
	ip -n "$s" addr add 192.0.2.2/24 dev vs
	for n in lo vm; do ip -n "$m" link set "$n" up; done
	for n in lo vs; do ip -n "$s" link set "$n" up; done
	for n in "$m" "$s"; do
		ip netns exec "$n" sysctl -qw net.ipv4.ip_unprivileged_port_start=0
	done
}

# ptp4l intervals that lock a slave in seconds (ptp4l config lines).
PTP_FAST='logSyncInterval -3
logAnnounceInterval -2
announceReceiptTimeout 3
logMinDelayReqInterval -3'

# ptp_master_slave TAG [SLAVE_SOCK]: real ptp4l, software timestamping (-S), PTP_FAST:
# a master (priority1 100, clockClass 6) and a slaveOnly slave, in the two
# network namespaces of ptp_netns_pair and each in a user namespace, so
# neither can adjust the host clock. Management sockets $WORK/ptp-m and
# SLAVE_SOCK (default $WORK/ptp-s; left in PTP_SLAVE_SOCK), logs
# $WORK/ptp-m.log and ptp-s.log. ptp4l 4.x opens a
# read-only socket too (default /var/run/ptp4lro: the host's): each gets
# its own. Its servo unlocks when it cannot adjust the clock (it cannot, in
# a user namespace), so there the slave runs free_running and is told its
# sync is certain (ptp4l_sync_certain), which lets it reach SLAVE without
# adjusting anything. ptp_start_master (re)starts the master, leaving its
# PID in PTP_MASTER_PID. Skips where namespaces are unusable.
ptp_master_slave() {
	ptp_netns_pair "phcb$1M$$" "phcb$1S$$"
	PTP_NS_M="phcb$1M$$"
	PTP_SLAVE_SOCK=${2:-$WORK/ptp-s}
	unshare -U -r true 2>/dev/null || skip "user namespaces unavailable (the ptp4l slave must not touch the host clock)"
	printf '[global]\nuds_address %s\npriority1 100\nclockClass 6\n%s\n' "$WORK/ptp-m" "$PTP_FAST" >"$WORK/m.cfg"
	printf '[global]\nuds_address %s\nslaveOnly 1\n%s\n' "$PTP_SLAVE_SOCK" "$PTP_FAST" >"$WORK/s.cfg"
	local major
	major=$(ptp4l_major)
	if [ "${major:-0}" -ge 4 ]; then
		printf 'uds_ro_address %s\n' "$WORK/ptp-m-ro" >>"$WORK/m.cfg"
		printf 'uds_ro_address %s\nfree_running 1\n' "$WORK/ptp-s-ro" >>"$WORK/s.cfg"
	fi
	ptp_start_master
	ip netns exec "phcb$1S$$" "${USERNS_ROOT[@]}" "$PTP4L" -S -i vs -f "$WORK/s.cfg" -m >"$WORK/ptp-s.log" 2>&1 &
	at_exit "kill $!"
	if [ "${major:-0}" -ge 4 ]; then
		wait_until 10 test -S "$PTP_SLAVE_SOCK" || fail "ptp4l slave did not start: $(tail -3 "$WORK/ptp-s.log")"
		ptp4l_sync_certain "$PTP_SLAVE_SOCK"
	fi
}
ptp_start_master() {
	ip netns exec "$PTP_NS_M" "${USERNS_ROOT[@]}" "$PTP4L" -S -i vm -f "$WORK/m.cfg" -m >>"$WORK/ptp-m.log" 2>&1 &
	PTP_MASTER_PID=$!
	at_exit "kill $PTP_MASTER_PID"
}

# ptp4l_major: the major version of the ptp4l under test (3, 4, ...).
ptp4l_major() { "$PTP4L" -v 2>&1 | sed -n '1s/^\([0-9]*\).*/\1/p'; }

# ptp4l_sync_certain SOCK: tell the free_running ptp4l 4.x at SOCK that its
# synchronisation is certain, so that its port reaches SLAVE without
# adjusting any clock (a 4.x servo that cannot adjust the clock, as in a
# user namespace, unlocks for good). Fails after 10 s.
ptp4l_sync_certain() {
	phcb_certain() { "$PMC" -u -b 0 -s "$1" 'SET SYNCHRONIZATION_UNCERTAIN_NP 0' 2>/dev/null | grep -q 'uncertain 0'; }
	wait_until 10 phcb_certain "$1" || fail "ptp4l at $1 did not take SET SYNCHRONIZATION_UNCERTAIN_NP 0"
}

# gate_path: how the gate must move this chronyd between the PHC and NTP:
# "selectopts" on chronyd 4.4 and later, "reset+burst" before.
gate_path() { if chronyd_at_least 4 4; then echo selectopts; else echo reset+burst; fi; }

# gate_path_ok SEL0 RES0 SEL1 RES1: GET CHRONY's selects_done and
# resets_done before (0) and after (1) a gate change show that path, and
# only that one.
gate_path_ok() {
	if [ "$(gate_path)" = selectopts ]; then
		[ "$3" -gt "$1" ] && [ "$4" -eq "$2" ]
	else
		[ "$4" -gt "$2" ] && [ "$3" -eq "$1" ]
	fi
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# tree_rss_kib PID: the RSS of PID and its children (a phcbrokerd parent
# and its worker; a --no-privsep daemon alone)
tree_rss_kib() {
	local p sum=0
	for p in "$1" $(pgrep -P "$1"); do
		sum=$((sum + $(rss_kib "$p" || echo 0)))
	done
	echo "$sum"
}

# elapsed_s START_NS: seconds since START_NS, 1 decimal.
elapsed_s() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

# abs_diff_ok A B LIMIT: |A - B| <= LIMIT (floats).
abs_diff_ok() { awk -v a="$1" -v b="$2" -v l="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= l) }'; }
