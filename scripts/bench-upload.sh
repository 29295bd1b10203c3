#!/usr/bin/env bash
# Benchmark: bid upload to `ebid serve` over loopback, against nginx receiving the same files.
#
#   scripts/bench-upload.sh [SUITE] [SINGLE_MIB] [BIDDERS] [BID_MIB]      (defaults: GM 256 200 5)
#
# 1. One SINGLE_MIB sealed bid uploaded by one bidder (curl PUT): MB/s.
# 2. BIDDERS bidders uploading BID_MIB sealed bids at once, shortly before the deadline:
#    every upload must be receipted; p50/p99 of the time to the receipt.
# Peak server memory (VmHWM) after each phase. In the same run, the same files go with the same
# curl to nginx (Debian's package, WebDAV PUT into a directory, nginx's defaults: no fsync) — the
# floor a plain file-receiving web server sets. ebid additionally verifies each package's
# signatures and certificate chain while it streams in, hashes it, fsyncs it and records it in
# the ledger before the receipt. Target: single upload at >= 60% of nginx's throughput.
set -euo pipefail

suite=${1:-GM}
single_mib=${2:-256}
bidders=${3:-200}
bid_mib=${4:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib/bench-common.sh
require_tools nginx curl python3
build_ebid
make_work bench-upload
folder=$(echo "$suite" | tr A-Z a-z)
nginx_started=""
extra_cleanup() { [ -n "$nginx_started" ] && nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true; }

# --- Parties: the demo's non-bidders plus BIDDERS bench bidders with valid credit codes ---------
mkdir -p "$work/seeds" "$work/bids"
python3 scripts/lib/bench-parties.py "$bidders" >"$work/seeds/parties.json"
echo "making the bench PKI for $bidders bidders…" >&2
"$ebid" keys demo-pki --out "$work/keys" --parties "$work/seeds/parties.json" >/dev/null
keys="$work/keys/$folder"

# --- ebid serve ------------------------------------------------------------------------------
start_ebid --data "$work/data" --profile demo --seed "$work/seeds" --keys "$work/keys" \
  --checkpoint-interval 60 --max-bid-bytes $(( (single_mib + 64) * 1048576 ))
rss_start=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$server_pid/status)

"$ebid" opening keygen --suite "$suite" --threshold 2 --out "$work/opening.json" \
  --officials "$keys/official-01.crt.pem,$keys/official-02.crt.pem,$keys/official-03.crt.pem" >/dev/null
python3 - "$suite" "$single_mib" >"$work/tender.json" <<'PY'
import json, sys
t = json.load(open("seeds/tenders/demo-tender.json"))
t["id"] = "BENCH-1"; t["acceptedSuites"] = [sys.argv[1]]; t["maxBidBytes"] = (int(sys.argv[2]) + 64) * 1048576
print(json.dumps(t, ensure_ascii=False))
PY
echo "tender documents (bench)" >"$work/doc.txt"
"$ebid" tender publish --server "$url" --cert "$keys/agency-01.crt.pem" --key "$keys/agency-01.key.pem" --file "$work/tender.json" \
  --document "$work/doc.txt" --opening-key "$work/opening.json" --deadline +1800s >/dev/null

# --- Sealed bids ---------------------------------------------------------------------------------
echo '{"price":"12345678.90","durationDays":365,"quality":"合格","projectManager":"张工","bidSecurityAccount":"6222000011112222"}' >"$work/summary.json"
seal() { # bidder size_mib out
  head -c $(($2 * 1048576)) /dev/urandom >"$work/part-$1.bin"
  "$ebid" bid seal --suite "$suite" --tender BENCH-1 --cert "$keys/$1.crt.pem" --key "$keys/$1.key.pem" --opening-key "$work/opening.json" \
    --summary "$work/summary.json" --part "technical=$work/part-$1.bin" --out "$3" >/dev/null
  rm -f "$work/part-$1.bin"
}
echo "sealing one ${single_mib} MiB bid and ${bidders} bids of ${bid_mib} MiB…" >&2
seal bench-bidder-001 "$single_mib" "$work/single.ebid"
seq -f "%03g" 1 "$bidders" | xargs -P "$(nproc)" -I{} bash -c "$(declare -f seal); work=$work ebid=$ebid keys=$keys suite=$suite seal bench-bidder-{} $bid_mib $work/bids/bench-bidder-{}.ebid"
echo "logging in ${bidders} bidders…" >&2
for i in $(seq -f "%03g" 1 "$bidders"); do
  "$ebid" auth token --server "$url" --cert "$keys/bench-bidder-$i.crt.pem" --key "$keys/bench-bidder-$i.key.pem" >"$work/bids/bench-bidder-$i.token"
done

# put URL TOKEN_OR_EMPTY FILE -> "http_code time_total"
put() {
  if [ -n "$2" ]; then
    curl -s -o /dev/null -w "%{http_code} %{time_total}\n" -X PUT -H "Authorization: Bearer $2" \
      -H "Content-Type: application/vnd.ebid.sealed-bid" -T "$3" "$1"
  else
    curl -s -o /dev/null -w "%{http_code} %{time_total}\n" -T "$3" "$1"
  fi
}
percentile() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int((NR-1)*p/100)+1; printf "%.3f", a[i]}'; }

single_bytes=$(stat -c %s "$work/single.ebid")
cat "$work/single.ebid" >/dev/null

median3() { sort -n | sed -n 2p; }
echo "ebid: single upload (3 times; the median counts)…" >&2
for run in 1 2 3; do
  read -r code t < <(put "$url/v1/tenders/BENCH-1/bid" "$(cat "$work/bids/bench-bidder-001.token")" "$work/single.ebid")
  [ "$code" = 201 ] || { echo "single upload to ebid failed: HTTP $code" >&2; tail -5 "$work/serve.log" >&2; exit 1; }
  echo "$t"
done >"$work/ebid-single.txt"
t_ebid_single=$(median3 <"$work/ebid-single.txt")
rss_single=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$server_pid/status)

echo "ebid: ${bidders} concurrent uploads…" >&2
start=$(date +%s.%N)
seq -f "%03g" 1 "$bidders" | xargs -P "$bidders" -I{} bash -c "$(declare -f put); put $url/v1/tenders/BENCH-1/bid \$(cat $work/bids/bench-bidder-{}.token) $work/bids/bench-bidder-{}.ebid" >"$work/ebid-concurrent.txt"
end=$(date +%s.%N)
t_ebid_burst=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
rss_peak=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$server_pid/status)
receipted=$(grep -c '^201 ' "$work/ebid-concurrent.txt" || true)
audit=$("$ebid" audit verify --data "$work/data" 2>/dev/null | tail -1)
stop_ebid

# --- nginx (WebDAV PUT, defaults) ---------------------------------------------------------------
mkdir -p "$work/nginx/root" "$work/nginx/tmp" "$work/nginx/logs"
# nginx's workers run as www-data when started by root: let them write.
chmod a+rwx "$work/nginx/root" "$work/nginx/tmp"
chmod a+x "$work" "$work/nginx"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes $(nproc);
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_max_body_size 0;
  client_body_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$port;
    location / { root $work/nginx/root; dav_methods PUT; create_full_put_path on; }
  }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
nginx_started=1
sleep 0.5
echo "nginx: single upload (3 times; the median counts)…" >&2
for run in 1 2 3; do
  read -r code t < <(put "http://127.0.0.1:$port/single-$run.ebid" "" "$work/single.ebid")
  [ "$code" = 201 ] || [ "$code" = 204 ] || { echo "nginx upload failed: HTTP $code" >&2; exit 1; }
  echo "$t"
done >"$work/nginx-single.txt"
t_nginx_single=$(median3 <"$work/nginx-single.txt")
echo "nginx: ${bidders} concurrent uploads…" >&2
start=$(date +%s.%N)
seq -f "%03g" 1 "$bidders" | xargs -P "$bidders" -I{} bash -c "$(declare -f put); put http://127.0.0.1:$port/bids/bench-bidder-{}.ebid '' $work/bids/bench-bidder-{}.ebid" >"$work/nginx-concurrent.txt"
end=$(date +%s.%N)
t_nginx_burst=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
nginx_ok=$(grep -cE '^(201|204) ' "$work/nginx-concurrent.txt" || true)

# --- Report --------------------------------------------------------------------------------------
mbs() { awk -v b="$1" -v t="$2" 'BEGIN {printf "%.0f", b / 1e6 / t}'; }
burst_bytes=$(( $(cat "$work"/bids/*.ebid | wc -c) ))
echo
echo "ebid bench-upload: suite $suite, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, loopback"
echo
echo "single upload: one $(( single_bytes / 1048576 )) MiB sealed bid, median of 3 (ebid: $(tr '\n' ' ' <"$work/ebid-single.txt")s; nginx: $(tr '\n' ' ' <"$work/nginx-single.txt")s)"
printf "  %-8s %8s s %8s MB/s\n" ebid "$t_ebid_single" "$(mbs "$single_bytes" "$t_ebid_single")"
printf "  %-8s %8s s %8s MB/s\n" nginx "$t_nginx_single" "$(mbs "$single_bytes" "$t_nginx_single")"
printf "  ebid / nginx throughput: %.2f (target >= 0.60)\n" "$(awk -v a="$t_ebid_single" -v b="$t_nginx_single" 'BEGIN {print b / a}')"
echo
echo "burst: $bidders bidders x ${bid_mib} MiB at once, before the deadline"
printf "  %-8s %4s/%s ok  %7s s total  %6s MB/s  p50 %ss  p99 %ss (time to receipt)\n" ebid "$receipted" "$bidders" "$t_ebid_burst" \
  "$(mbs "$burst_bytes" "$t_ebid_burst")" "$(awk '$1==201 {print $2}' "$work/ebid-concurrent.txt" | percentile 50)" \
  "$(awk '$1==201 {print $2}' "$work/ebid-concurrent.txt" | percentile 99)"
printf "  %-8s %4s/%s ok  %7s s total  %6s MB/s  p50 %ss  p99 %ss\n" nginx "$nginx_ok" "$bidders" "$t_nginx_burst" \
  "$(mbs "$burst_bytes" "$t_nginx_burst")" "$(awk '{print $2}' "$work/nginx-concurrent.txt" | percentile 50)" \
  "$(awk '{print $2}' "$work/nginx-concurrent.txt" | percentile 99)"
echo
echo "ebid server memory: ${rss_start} MiB after start, peak ${rss_single} MiB after the ${single_mib} MiB upload, peak ${rss_peak} MiB after the burst"
echo "ledger after the run: $audit"
