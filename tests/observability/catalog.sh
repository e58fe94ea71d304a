#!/bin/bash
# catalog.sh: systemd/phcbroker.catalog parses as journalctl reads catalogs,
# and lists every MESSAGE_ID of src/log_events.h (in a scratch root: the
# host's catalog database is not touched).
. "$(dirname "$0")/../integration/lib.sh"
need_cmd journalctl
make_workdir
root=$WORK/root
mkdir -p "$root/usr/lib/systemd/catalog" "$root/var/lib/systemd/catalog"
cp "$PHCB_SRCDIR/systemd/phcbroker.catalog" "$root/usr/lib/systemd/catalog/"
journalctl --root="$root" --update-catalog >"$WORK/update.log" 2>&1 ||
	fail "journalctl --update-catalog: $(cat "$WORK/update.log")"
[ -s "$root/var/lib/systemd/catalog/database" ] || fail "no catalog database built: $(cat "$WORK/update.log")"
journalctl --root="$root" --list-catalog >"$WORK/list" 2>&1 || fail "journalctl --list-catalog: $(cat "$WORK/list")"
ids=$(sed -n 's/^#define LOG_EVENT_ID_[A-Z0-9_]* "\([0-9a-f]\{32\}\)"$/\1/p' "$PHCB_SRCDIR/src/log_events.h")
[ -n "$ids" ] || fail "no IDs in src/log_events.h"
n=0
for id in $ids; do
	grep -q "^$id " "$WORK/list" || fail "$id not listed: $(head -5 "$WORK/list")"
	n=$((n + 1))
done
# nothing listed that the daemon does not define
listed=$(awk '{ print $1 }' "$WORK/list" | sort -u | wc -l)
[ "$listed" = "$n" ] || fail "$listed entries listed, $n IDs defined: $(cat "$WORK/list")"
# the text of one entry, fields substituted by journalctl -x come later
journalctl --root="$root" --dump-catalog >"$WORK/dump" 2>&1 || fail "--dump-catalog: $(head -3 "$WORK/dump")"
grep -q '^Subject: PTP gate of @PHCB_SOURCE@' "$WORK/dump" || fail "gate entry's Subject not in the dump"
echo "catalog: $n entries, journalctl $(journalctl --version | head -1 | awk '{ print $2 }')"
