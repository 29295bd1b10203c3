#!/usr/bin/env bash
# Benchmark: the committee opening of many large bids by `ebid serve`, against the openssl
# command line decrypting and verifying the same volume as CMS files.
#
#   scripts/bench-opening.sh [BIDS] [BID_MIB]      (defaults: 100 20)
#
# ebid: the three officials make the tender's opening key in a key ceremony (through the CLI);
# BIDS bidders upload sealed bids of BID_MIB MiB (NIST suite) to a committee-policy tender; after
# the deadline (demo clock) the opening starts and two officials hand in partial decryptions with
# proofs. The clock runs from the second official's `opening share` (its machine computes a
# partial and a proof for every bid, the service checks every proof) until the opening is
# complete: for every bid the service checks the partials again, combines them in the exponent,
# unwraps the content key, decrypts and authenticates every chunk, checks the final signature
# over the package, the inner signature and manifest and every part digest, and stores the parts
# durably (fsync) for the evaluation; then it screens for collusion, signs and stores the record.
# The opening key is never put together. Server memory is sampled during the opening; the time
# officials spend on partials and the service on proofs is read from their output and its log.
#
# openssl: for each bid, an equivalent CMS file (SignedData by the bidder's P-256 key, SHA-256,
# inside AuthEnvelopedData AES-256-GCM to a P-256 recipient — the opening key's role), opened
# with `openssl cms -decrypt` then `openssl cms -verify`, one bid after another, and again with
# two bids at a time (both cores). Targets: ebid at or below 0.30x openssl's serial time, proofs
# under 1% of ebid's time, memory flat.
set -euo pipefail

bids=${1:-100}
bid_mib=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib/bench-common.sh
require_tools openssl curl python3
build_ebid
make_work bench-opening
mkdir -p "$work/seeds" "$work/bids" "$work/cms" "$work/out"

python3 scripts/lib/bench-parties.py "$bids" >"$work/seeds/parties.json"
echo "making the bench PKI for $bids bidders…" >&2
"$ebid" keys demo-pki --out "$work/keys" --parties "$work/seeds/parties.json" >/dev/null
keys="$work/keys/nist"
as() { echo --cert "$keys/$1.crt.pem" --key "$keys/$1.key.pem"; }

# --- ebid serve ------------------------------------------------------------------------------
start_ebid --data "$work/data" --profile demo --seed "$work/seeds" --keys "$work/keys" \
  --checkpoint-interval 60 --max-bid-bytes $(( (bid_mib + 16) * 1048576 ))

echo "key ceremony: three officials deal and check…" >&2
"$ebid" opening ceremony start --server "$url" $(as agency-01) --tender BENCH-OPEN --suite NIST --threshold 2 \
  --officials official-01,official-02,official-03 >/dev/null
for step in deal check; do
  for official in official-01 official-02 official-03; do
    "$ebid" opening ceremony "$step" --server "$url" $(as "$official") --tender BENCH-OPEN --trust "$keys/ca.crt.pem" >/dev/null
  done
done
"$ebid" opening ceremony status --server "$url" $(as agency-01) --tender BENCH-OPEN --suite NIST --out "$work/opening.json" >/dev/null
python3 - "$bid_mib" >"$work/tender.json" <<'PY'
import json, sys
t = json.load(open("seeds/tenders/demo-tender.json"))
t["id"] = "BENCH-OPEN"; t["acceptedSuites"] = ["NIST"]; t["decryptionPolicy"] = "committee"
t["maxBidBytes"] = (int(sys.argv[1]) + 16) * 1048576
print(json.dumps(t, ensure_ascii=False))
PY
echo "tender documents (bench)" >"$work/doc.txt"
"$ebid" tender publish --server "$url" $(as agency-01) --file "$work/tender.json" \
  --document "$work/doc.txt" --opening-key "$work/opening.json" --deadline +86400s >/dev/null

# --- Bids: sealed for ebid, and the same content as CMS for openssl ------------------------------
# The opening key's openssl twin: a P-256 key and certificate (openssl cms needs a certificate).
openssl ecparam -name prime256v1 -genkey -noout -out "$work/cms-recipient.key" 2>/dev/null
openssl req -new -x509 -key "$work/cms-recipient.key" -subj "/CN=opening key (bench)" -days 2 -out "$work/cms-recipient.crt" 2>/dev/null
echo '{"price":"12345678.90","durationDays":365,"quality":"合格","projectManager":"张工","bidSecurityAccount":"6222000011112222"}' >"$work/summary.json"
prepare() { # index
  local bidder="bench-bidder-$1" part="$work/part-$1.bin"
  head -c $((bid_mib * 1048576)) /dev/urandom >"$part"
  "$ebid" bid seal --suite NIST --tender BENCH-OPEN --cert "$keys/$bidder.crt.pem" --key "$keys/$bidder.key.pem" \
    --opening-key "$work/opening.json" --summary "$work/summary.json" --part "technical=$part" --out "$work/bids/$bidder.ebid" >/dev/null
  openssl cms -sign -binary -nodetach -md sha256 -signer "$keys/$bidder.crt.pem" -inkey "$keys/$bidder.key.pem" -in "$part" -outform DER \
    | openssl cms -encrypt -binary -aes-256-gcm -inform DER -outform DER -recip "$work/cms-recipient.crt" -out "$work/cms/$bidder.cms"
  rm -f "$part"
}
echo "sealing $bids bids of $bid_mib MiB (and their CMS twins)…" >&2
export -f prepare; export work keys ebid bid_mib
seq -f "%03g" 1 "$bids" | xargs -P "$(nproc)" -I{} bash -c 'prepare {}'

echo "uploading $bids bids…" >&2
upload() { "$ebid" bid submit --server "$url" --cert "$keys/bench-bidder-$1.crt.pem" --key "$keys/bench-bidder-$1.key.pem" \
  --in "$work/bids/bench-bidder-$1.ebid" >/dev/null; }
export -f upload; export url
seq -f "%03g" 1 "$bids" | xargs -P 4 -I{} bash -c 'upload {}'

# --- The opening ---------------------------------------------------------------------------------
"$ebid" admin clock --server "$url" $(as admin-01) --advance 86500 >/dev/null
"$ebid" opening start --server "$url" $(as agency-01) --tender BENCH-OPEN >/dev/null
"$ebid" opening share --server "$url" $(as official-01) --tender BENCH-OPEN --trust "$keys/ca.crt.pem" >"$work/share-1.txt"
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
rss_before=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$server_pid/status)
cpu_before=$(awk '{print $14 + $15}' /proc/$server_pid/stat)
echo "opening: the second official hands in its partial decryptions…" >&2
start=$(date +%s.%N)
"$ebid" opening share --server "$url" $(as official-02) --tender BENCH-OPEN --trust "$keys/ca.crt.pem" >"$work/share-2.txt"
: >"$work/rss.txt"
while ! curl -sf "$url/v1/tenders/BENCH-OPEN/opening" | grep -q '"status":"completed"'; do
  echo "$(date +%s.%N) $(awk '/VmRSS/ {print int($2/1024)}' /proc/$server_pid/status)" >>"$work/rss.txt"
  sleep 0.05
done
end=$(date +%s.%N)
# Memory over the opening: the peak in its first half and in its second half (flat: about equal).
read -r rss_first rss_second < <(awk -v a="$start" -v b="$end" '{ if ($1 < (a + b) / 2) { if ($2 > f) f = $2 } else { if ($2 > s) s = $2 } }
  END {print (f == "" ? "-" : f), (s == "" ? "-" : s)}' "$work/rss.txt")
cpu_after=$(awk '{print $14 + $15}' /proc/$server_pid/stat)
t_ebid=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
opened=$(curl -sf "$url/v1/tenders/BENCH-OPEN/opening/record" | python3 -c '
import json, sys, base64
r = json.loads(base64.b64decode(json.load(sys.stdin)["signed"]["document"]))
print(sum(1 for b in r["bids"] if b["state"] == "opened"))')
ticks=$(getconf CLK_TCK)
cores_ebid=$(awk -v c=$((cpu_after - cpu_before)) -v t="$ticks" -v s="$t_ebid" 'BEGIN {printf "%.2f", c / t / s}')
audit=$("$ebid" audit verify --data "$work/data" 2>/dev/null | tail -1)
stop_ebid
# The officials' machines: partials and proofs for every bid (from `opening share`'s output); the
# service: checking those proofs as they arrive, and again while combining (from its log).
partials_1=$(grep -o 'computed in [0-9]* ms' "$work/share-1.txt" | grep -o '[0-9]*')
partials_2=$(grep -o 'computed in [0-9]* ms' "$work/share-2.txt" | grep -o '[0-9]*')
checks=$(grep -o 'proof(s) of share [0-9]* in [0-9.]* ms' "$work/serve.log" | awk '{print $(NF-1)}' | paste -sd' ')
check_second=$(grep -o 'proof(s) of share [0-9]* in [0-9.]* ms' "$work/serve.log" | tail -1 | awk '{print $(NF-1)}')
combining=$(grep -o 'unwrapping their keys took [0-9.]* ms' "$work/serve.log" | tail -1 | awk '{print $(NF-1)}')

# --- openssl -------------------------------------------------------------------------------------
openssl_open() { # index
  local bidder="bench-bidder-$1"
  openssl cms -decrypt -binary -inform DER -in "$work/cms/$bidder.cms" -recip "$work/cms-recipient.crt" -inkey "$work/cms-recipient.key" \
    -out "$work/out/$bidder.p7"
  openssl cms -verify -binary -inform DER -in "$work/out/$bidder.p7" -CAfile "$keys/ca.crt.pem" -purpose any -out "$work/out/$bidder.bin" 2>/dev/null
  rm -f "$work/out/$bidder.p7" "$work/out/$bidder.bin"
}
export -f openssl_open
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
echo "openssl: one bid after another…" >&2
/usr/bin/time -f "%M" -o "$work/openssl-mem.txt" bash -c "
  start=\$(date +%s.%N)
  for i in \$(seq -f '%03g' 1 $bids); do openssl_open \$i; done
  end=\$(date +%s.%N)
  awk -v a=\"\$start\" -v b=\"\$end\" 'BEGIN {printf \"%.2f\", b - a}' >'$work/openssl-serial.txt'"
t_openssl=$(cat "$work/openssl-serial.txt")
mem_openssl=$(( $(cat "$work/openssl-mem.txt") / 1024 ))
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
echo "openssl: two bids at a time…" >&2
start=$(date +%s.%N)
seq -f "%03g" 1 "$bids" | xargs -P "$(nproc)" -I{} bash -c 'openssl_open {}'
end=$(date +%s.%N)
t_openssl_par=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')

# --- Report --------------------------------------------------------------------------------------
bytes=$(cat "$work"/bids/*.ebid | wc -c)
cms_bytes=$(cat "$work"/cms/*.cms | wc -c)
mbs() { awk -v b="$1" -v t="$2" 'BEGIN {printf "%.0f", b / 1e6 / t}'; }
echo
echo "ebid bench-opening: $bids bids x $bid_mib MiB, NIST suite, committee of 2 of 3 (ceremony key); $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(openssl version | cut -d' ' -f1-2)"
echo
printf "  %-26s %8s s %6s MB/s  %s\n" "ebid (service, opening)" "$t_ebid" "$(mbs "$bytes" "$t_ebid")" \
  "$opened/$bids opened; $cores_ebid cores busy"
printf "  %-26s %8s s %6s MB/s  %s\n" "openssl cms, serial" "$t_openssl" "$(mbs "$cms_bytes" "$t_openssl")" "peak ${mem_openssl} MiB per process"
printf "  %-26s %8s s %6s MB/s\n" "openssl cms, $(nproc) at a time" "$t_openssl_par" "$(mbs "$cms_bytes" "$t_openssl_par")"
echo "  ebid server memory: ${rss_before} MiB before the opening; peak ${rss_first} MiB in its first half, ${rss_second} MiB in its second half"
echo "  officials' machines, $bids partials and proofs each: ${partials_1} ms and ${partials_2} ms"
echo "  service, checking proofs as they arrive: ${checks} ms; combining partials and unwrapping keys at the opening: ${combining} ms"
printf "  within ebid's time: proofs %.2f%% (target < 1%%), combination and unwrapping %.2f%%\n" \
  "$(awk -v a="$check_second" -v t="$t_ebid" 'BEGIN {print a / 1000 / t * 100}')" "$(awk -v b="$combining" -v t="$t_ebid" 'BEGIN {print b / 1000 / t * 100}')"
echo
printf "  ratio ebid / openssl serial (time, lower is better): %.2f (target <= 0.30)\n" "$(awk -v a="$t_ebid" -v b="$t_openssl" 'BEGIN {print a / b}')"
printf "  ratio ebid / openssl $(nproc) at a time:                 %.2f\n" "$(awk -v a="$t_ebid" -v b="$t_openssl_par" 'BEGIN {print a / b}')"
echo "  ledger after the run: $audit"
