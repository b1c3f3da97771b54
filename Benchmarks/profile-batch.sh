#!/bin/bash
# A flat profile (perf, cpu-clock: this VM has no hardware counters, and valgrind does not run coroqd) of
# coroqd while it runs 100,000 noops submitted in one batch: Benchmarks/profile-batch.sh BIN [OUT]
# (BIN holds release coroq and coroqd). The sample counts per library compare two builds' CPU per task.
set -euo pipefail
BIN=$1; OUT=${2:-/dev/stdout}; D=$(mktemp -d)
python3 -c 'import sys; sys.stdout.write("{\"job\":\"noop\"}\n" * 100000)' > "$D/batch"
"$BIN/coroqd" --socket "$D/s" --db "$D/db" --config /dev/null > "$D/log" 2>&1 &
daemon=$!
for _ in $(seq 50); do [ -S "$D/s" ] && break; sleep 0.1; done
perf record -e cpu-clock -F 2000 -p "$daemon" -o "$D/perf.data" > /dev/null 2>&1 &
recorder=$!
sleep 0.5
COROQ_SOCKET="$D/s" "$BIN/coroq" submit --batch < "$D/batch" > /dev/null
COROQ_SOCKET="$D/s" "$BIN/coroq" wait --all --quiet
kill -INT "$recorder"; wait "$recorder" || true
kill "$daemon"; wait "$daemon" 2>/dev/null || true
{
    perf report -i "$D/perf.data" --no-children -n --sort dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -8
    perf report -i "$D/perf.data" --no-children -n --sort dso,symbol --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -30
} > "$OUT"
rm -rf "$D"
