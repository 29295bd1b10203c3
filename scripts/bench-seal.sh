#!/usr/bin/env bash
# Benchmark: seal and open a bid with ebid, and do the same work with the openssl command line,
# in the same run, on the same file. Prints times, MB/s, peak memory and the ratio ebid/openssl,
# and ebid's MB/s as a fraction of the limit `openssl speed` gives for the primitives needed.
#
#   scripts/bench-seal.sh [SIZE_MIB]        (default 256)
#
# The openssl pipelines ("the same work"):
#   GM:   seal = openssl dgst -sm3 -sign (SM2)  + openssl enc -sm4-ctr
#         open = openssl enc -d -sm4-ctr        + openssl dgst -sm3 -verify
#   NIST: seal = openssl cms -sign              + openssl cms -encrypt -aes-256-gcm
#         open = openssl cms -decrypt           + openssl cms -verify
# ebid does more per byte than either pipeline (part digests, per-chunk authentication, a final
# signature over the ciphertext), spread over all cores.
set -euo pipefail

size_mib=${1:-256}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

echo "building ebid (release)…" >&2
swift build -c release --product ebid >/dev/null
ebid="$root/.build/release/ebid"

work=$(mktemp -d "${TMPDIR:-/tmp}/ebid-bench-seal.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ ! -x /usr/bin/time ]; then
  echo "this benchmark needs GNU time (/usr/bin/time): apt-get install -y time" >&2
  exit 1
fi

# measure LABEL CMD... : runs CMD, appends "LABEL seconds maxrss_kib" to $work/times
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/stderr" || {
    echo "failed: $*" >&2; cat "$work/stderr" >&2; exit 1; }
  echo "$label $(cat "$work/time.out")" >>"$work/times"
}

sum_seconds() { awk -v p="$1" '$1 ~ "^"p {s += $2} END {printf "%.2f", s}' "$work/times"; }
max_rss_mib() { awk -v p="$1" '$1 ~ "^"p {if ($3 > m) m = $3} END {printf "%.0f", m / 1024}' "$work/times"; }

echo "making a ${size_mib} MiB input…" >&2
head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$work/input.bin"
echo '{"price":"12345678.90","durationDays":365,"quality":"合格","projectManager":"张工","bidSecurityAccount":"6222000011112222"}' >"$work/summary.json"
# Warm the page cache so neither side pays for the first read.
cat "$work/input.bin" >/dev/null

for suite in gm nist; do
  keys="$root/keys/$suite"
  SUITE=$(echo "$suite" | tr a-z A-Z)
  "$ebid" opening keygen --suite "$SUITE" --officials "$keys/official-01.crt.pem,$keys/official-02.crt.pem" \
    --threshold 2 --out "$work/$suite-opening.json" >/dev/null

  echo "[$SUITE] ebid seal / unseal…" >&2
  measure "ebid-$suite-seal" "$ebid" bid seal --suite "$SUITE" --tender BENCH-1 --cert "$keys/bidder-01.crt.pem" \
    --key "$keys/bidder-01.key.pem" --opening-key "$work/$suite-opening.json" --summary "$work/summary.json" \
    --part "technical=$work/input.bin" --out "$work/$suite.ebid"
  measure "ebid-$suite-open" "$ebid" bid unseal --in "$work/$suite.ebid" --key "$keys/bidder-01.key.pem" \
    --cert "$keys/bidder-01.crt.pem" --trust "$keys/ca.crt.pem" --out "$work/$suite-out"
  cmp -s "$work/input.bin" "$work/$suite-out/input.bin" || { echo "ebid round trip differs" >&2; exit 1; }

  echo "[$SUITE] openssl pipeline…" >&2
  if [ "$suite" = gm ]; then
    openssl pkey -in "$keys/bidder-01.key.pem" -pubout -out "$work/gm.pub" 2>/dev/null
    measure "openssl-gm-seal-sign" openssl dgst -sm3 -sign "$keys/bidder-01.key.pem" -sigopt distid:1234567812345678 \
      -out "$work/gm.sig" "$work/input.bin"
    measure "openssl-gm-seal-enc" openssl enc -sm4-ctr -K 00112233445566778899aabbccddeeff -iv 000102030405060708090a0b0c0d0e0f \
      -in "$work/input.bin" -out "$work/gm.enc"
    measure "openssl-gm-open-dec" openssl enc -d -sm4-ctr -K 00112233445566778899aabbccddeeff -iv 000102030405060708090a0b0c0d0e0f \
      -in "$work/gm.enc" -out "$work/gm.dec"
    measure "openssl-gm-open-verify" openssl dgst -sm3 -verify "$work/gm.pub" -sigopt distid:1234567812345678 \
      -signature "$work/gm.sig" "$work/gm.dec"
    cmp -s "$work/input.bin" "$work/gm.dec" || { echo "openssl round trip differs" >&2; exit 1; }
  else
    measure "openssl-nist-seal-sign" openssl cms -sign -binary -nodetach -in "$work/input.bin" -signer "$keys/bidder-01.crt.pem" \
      -inkey "$keys/bidder-01.key.pem" -outform DER -out "$work/nist.signed"
    measure "openssl-nist-seal-enc" openssl cms -encrypt -binary -aes-256-gcm -in "$work/nist.signed" -inform DER -outform DER \
      -recip "$keys/bidder-01.crt.pem" -out "$work/nist.cms"
    measure "openssl-nist-open-dec" openssl cms -decrypt -binary -inform DER -in "$work/nist.cms" -inkey "$keys/bidder-01.key.pem" \
      -recip "$keys/bidder-01.crt.pem" -out "$work/nist.signed.dec"
    measure "openssl-nist-open-verify" openssl cms -verify -binary -inform DER -in "$work/nist.signed.dec" -CAfile "$keys/ca.crt.pem" \
      -out "$work/nist.dec"
    cmp -s "$work/input.bin" "$work/nist.dec" || { echo "openssl round trip differs" >&2; exit 1; }
  fi
  rm -rf "$work/$suite-out" "$work/$suite.ebid" "$work"/gm.enc "$work"/gm.dec "$work"/nist.*
done

# openssl speed for the primitives each suite's work needs (1 MiB blocks, one core).
speed() { # prints MB/s (10^6 bytes) for an EVP algorithm, or an HMAC digest with "hmac:"
  local line
  if [[ $1 == hmac:* ]]; then
    line=$(openssl speed -seconds 2 -bytes 1048576 -hmac "${1#hmac:}" 2>/dev/null | tail -1)
  else
    line=$(openssl speed -seconds 2 -bytes 1048576 -evp "$1" 2>/dev/null | tail -1)
  fi
  echo "$line" | awk '{v = $NF; sub(/k$/, "", v); printf "%.0f", v / 1000}'
}
echo "openssl speed…" >&2
sm3=$(speed sm3); sm4=$(speed sm4-ctr); hsm3=$(speed hmac:sm3); sha=$(speed sha256); gcm=$(speed aes-256-gcm)

bytes=$((size_mib * 1024 * 1024))
cores=$(nproc)
echo
echo "ebid bench-seal: ${size_mib} MiB input, $(date -u +%Y-%m-%dT%H:%MZ), $cores cores, $(openssl version | cut -d' ' -f1-2)"
echo
printf "%-6s %-8s %9s %9s %9s %9s %10s\n" suite tool "seal s" "open s" "total s" "MB/s" "peak MiB"
for suite in gm nist; do
  for tool in ebid openssl; do
    seal=$(sum_seconds "$tool-$suite-seal"); open=$(sum_seconds "$tool-$suite-open")
    total=$(awk -v a="$seal" -v b="$open" 'BEGIN {printf "%.2f", a + b}')
    mbs=$(awk -v t="$total" -v b="$bytes" 'BEGIN {printf "%.0f", 2 * b / 1e6 / t}')
    printf "%-6s %-8s %9s %9s %9s %9s %10s\n" "$(echo $suite | tr a-z A-Z)" "$tool" "$seal" "$open" "$total" "$mbs" "$(max_rss_mib "$tool-$suite")"
  done
done
echo
for suite in gm nist; do
  e=$(awk -v a="$(sum_seconds ebid-$suite-seal)" -v b="$(sum_seconds ebid-$suite-open)" 'BEGIN {print a + b}')
  o=$(awk -v a="$(sum_seconds openssl-$suite-seal)" -v b="$(sum_seconds openssl-$suite-open)" 'BEGIN {print a + b}')
  printf "%-5s ratio ebid/openssl (time, lower is better): %.2f\n" "$(echo $suite | tr a-z A-Z)" "$(awk -v e="$e" -v o="$o" 'BEGIN {print e / o}')"
done
echo
# Limits: bytes one core can push through the primitives a sealed bid needs, back to back.
# GM seal:  SM3 (part digest) + SM4-CTR + HMAC-SM3 + SM3 (final signature over ciphertext); open: the same.
# NIST:     SHA-256 + AES-256-GCM + SHA-256.
gm_limit=$(awk -v a="$sm3" -v b="$sm4" -v c="$hsm3" 'BEGIN {printf "%.0f", 1 / (2 / a + 1 / b + 1 / c)}')
nist_limit=$(awk -v a="$sha" -v b="$gcm" 'BEGIN {printf "%.0f", 1 / (2 / a + 1 / b)}')
echo "openssl speed (MB/s, one core): sm3 $sm3, sm4-ctr $sm4, hmac(sm3) $hsm3, sha256 $sha, aes-256-gcm $gcm"
for suite in gm nist; do
  limit=$([ $suite = gm ] && echo "$gm_limit" || echo "$nist_limit")
  e=$(awk -v a="$(sum_seconds ebid-$suite-seal)" -v b="$(sum_seconds ebid-$suite-open)" 'BEGIN {print a + b}')
  mbs=$(awk -v t="$e" -v b="$bytes" 'BEGIN {printf "%.0f", 2 * b / 1e6 / t}')
  printf "%-5s primitive limit %s MB/s on one core (%s on %s cores); ebid %s MB/s = %.2f of the one-core limit, %.2f of the %s-core limit\n" \
    "$(echo $suite | tr a-z A-Z)" "$limit" "$((limit * cores))" "$cores" "$mbs" \
    "$(awk -v m="$mbs" -v l="$limit" 'BEGIN {print m / l}')" "$(awk -v m="$mbs" -v l="$limit" -v c="$cores" 'BEGIN {print m / l / c}')" "$cores"
done
