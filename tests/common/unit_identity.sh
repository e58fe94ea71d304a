# unit_identity.sh: who the shipped unit runs phcbrokerd as, for the
# quickstart demo and the integration tests alike (sourced; bash).
#
#   PHCB_UNIT=.../phcbrokerd.service.in PHCB_SYSUSERS=.../phcbroker.sysusers
#   . unit_identity.sh
#
# gives unit_key, caps_arg, UNIT_USER, UNIT_GROUP, UNIT_AMBIENT,
# unit_bounding_set, unit_user_ensure and as_unit_cmd.

# unit_key KEY: the unit's last KEY= value.
unit_key() { sed -n "s/^$1=//p" "$PHCB_UNIT" | tail -1; }

# caps_arg "CAP_A CAP_B": setpriv's form of a capability list
# ("-all,+a,+b").
caps_arg() {
	local c out="-all"
	for c in $1; do
		c=${c#CAP_}
		out="$out,+${c,,}"
	done
	echo "$out"
}

# unit_bounding_set: the unit's CapabilityBoundingSet= as setpriv's
# --bounding-set argument ("-all,+dac_override,+chown").
unit_bounding_set() { caps_arg "$(unit_key CapabilityBoundingSet)"; }

# The unit's User= and Group= (root without them), its ambient set.
UNIT_USER=$(unit_key User)
UNIT_USER=${UNIT_USER:-root}
UNIT_GROUP=$(unit_key Group)
UNIT_GROUP=${UNIT_GROUP:-$(id -gn "$UNIT_USER" 2>/dev/null || echo root)}
UNIT_AMBIENT=$(caps_arg "$(unit_key AmbientCapabilities)")

# unit_user_ensure: the unit's user exists, made as the package makes it
# (systemd-sysusers with the shipped sysusers.d file; useradd without).
# Returns 1 when it cannot be made.
unit_user_ensure() {
	id "$UNIT_USER" >/dev/null 2>&1 && return 0
	[ "$(id -u)" = 0 ] || return 0
	if command -v systemd-sysusers >/dev/null 2>&1; then
		systemd-sysusers "$PHCB_SYSUSERS" >/dev/null 2>&1
	fi
	id "$UNIT_USER" >/dev/null 2>&1 ||
		useradd --system --no-create-home --home-dir / --shell /usr/sbin/nologin "$UNIT_USER"
}

# as_unit_cmd [SETPRIV OPTIONS]: setpriv as the unit runs phcbrokerd: its
# user and group, no supplementary groups, its ambient capabilities
# (which a non-root user needs to keep any), its bounding set, no new
# privileges. Read it into an array, so that "$!" after
# "${ARRAY[@]}" CMD & is the program's own PID.
as_unit_cmd() {
	echo setpriv --reuid="$UNIT_USER" --regid="$UNIT_GROUP" --clear-groups \
		--bounding-set="$(unit_bounding_set)" --inh-caps="$UNIT_AMBIENT" \
		--ambient-caps="$UNIT_AMBIENT" --no-new-privs "$@" --
}
