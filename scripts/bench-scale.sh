#!/usr/bin/env bash
# Benchmark: the scale-out store. The same workload, in the same run, against
#   sqlite  one `ebid serve --data DIR` on the embedded store (the default, the peer to beat);
#   pg×1    one `ebid serve --store postgres://…` on a PostgreSQL cluster of this run;
#   pg×2    two such instances on the same database and blob volume, behind nginx (round-robin).
#
#   scripts/bench-scale.sh [BIDDERS] [BID_KIB] [RECORDS] [EVENTS] [DURATION_S] [CONNECTIONS]
#                                              (defaults: 200 256 20000 200000 10 32)
#
# 1. The burst: BIDDERS bidders (bench parties, a demo PKI made for them) upload a BID_KIB KiB
#    sealed bid each, all at once, to a fresh store; every upload must be receipted. Bids/s over
#    the burst's wall time, p50/p99 of the time to the receipt; then `audit verify` on the store.
# 2. The queries: `ebid dev populate` fills a data directory (RECORDS credit records, EVENTS ledger
#    events); `ebid admin migrate` copies it into PostgreSQL (the copy proved by the audit). wrk
#    (2 threads, CONNECTIONS connections, DURATION_S s) runs public subject lookups
#    (GET /v1/credit/subjects/:code) and a supervisor's tender events
#    (GET /v1/ledger/events?tender=…&limit=100) against each configuration.
# Ratios are to sqlite's figure in the same run. PostgreSQL runs with its durable defaults
# (fsync, synchronous_commit on), as a centre would run it; SQLite fsyncs every commit too.
# Everything shares this machine's cores — load generator, nginx, the instances and PostgreSQL —
# so the figures say what each layer costs here, not what separate machines would give
# (docs/performance.md, "The scale-out store").
set -euo pipefail

bidders=${1:-200}
bid_kib=${2:-256}
records=${3:-20000}
events=${4:-200000}
duration=${5:-10}
connections=${6:-32}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib/bench-common.sh
require_tools nginx curl wrk python3
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -x "$pgbin/initdb" ] || { echo "this benchmark needs PostgreSQL's server (apt-get install -y postgresql)" >&2; exit 1; }
build_ebid
make_work bench-scale
chmod 755 "$work"

pids=()
pg_started=""
nginx_dirs=()
extra_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for dir in "${nginx_dirs[@]}"; do nginx -p "$dir" -c "$dir/nginx.conf" -s stop 2>/dev/null || true; done
  [ -n "$pg_started" ] && as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1 || true
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# initdb refuses to run as root: the cluster then belongs to the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# --- PostgreSQL: a cluster of this run, durable settings ------------------------------------------
pg_port=$(free_port)
mkdir -p "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg/data" -A trust -U ebid -E UTF8 --no-locale >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w start \
  -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB" >/dev/null
pg_started=1
pg_url() { echo "postgres://ebid@127.0.0.1:$pg_port/$1?pool=${BENCH_POOL:-8}"; }
createdb() { as_pg "$pgbin/psql" -h "$work/pg" -p "$pg_port" -U ebid -d postgres -qc "CREATE DATABASE $1" >/dev/null; }

# serve LOG ARGS… — one `ebid serve --port 0` in the background; sets $served once it listens.
serve() {
  local log=$1; shift
  "$ebid" serve --port 0 --profile demo "$@" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do grep -q "ebid listening on" "$log" && break; sleep 0.1; done
  served=$(grep -o "http://127.0.0.1:[0-9]*" "$log" | head -1 || true)
  [ -n "$served" ] || { cat "$log" >&2; exit 1; }
}
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=()
  for dir in "${nginx_dirs[@]}"; do nginx -p "$dir" -c "$dir/nginx.conf" -s stop 2>/dev/null || true; done
  nginx_dirs=()
}
# balance NAME URL… — nginx round-robin in front of the URLs; sets $balanced.
balance() {
  local dir="$work/nginx-$1"; shift
  mkdir -p "$dir/tmp" "$dir/logs"; chmod 777 "$dir/tmp"; chmod 755 "$dir"
  local port servers=""
  port=$(free_port)
  for u in "$@"; do servers="$servers server ${u#http://};"; done
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_max_body_size 0;
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp;
  proxy_read_timeout 300s;
  proxy_http_version 1.1;
  proxy_request_buffering off;
  upstream ebid { $servers keepalive 64; }
  server {
    listen 127.0.0.1:$port;
    location / { proxy_pass http://ebid; proxy_set_header Connection ""; proxy_set_header Host \$http_host; proxy_set_header X-Forwarded-For \$remote_addr; }
  }
}
EOF
  nginx -p "$dir" -c "$dir/nginx.conf"
  nginx_dirs+=("$dir")
  sleep 0.3
  balanced="http://127.0.0.1:$port"
}
# start CONFIG NAME SEEDS KEYS ARGS… — the configuration's instance(s) (the first one seeds the
# registry; the second joins it); sets $url, the address clients use.
start() {
  local config=$1 name=$2 seeds=$3 keys_dir=$4; shift 4
  case $config in
    sqlite) serve "$work/$name-sqlite.log" --data "$work/$name-sqlite" --seed "$seeds" --keys "$keys_dir" "$@"; url=$served ;;
    pg1) serve "$work/$name-pg1.log" --data "$work/$name-pg1" --store "$(pg_url "${name}_pg1")" --seed "$seeds" --keys "$keys_dir" "$@"; url=$served ;;
    pg2)
      local a
      serve "$work/$name-pg2-a.log" --data "$work/$name-pg2" --store "$(pg_url "${name}_pg2")" --seed "$seeds" --keys "$keys_dir" "$@"; a=$served
      serve "$work/$name-pg2-b.log" --data "$work/$name-pg2" --store "$(pg_url "${name}_pg2")" --keys "$keys_dir" "$@"
      balance "$name" "$a" "$served"; url=$balanced ;;
  esac
}
# CPU seconds used so far by the service's instances ($pids) and by PostgreSQL (the postmaster,
# its children, and the children it has reaped): /proc/PID/stat utime+stime(+cutime+cstime).
ticks() {
  local t=0 p v
  for p in "$@"; do
    # A backend may exit between listing and reading: it then counts nothing (the postmaster's
    # cutime has it once reaped).
    v=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || true)
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
pg_pids() { local pm; pm=$(head -1 "$work/pg/data/postmaster.pid"); echo "$pm $(ps -o pid= --ppid "$pm" | tr '\n' ' ')"; }
cpu_mark() { mark_ebid=$(ticks "${pids[@]}"); mark_pg=$(ticks $(pg_pids)); }
# cpu_since N -> "ebid_ms pg_ms": CPU milliseconds per unit of work since cpu_mark, over N units.
cpu_since() {
  local hz e p; hz=$(getconf CLK_TCK); e=$(ticks "${pids[@]}"); p=$(ticks $(pg_pids))
  awk -v e=$((e - mark_ebid)) -v p=$((p - mark_pg)) -v n="$1" -v hz="$hz" 'BEGIN {printf "%.2f %.2f\n", 1000 * e / hz / n, 1000 * p / hz / n}'
}
percentile() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int((NR-1)*p/100)+1; printf "%.3f", a[i]}'; }
configs=(sqlite pg1 pg2)

# --- 1. The burst ------------------------------------------------------------------------------------
mkdir -p "$work/seeds" "$work/bids"
python3 scripts/lib/bench-parties.py "$bidders" >"$work/seeds/parties.json"
echo "making the bench PKI for $bidders bidders…" >&2
"$ebid" keys demo-pki --out "$work/keys" --parties "$work/seeds/parties.json" >/dev/null
keys="$work/keys/gm"
"$ebid" opening keygen --suite GM --threshold 2 --out "$work/opening.json" \
  --officials "$keys/official-01.crt.pem,$keys/official-02.crt.pem,$keys/official-03.crt.pem" >/dev/null
python3 - >"$work/tender.json" <<'PY'
import json
t = json.load(open("seeds/tenders/demo-tender.json"))
t["id"] = "SCALE-1"; t["acceptedSuites"] = ["GM"]
print(json.dumps(t, ensure_ascii=False))
PY
echo "招标文件（扩展基准）" >"$work/doc.txt"
echo '{"price":"12345678.90","durationDays":365,"quality":"合格","projectManager":"张工","bidSecurityAccount":"6222000011112222"}' >"$work/summary.json"
seal() { # bidder
  head -c $((bid_kib * 1024)) /dev/urandom >"$work/part-$1.bin"
  "$ebid" bid seal --suite GM --tender SCALE-1 --cert "$keys/$1.crt.pem" --key "$keys/$1.key.pem" --opening-key "$work/opening.json" \
    --summary "$work/summary.json" --part "technical=$work/part-$1.bin" --out "$work/bids/$1.ebid" >/dev/null
  rm -f "$work/part-$1.bin"
}
echo "sealing $bidders bids of $bid_kib KiB…" >&2
seq -f "bench-bidder-%03g" 1 "$bidders" | xargs -P "$(nproc)" -I{} bash -c "$(declare -f seal); work=$work ebid=$ebid keys=$keys bid_kib=$bid_kib seal {}"
# A transport failure (reset, refused) counts as not receipted ("000"), not as the script's failure.
put() { curl -s -o /dev/null -w "%{http_code} %{time_total}\n" -X PUT -H "Authorization: Bearer $2" -H "Content-Type: application/vnd.ebid.sealed-bid" -T "$3" "$1" || true; }

declare -A burst_s burst_rate burst_p50 burst_p99 burst_ok burst_audit burst_cpu_ebid burst_cpu_pg
for config in "${configs[@]}"; do
  [ "$config" = sqlite ] || createdb "burst_$config"
  echo "burst on $config: starting…" >&2
  start "$config" burst "$work/seeds" "$work/keys" --checkpoint-interval 60
  "$ebid" tender publish --server "$url" --cert "$keys/agency-01.crt.pem" --key "$keys/agency-01.key.pem" --file "$work/tender.json" \
    --document "$work/doc.txt" --opening-key "$work/opening.json" --deadline +3600s >/dev/null
  echo "burst on $config: logging in $bidders bidders…" >&2
  seq -f "bench-bidder-%03g" 1 "$bidders" | xargs -P 4 -I{} sh -c \
    "'$ebid' auth token --server '$url' --cert '$keys/{}.crt.pem' --key '$keys/{}.key.pem' >'$work/bids/{}.token-$config'"
  echo "burst on $config: $bidders uploads at once…" >&2
  cpu_mark
  start_s=$(date +%s.%N)
  seq -f "bench-bidder-%03g" 1 "$bidders" | xargs -P "$bidders" -I{} bash -c \
    "$(declare -f put); put $url/v1/tenders/SCALE-1/bid \$(cat $work/bids/{}.token-$config) $work/bids/{}.ebid" >"$work/burst-$config.txt"
  end_s=$(date +%s.%N)
  burst_s[$config]=$(awk -v a="$start_s" -v b="$end_s" 'BEGIN {printf "%.2f", b - a}')
  burst_ok[$config]=$(grep -c '^201 ' "$work/burst-$config.txt" || true)
  burst_rate[$config]=$(awk -v n="${burst_ok[$config]}" -v t="${burst_s[$config]}" 'BEGIN {printf "%.1f", n / t}')
  burst_p50[$config]=$(awk '{print $2}' "$work/burst-$config.txt" | percentile 50)
  burst_p99[$config]=$(awk '{print $2}' "$work/burst-$config.txt" | percentile 99)
  read -r burst_cpu_ebid[$config] burst_cpu_pg[$config] < <(cpu_since "$(( burst_ok[$config] > 0 ? burst_ok[$config] : 1 ))")
  stop_all
  if [ "$config" = sqlite ]; then audit_args=(--data "$work/burst-sqlite"); else audit_args=(--store "$(pg_url "burst_$config")" --data "$work/burst-$config"); fi
  if "$ebid" audit verify "${audit_args[@]}" --platform-cert "$keys/platform.crt.pem" >"$work/audit-$config.txt" 2>&1; then burst_audit[$config]=passed
  else burst_audit[$config]="FAILED ($(tail -1 "$work/audit-$config.txt"))"; fi
done

# --- 2. The queries ------------------------------------------------------------------------------
echo "populating: $records credit records, $events ledger events…" >&2
# One subject in five records (every subject in the list has records: lookups answer 200).
"$ebid" dev populate --data "$work/query-sqlite" --keys keys --records "$records" --events "$events" --subjects $(( records / 5 > 0 ? records / 5 : 1 )) --out-dir "$work" >/dev/null
for config in pg1 pg2; do
  createdb "query_$config"
  echo "migrating the populated directory into PostgreSQL ($config)…" >&2
  # The blobs stay in the directory each configuration serves from (the shared volume).
  cp -a "$work/query-sqlite" "$work/query-$config"
  "$ebid" admin migrate --from "$work/query-$config" --to "$(pg_url "query_$config")" --platform-cert keys/gm/platform.crt.pem >"$work/migrate-$config.txt"
done
write_rotate_lua "$work/rotate.lua"
# wrk_run NAME URL [args] -> "requests/s p99_ms non2xx"
wrk_run() {
  local name=$1; shift
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" >"$work/wrk-$name.txt" 2>&1
  echo "$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$name.txt") $(ms "$(awk '$1 == "99%" {print $2}' "$work/wrk-$name.txt")")" \
    "$(awk '/Non-2xx or 3xx responses/ {print $5}' "$work/wrk-$name.txt" | grep . || echo 0)"
}
declare -A subj_rps subj_p99 subj_err ev_rps ev_p99 ev_err subj_cpu_ebid subj_cpu_pg ev_cpu_ebid ev_cpu_pg
for config in "${configs[@]}"; do
  echo "queries on $config…" >&2
  # start() names the data directory and the database after the configuration.
  start "$config" query seeds keys --checkpoint-interval 3600
  token=$("$ebid" auth token --server "$url" --cert keys/gm/supervisor-01.crt.pem --key keys/gm/supervisor-01.key.pem 2>/dev/null | tail -1)
  # Warm-up (caches, connections), unreported.
  saved=$duration; duration=3
  BENCH_FILE="$work/subjects.txt" BENCH_PREFIX="/v1/credit/subjects/" wrk_run "warm-$config" -s "$work/rotate.lua" "$url" >/dev/null
  duration=$saved
  cpu_mark
  read -r subj_rps[$config] subj_p99[$config] subj_err[$config] < <(BENCH_FILE="$work/subjects.txt" BENCH_PREFIX="/v1/credit/subjects/" \
    wrk_run "subjects-$config" -s "$work/rotate.lua" "$url")
  read -r subj_cpu_ebid[$config] subj_cpu_pg[$config] < <(cpu_since "$(awk '/requests in/ {print $1}' "$work/wrk-subjects-$config.txt")")
  cpu_mark
  read -r ev_rps[$config] ev_p99[$config] ev_err[$config] < <(BENCH_FILE="$work/tenders.txt" BENCH_PREFIX="/v1/ledger/events?tender=" \
    BENCH_SUFFIX="&limit=100" BENCH_TOKEN="$token" wrk_run "events-$config" -s "$work/rotate.lua" "$url")
  read -r ev_cpu_ebid[$config] ev_cpu_pg[$config] < <(cpu_since "$(awk '/requests in/ {print $1}' "$work/wrk-events-$config.txt")")
  stop_all
done

# --- Report --------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
label() { case $1 in sqlite) echo "sqlite (1 instance)";; pg1) echo "pg×1 (1 instance)";; pg2) echo "pg×2 (2 + nginx)";; esac; }
echo
echo "ebid bench-scale: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, loopback; PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') (fsync on), pool ${BENCH_POOL:-8} per instance"
echo
echo "burst: $bidders bidders, one ${bid_kib} KiB GM sealed bid each, all at once (curl, one connection each)"
printf "  %-22s %9s %7s %8s %7s %7s %6s %11s %9s  %s\n" "" "receipted" "wall s" "bids/s" "p50 s" "p99 s" "ratio" "ebid ms/bid" "pg ms/bid" "audit"
for config in "${configs[@]}"; do
  printf "  %-22s %9s %7s %8s %7s %7s %6s %11s %9s  %s\n" "$(label "$config")" "${burst_ok[$config]}/$bidders" "${burst_s[$config]}" "${burst_rate[$config]}" \
    "${burst_p50[$config]}" "${burst_p99[$config]}" "$(ratio "${burst_rate[$config]}" "${burst_rate[sqlite]}")" "${burst_cpu_ebid[$config]}" \
    "$([ "$config" = sqlite ] && echo - || echo "${burst_cpu_pg[$config]}")" "${burst_audit[$config]}"
done
echo
echo "queries: $records credit records, $events ledger events (populated once, migrated into PostgreSQL); wrk -t2 -c$connections -d${duration}s"
printf "  %-22s %10s %7s %6s %6s %7s %6s   %9s %7s %6s %6s %7s %6s\n" "" "subjects/s" "p99 ms" "ratio" "non2xx" "ebid ms" "pg ms" \
  "events/s" "p99 ms" "ratio" "non2xx" "ebid ms" "pg ms"
for config in "${configs[@]}"; do
  pg_s=$([ "$config" = sqlite ] && echo - || echo "${subj_cpu_pg[$config]}")
  pg_e=$([ "$config" = sqlite ] && echo - || echo "${ev_cpu_pg[$config]}")
  printf "  %-22s %10s %7s %6s %6s %7s %6s   %9s %7s %6s %6s %7s %6s\n" "$(label "$config")" "${subj_rps[$config]}" "${subj_p99[$config]}" \
    "$(ratio "${subj_rps[$config]}" "${subj_rps[sqlite]}")" "${subj_err[$config]}" "${subj_cpu_ebid[$config]}" "$pg_s" \
    "${ev_rps[$config]}" "${ev_p99[$config]}" "$(ratio "${ev_rps[$config]}" "${ev_rps[sqlite]}")" "${ev_err[$config]}" "${ev_cpu_ebid[$config]}" "$pg_e"
done
echo
echo "  ratio: to sqlite's figure in this run. All of it shares $(nproc) cores: wrk or curl, nginx, the instances, PostgreSQL."
echo "  ebid ms, pg ms: CPU milliseconds per bid or per request, of all the instances and of PostgreSQL (its backends)."
# What a database host of its own would carry: PostgreSQL's CPU per unit of work is what the
# database spends whatever the number of instances, which scale on machines of their own.
for cores in 16; do
  awk -v c="$cores" -v b="${burst_cpu_pg[pg2]}" -v s="${subj_cpu_pg[pg2]}" -v e="${ev_cpu_pg[pg2]}" 'BEGIN {
    printf "  a %d-core database host at 70%%, the instances on machines of their own: about %.0f bids/s, %.0f subject lookups/s or %.0f event pages/s (from pg×2'"'"'s pg ms)\n",
      c, (b > 0 ? 0.7 * c * 1000 / b : 0), (s > 0 ? 0.7 * c * 1000 / s : 0), (e > 0 ? 0.7 * c * 1000 / e : 0) }'
done
