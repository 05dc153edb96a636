#!/usr/bin/env bash
# Run a part of the suite and say how long it took: `timed.sh NAME COMMAND...`.
name=$1; shift
start=$(date +%s.%N)
"$@"; rc=$?
end=$(date +%s.%N)
awk -v n="$name" -v s="$start" -v e="$end" -v rc="$rc" 'BEGIN { printf "== %-12s %7.1f s  (exit %d)\n", n, e - s, rc }'
exit $rc
