#!/usr/bin/env bash
# Benchmark: credit-register and ledger queries against `ebid serve`, with the server's own
# /v1/health throughput as the framework ceiling, measured with wrk in the same run.
#
#   scripts/bench-queries.sh [RECORDS] [EVENTS] [DURATION_S] [CONNECTIONS]   (defaults: 100000 1000000 15 32)
#
# 1. `ebid dev populate` builds a new data directory: RECORDS credit records about 20,000
#    companies (through the register's import: validated, term-checked, signed, ledger-logged) and
#    ledger events up to EVENTS over 2,000 tenders, hash-chained, with signed checkpoints.
# 2. `ebid serve` on it; wrk (2 threads, CONNECTIONS connections, DURATION_S seconds each) runs
#    - GET /v1/health                                   the framework ceiling;
#    - GET /v1/credit/subjects/<code>                   public subject lookups, codes in rotation;
#    - GET /v1/ledger/events?tender=<id>&limit=100      a tender's events (supervisor token), each
#                                                       with its covering checkpoint, ids in rotation.
#    The ceiling and the subject lookups run in alternation, three rounds each, and the ratio is
#    the median round's: the machine's speed drifts between runs a minute apart.
# BENCH_POPULATED=DIR reuses a directory filled by `ebid dev populate --data DIR/data --out-dir DIR`.
# Targets: p99 under 10 ms for both queries; subject lookups at >= 50% of the /health ceiling.
set -euo pipefail

records=${1:-100000}
events=${2:-1000000}
duration=${3:-15}
connections=${4:-32}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib/bench-common.sh
require_tools wrk curl python3
build_ebid
make_work bench-queries

if [ -n "${BENCH_POPULATED:-}" ]; then
  # Reuse a directory an earlier `ebid dev populate --data DIR/data --out-dir DIR` filled.
  echo "using the populated data in $BENCH_POPULATED" >&2
  work_data="$BENCH_POPULATED/data"; lists="$BENCH_POPULATED"; populate_s="(reused)"
else
  echo "populating: $records credit records, $events ledger events…" >&2
  start=$(date +%s)
  "$ebid" dev populate --data "$work/data" --keys keys --records "$records" --events "$events" --out-dir "$work" >/dev/null
  populate_s="$(( $(date +%s) - start )) s"
  work_data="$work/data"; lists="$work"
fi
db_mib=$(( $(stat -c %s "$work_data/ebid.sqlite") / 1048576 ))

start_ebid --data "$work_data" --profile demo --seed seeds --keys keys --checkpoint-interval 3600
token=$("$ebid" auth token --server "$url" --cert keys/gm/supervisor-01.crt.pem --key keys/gm/supervisor-01.key.pem 2>/dev/null | tail -1)

write_rotate_lua "$work/rotate.lua"

# run NAME CONNECTIONS URL [LUA env...] -> "requests/s p50_ms p99_ms errors"
run() {
  local name=$1 conns=$2; shift 2
  wrk -t2 -c"$conns" -d"${duration}s" --latency "$@" >"$work/wrk-$name.txt" 2>&1
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk-$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk-$name.txt")
  errors=$(awk '/Non-2xx or 3xx responses/ {print $5}' "$work/wrk-$name.txt")
  echo "$rps $(ms "$p50") $(ms "$p99") ${errors:-0}"
}

# Warm up (the mapped pages, statement caches): each query a few seconds, unreported.
warm() { local saved=$duration; duration=3; "$@" >/dev/null; duration=$saved; }
subjects() { BENCH_FILE="$lists/subjects.txt" BENCH_PREFIX="/v1/credit/subjects/" run "subjects-$1" "$1" -s "$work/rotate.lua" "$url"; }
events() { BENCH_FILE="$lists/tenders.txt" BENCH_PREFIX="/v1/ledger/events?tender=" BENCH_SUFFIX="&limit=100" BENCH_TOKEN="$token" \
  run "events-$1" "$1" -s "$work/rotate.lua" "$url"; }
# The ceiling and the subject lookups in alternation, $rounds times: this machine's speed drifts
# from minute to minute, so a ratio compares two runs made back to back; the median round is shown.
rounds=3
ratios=()
echo "wrk: warming up…" >&2
warm subjects "$connections"
warm events "$connections"
declare -A round_health round_subject
for r in $(seq 1 $rounds); do
  echo "wrk: round $r/$rounds: /v1/health, then subject lookups…" >&2
  round_health[$r]=$(run "health-$r" "$connections" "$url/v1/health")
  round_subject[$r]=$(subjects "$connections")
  ratios+=("$(awk -v a="${round_subject[$r]%% *}" -v b="${round_health[$r]%% *}" -v r="$r" 'BEGIN {printf "%.3f %d", a / b, r}')")
done
median_round=$(printf "%s\n" "${ratios[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p" | awk '{print $2}')
read -r health_rps health_p50 health_p99 health_err <<<"${round_health[$median_round]}"
read -r subject_rps subject_p50 subject_p99 subject_err <<<"${round_subject[$median_round]}"
all_ratios=$(printf "%s\n" "${ratios[@]}" | awk '{printf "%s%.2f", (NR > 1 ? ", " : ""), $1}')
read -r subject4_rps subject4_p50 subject4_p99 subject4_err < <(subjects 4)
echo "wrk: a tender's events…" >&2
read -r events_rps events_p50 events_p99 events_err < <(events "$connections")
read -r events4_rps events4_p50 events4_p99 events4_err < <(events 4)
rss=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$server_pid/status)
rss_anon=$(awk '/RssAnon/ {print int($2/1024)}' /proc/$server_pid/status)
rss_file=$(awk '/RssFile/ {print int($2/1024)}' /proc/$server_pid/status)
sample_subject=$(curl -sf "$url/v1/credit/subjects/$(sed -n 2p "$lists/subjects.txt")" | head -c 200)
sample_events=$(curl -sf -H "Authorization: Bearer $token" "$url/v1/ledger/events?tender=$(sed -n 2p "$lists/tenders.txt")&limit=100" \
  | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["events"]))')

echo
echo "ebid bench-queries: $records credit records, $events ledger events (database ${db_mib} MiB, populated in ${populate_s})"
echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t2 -c$connections -d${duration}s on the same machine"
echo
printf "  %-40s %10s %9s %9s %8s\n" "" "req/s" "p50 ms" "p99 ms" "non-2xx"
printf "  %-40s %10s %9s %9s %8s\n" "GET /v1/health (ceiling), $connections conn.*" "$health_rps" "$health_p50" "$health_p99" "$health_err"
printf "  %-40s %10s %9s %9s %8s\n" "GET /v1/credit/subjects/:code, $connections conn.*" "$subject_rps" "$subject_p50" "$subject_p99" "$subject_err"
printf "  %-40s %10s %9s %9s %8s\n" "GET /v1/credit/subjects/:code, 4 conn." "$subject4_rps" "$subject4_p50" "$subject4_p99" "$subject4_err"
printf "  %-40s %10s %9s %9s %8s\n" "GET /v1/ledger/events?tender=…, $connections conn." "$events_rps" "$events_p50" "$events_p99" "$events_err"
printf "  %-40s %10s %9s %9s %8s\n" "GET /v1/ledger/events?tender=…, 4 conn." "$events4_rps" "$events4_p50" "$events4_p99" "$events4_err"
echo
printf "  subject lookups / health ceiling (at $connections conn.): %.2f (target >= 0.50); median of $rounds back-to-back rounds: %s\n" \
  "$(awk -v a="$subject_rps" -v b="$health_rps" 'BEGIN {print a / b}')" "$all_ratios"
printf "  tender events / health ceiling (at $connections conn.):   %.2f\n" "$(awk -v a="$events_rps" -v b="$health_rps" 'BEGIN {print a / b}')"
echo "  * of the round whose ratio is the median"
# p99 under 10 ms: at 4 connections the answer time a user sees; at $connections the server is
# saturated (closed loop: every client sends again at once), and p99 there is mostly queueing.
verdict() { awk -v p="$1" 'BEGIN { print (p < 10 ? "met" : "not met") }'; }
echo "  p99 under 10 ms: subject lookups $(verdict "$subject4_p99") at 4 conn. ($subject4_p99 ms), $(verdict "$subject_p99") at $connections ($subject_p99 ms);" \
  "a tender's events $(verdict "$events4_p99") at 4 conn. ($events4_p99 ms), $(verdict "$events_p99") at $connections ($events_p99 ms)"
printf "  at %s conn. a tender's events are served at %.0f/s, %.1f× the rate at 4: the server is saturated, and %s waiting requests / %.0f per s = %.1f ms of queue\n" \
  "$connections" "$events_rps" "$(awk -v a="$events_rps" -v b="$events4_rps" 'BEGIN {print a / b}')" "$connections" "$events_rps" \
  "$(awk -v c="$connections" -v r="$events_rps" 'BEGIN {print 1000 * c / r}')"
echo "  server memory: peak resident ${rss} MiB; now ${rss_anon} MiB own (anonymous) + ${rss_file} MiB of the database mapped by the readers (page cache)"
echo "  a tender's page holds $sample_events events"
echo "  a subject page begins: $sample_subject…"
