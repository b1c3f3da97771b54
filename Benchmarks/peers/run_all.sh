#!/usr/bin/env bash
# Run every workload on every peer REPEATS times (the repetition is the outer
# loop, so that drift of the machine spreads over all peers), append the raw
# JSON lines to $OUT (results.jsonl), then fold them into results.json
# (medians) and results.md (tables), named after $OUT.
#
#   ./run_all.sh                      # everything, 3 repeats (~50 min)
#   REPEATS=1 PEERS="tsp nq" WORKLOADS="w1 w3" ./run_all.sh
#   APPEND=1 PEERS=coroq ./run_all.sh  # add lines to an existing results.jsonl
#
# The product, coroq, is the first column (lib/peers/coroq_peer.py; binaries
# from $COROQ_BIN, default <repo>/.build/release: `swift build -c release`).
set -uo pipefail
cd "$(dirname "$0")"

REPEATS=${REPEATS:-3}
PEERS=${PEERS:-"coroq asyncio huey-thread huey-greenlet tsp nq dbos celery-threads celery-gevent"}
WORKLOADS=${WORKLOADS:-"w1 w2 w3 w4 w5"}
# peers that also run the 10,000-job variants within the ~2 min bound
# (set empty, W1_BIG= W2_BIG=, to run only the N=1000 cases)
W1_BIG=${W1_BIG-"coroq asyncio huey-thread huey-greenlet dbos"}
W2_BIG=${W2_BIG-"coroq asyncio huey-thread huey-greenlet tsp dbos celery-threads celery-gevent"}
LIMIT=${LIMIT:-170}                 # hard wall-clock cap per measurement, s
OUT=${OUT:-results.jsonl}
PY=${PYTHON:-python3}               # the harness needs only the standard library

has() { case " $1 " in *" $2 "*) return 0;; esac; return 1; }

one() {  # one WORKLOAD-SCRIPT ARGS... : run one measurement, keep its JSON line
    local line
    line=$(timeout -s TERM -k 10 "$LIMIT" "$PY" "workloads/$1" "${@:2}" 2>>run_all.log | tail -n 1)
    if [[ $line == "{"* ]]; then
        echo "$line" >>"$OUT"
        echo "$line" | "$PY" -c 'import json,sys; r=json.loads(sys.stdin.read());
print("  ", r["workload"], r.get("case",""), r["peer"], "ok" if r.get("ok") else ("SKIP" if r.get("skipped") else "FAIL"), r.get("measurement_s"), "s")'
    else
        echo "   no result from $* (see run_all.log)"
    fi
}

[[ ${APPEND:-0} == 1 ]] || : >"$OUT"
echo "# run_all $(date -Is) repeats=$REPEATS peers=[$PEERS] workloads=[$WORKLOADS]" | tee -a run_all.log
for rep in $(seq "$REPEATS"); do
    echo "== repeat $rep/$REPEATS"
    for peer in $PEERS; do
        has "$WORKLOADS" w1 && {
            one w1_throughput.py --peer "$peer" --n 1000
            has "$W1_BIG" "$peer" && one w1_throughput.py --peer "$peer" --n 10000
        }
        has "$WORKLOADS" w2 && {
            one w2_sleeps.py --peer "$peer" --n 1000
            has "$W2_BIG" "$peer" && one w2_sleeps.py --peer "$peer" --n 10000
        }
        has "$WORKLOADS" w3 && {
            one w3_seed.py --peer "$peer"
            one w3_seed.py --peer "$peer" --concurrency 2
        }
        has "$WORKLOADS" w4 && one w4_crash.py --peer "$peer"
        has "$WORKLOADS" w5 && one w5_submit_latency.py --peer "$peer"
    done
done

"$PY" aggregate.py "$OUT" >"${OUT%.jsonl}.json"
"$PY" aggregate.py --markdown "$OUT" >"${OUT%.jsonl}.md"
echo "wrote ${OUT%.jsonl}.json and ${OUT%.jsonl}.md from $(wc -l <"$OUT") lines of $OUT"
