#!/bin/bash
# vmclock.sh on the versions this directory names (see tests/matrix/run).
exec "$(dirname "$0")/../run" "$0"
