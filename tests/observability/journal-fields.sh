#!/bin/bash
# journal-fields.sh: the fields and MESSAGE_IDs that the docs, the message
# catalog and the example pipeline and alert rules name are ones the daemon
# emits (check-journal-fields.py, from the sources; journal-events.sh runs
# it again on what the daemon really sent).
. "$(dirname "$0")/../integration/lib.sh"
need_cmd python3
python3 "$PHCB_SRCDIR/tests/observability/check-journal-fields.py" "$PHCB_SRCDIR"
