#!/usr/bin/env bash
# Benchmark: the public portal's pages from `ebid serve` against nginx serving the same bytes as
# static files, with wrk, in the same run.
#
#   scripts/bench-portal.sh [TENDERS] [DURATION_S]   (defaults: 10000 10)
#
# 1. `ebid dev populate-tenders` fills a new data directory with TENDERS published tenders.
# 2. `ebid serve` on it (release build, the statutory profile with a throwaway centre PKI made
#    with openssl — BENCH_PROFILE=demo for the demo profile and its once-a-second background
#    loops —, the default 1-second page cache), and the
#    same pages once rendered (home, the last tender's page, the list's first page) copied into an
#    nginx root served by nginx on another port (one worker per core, access log off).
# 3. wrk (2 threads, 10 s) at 4 and at 32 connections on each page, first ebid then nginx; and the
#    tender page once more from ebid with --page-cache-seconds 0 (every request rendered).
# Prints requests/s, p50 and p99 for each, and the ratio ebid / nginx.
# Target: the tender page at >= 50% of nginx's requests per second, p99 <= 20 ms at 4 connections.
# wrk, nginx and the server share the machine's cores: the ratio is the figure to compare.
set -euo pipefail

tenders=${1:-10000}
duration=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib/bench-common.sh
require_tools wrk curl nginx openssl
build_ebid
make_work bench-portal
nginx_pid=""
extra_cleanup() { [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true; }

profile=${BENCH_PROFILE:-statutory}
pki=()
if [ "$profile" = statutory ]; then
  # A throwaway centre PKI (P-256): outside the demo profile the service refuses the demo keys.
  mkdir -p "$work/pki"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/pki/ca.key" -out "$work/pki/ca.crt" \
    -subj "/C=CN/O=Bench Centre/CN=Bench Centre CA" -days 30 -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/pki/platform.key" -out "$work/pki/platform.csr" \
    -subj "/C=CN/O=Bench Centre/CN=Bench platform" 2>/dev/null
  printf "keyUsage=critical,digitalSignature,nonRepudiation\n" >"$work/pki/ext"
  openssl x509 -req -in "$work/pki/platform.csr" -CA "$work/pki/ca.crt" -CAkey "$work/pki/ca.key" -CAcreateserial -days 30 \
    -out "$work/pki/platform.crt" -extfile "$work/pki/ext" 2>/dev/null
  chmod 600 "$work/pki/platform.key"
  pki=(--trust "$work/pki/ca.crt" --platform-cert "$work/pki/platform.crt" --platform-key "$work/pki/platform.key")
fi
echo "populating $tenders tenders ($profile profile)…" >&2
last=$("$ebid" dev populate-tenders --data "$work/data" --keys keys --seeds seeds --tenders "$tenders" --profile "$profile" "${pki[@]}" | tail -1)
start_ebid --data "$work/data" --profile "$profile" --keys keys --checkpoint-interval 3600 "${pki[@]}"

# The same bytes for nginx.
mkdir -p "$work/www/tenders"
curl -sf "$url/" -o "$work/www/index.html"
curl -sf "$url/tenders/$last" -o "$work/www/tender.html"
curl -sf "$url/tenders" -o "$work/www/list.html"
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server {
    listen 127.0.0.1:0;
    root $work/www;
  }
}
CONF
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
sed -i "s/listen 127.0.0.1:0;/listen 127.0.0.1:$port;/" "$work/nginx.conf"
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
sleep 0.5
static="http://127.0.0.1:$port"

# run URL CONNECTIONS → "rps p50_ms p99_ms"
run() {
  wrk -t2 -c"$2" -d"${duration}s" --latency "$1" >"$work/wrk.out" 2>&1
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk.out")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.out")
  echo "$rps $(ms "$p50") $(ms "$p99")"
}
# ms 1.23ms|456.00us|1.2s → milliseconds
ms() { python3 -c "import sys; v=sys.argv[1]; print(round(float(v[:-2])/1000 if v.endswith('us') else float(v[:-2]) if v.endswith('ms') else float(v[:-1])*1000, 2))" "$1"; }

bytes_home=$(stat -c %s "$work/www/index.html"); bytes_tender=$(stat -c %s "$work/www/tender.html"); bytes_list=$(stat -c %s "$work/www/list.html")
echo ""
echo "portal benchmark: $tenders tenders ($profile profile), wrk 2 threads, ${duration} s per run; $(nproc) cores shared by wrk, the server and nginx"
echo "pages: home $bytes_home B, tender $bytes_tender B, list $bytes_list B"
printf "%-8s %5s  %12s %8s %8s  %12s %8s %8s  %7s\n" page conns "ebid req/s" "p50 ms" "p99 ms" "nginx req/s" "p50 ms" "p99 ms" "ratio"
for page in home tender list; do
  case $page in
    home) path="/"; file="/index.html" ;;
    tender) path="/tenders/$last"; file="/tender.html" ;;
    list) path="/tenders"; file="/list.html" ;;
  esac
  for conns in 4 32; do
    read -r e_rps e_p50 e_p99 < <(run "$url$path" "$conns")
    read -r n_rps n_p50 n_p99 < <(run "$static$file" "$conns")
    ratio=$(python3 -c "print(round($e_rps/$n_rps, 2))")
    printf "%-8s %5s  %12s %8s %8s  %12s %8s %8s  %7s\n" "$page" "$conns" "$e_rps" "$e_p50" "$e_p99" "$n_rps" "$n_p50" "$n_p99" "$ratio"
    [ "$page" = tender ] && [ "$conns" = 4 ] && { t_ratio=$ratio; t_p99=$e_p99; }
  done
done

# Every request rendered: what the cache saves.
stop_ebid
start_ebid --data "$work/data" --profile "$profile" --keys keys --checkpoint-interval 3600 --page-cache-seconds 0 "${pki[@]}"
read -r u_rps u_p50 u_p99 < <(run "$url/tenders/$last" 4)
read -r l_rps l_p50 l_p99 < <(run "$url/tenders" 4)
echo ""
echo "without the page cache (--page-cache-seconds 0), 4 connections:"
echo "  tender page  $u_rps req/s, p50 $u_p50 ms, p99 $u_p99 ms"
echo "  list page    $l_rps req/s, p50 $l_p50 ms, p99 $l_p99 ms (a count and a page of 20 over $tenders tenders)"
echo ""
echo "target: tender page >= 0.50 of nginx's req/s and p99 <= 20 ms at 4 connections: ratio $t_ratio, p99 $t_p99 ms"
