#!/usr/bin/env bash
# libFuzzer targets (Fuzz/README.md): the sealed-bid framer, verifier and opener, and the JSON
# readers of signed documents, built with the Swift toolchain's clang runtime
# (swiftc -sanitize=fuzzer,address) over BidCore's sources.
#
#   scripts/fuzz.sh build                  build .build/fuzz/sealed-bid and .build/fuzz/json
#   scripts/fuzz.sh check [SECONDS]        the bounded run the test suite makes: every regression
#                                          input and seed once, then SECONDS (default 15) of fuzzing
#                                          per target from the seeds; exits non-zero on a finding
#   scripts/fuzz.sh run TARGET [SECONDS]   a long run (default 3600 s) keeping its corpus in
#                                          .build/fuzz/corpus-TARGET; findings are written to
#                                          .build/fuzz/findings-TARGET/
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."
out=.build/fuzz
targets=(sealed-bid json)

build() {
  mkdir -p "$out"
  local flags=(-sanitize=fuzzer,address -parse-as-library -O -g -I Sources/COpenSSL)
  local sources
  mapfile -t sources < <(find Sources/BidCore -name '*.swift' | sort)
  # Rebuild only when a source changed.
  local stamp="$out/.stamp"
  if [ ! -f "$stamp" ] || [ -n "$(find Sources/BidCore Fuzz scripts/fuzz.sh -newer "$stamp" -type f | head -1)" ]; then
    echo "building BidCore with -sanitize=fuzzer,address…"
    swiftc "${flags[@]}" -module-name BidCore -emit-library -static -emit-module -emit-module-path "$out/BidCore.swiftmodule" \
      -o "$out/libBidCore.a" "${sources[@]}" 2> >(grep -v "warning:" >&2 || true)
    for target in "${targets[@]}"; do
      swiftc "${flags[@]}" -I "$out" -L "$out" "Fuzz/$target.swift" -lBidCore -lssl -lcrypto -o "$out/$target" 2> >(grep -v -e "warning:" -e "Cannot export local symbol" >&2 || true)
    done
    touch "$stamp"
  fi
}

check() {
  local seconds=${1:-15}
  build
  for target in "${targets[@]}"; do
    local work="$out/check-$target"
    rm -rf "$work" && mkdir -p "$work/corpus" "$work/findings"
    cp Fuzz/corpus/"$target"/* "$work/corpus/"
    local inputs=(Fuzz/corpus/"$target"/* Fuzz/regressions/"$target"/*)
    echo "== $target: ${#inputs[@]} seed and regression inputs, then ${seconds} s of fuzzing"
    # Every kept input once (a regression must stay fixed)…
    if ! "$out/$target" "${inputs[@]}" >"$work/inputs.log" 2>&1; then
      tail -40 "$work/inputs.log"; echo "FAILED: a kept input of $target fails again"; exit 1
    fi
    echo "   $(grep -c '^Executed' "$work/inputs.log") kept inputs ran clean"
    # …then a short run from the seeds.
    if ! "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/findings/" "$work/corpus" >"$work/fuzz.log" 2>&1; then
      tail -40 "$work/fuzz.log"; echo "FAILED: $target found an input that fails, kept in $work/findings/ — fix it and add it to Fuzz/regressions/$target/"; exit 1
    fi
    echo "   $(grep -E '^Done [0-9]+ runs' "$work/fuzz.log"); $(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$work/fuzz.log" | tail -1)"
  done
}

run() {
  local target=${1:?target: sealed-bid or json} seconds=${2:-3600}
  build
  mkdir -p "$out/corpus-$target" "$out/findings-$target"
  cp -n Fuzz/corpus/"$target"/* "$out/corpus-$target/" 2>/dev/null || true
  "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$out/findings-$target/" "$out/corpus-$target" Fuzz/regressions/"$target"
}

case "${1:-}" in
  build) build ;;
  check) shift; check "$@" ;;
  run) shift; run "$@" ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
