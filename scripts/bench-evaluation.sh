#!/usr/bin/env bash
# Benchmark: the verifiable draw from a pool of 100,000 experts with 5,000 exclusions, and sealed
# scoring of 1,000 bids × 40 criteria × 9 experts end to end — each member's sheet committed (a
# salted hash, signed SM2), every reveal checked against its signed commitment and the rubric,
# aggregation (trimmed mean), price scores (benchmark formula), totals, deviation flags, ranking,
# the report signed by the platform and by every member. Release build, in process (ebid dev
# bench-evaluation); the same arithmetic and the same draw are then run by a Python `decimal`
# peer (scripts/bench/evaluation-peer.py), which also checks that it gets ebid's committee and totals.
#
#   scripts/bench-evaluation.sh [POOL] [EXCLUSIONS] [BIDS] [CRITERIA] [MEMBERS]   (defaults 100000 5000 1000 40 9)
set -euo pipefail
pool=${1:-100000}; exclusions=${2:-5000}; bids=${3:-1000}; criteria=${4:-40}; members=${5:-9}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
echo "building ebid (release)…" >&2
swift build -c release --product ebid >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/ebid-bench-evaluation.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$root/.build/release/ebid" dev bench-evaluation --pool "$pool" --exclusions "$exclusions" --bids "$bids" --criteria "$criteria" \
  --members "$members" --out "$work" >"$work/ebid.txt"
python3 "$root/scripts/bench/evaluation-peer.py" "$work" >"$work/peer.txt"
value() { awk -v k="$1" '$1 == k { print $2 }' "$work"/ebid.txt "$work"/peer.txt; }

draw=$(awk '$1 ~ /^draw\.(record|run)$/ { s += $2 } END { printf "%.4f", s }' "$work/ebid.txt")
evaluate=$(value scoring.evaluate)
echo "pool $pool experts, $exclusions excluded; $bids bids × $criteria criteria × $members experts"
printf '%-44s %10s\n' "step" "seconds"
for key in draw.record draw.run draw.verify scoring.commit scoring.reveal scoring.evaluate scoring.report scoring.total; do
  printf '%-44s %10s\n' "ebid $key" "$(value $key)"
done
printf '%-44s %10s\n' "ebid cost per bid (ms, scoring end to end)" "$(value scoring.per-bid-ms)"
printf '%-44s %10s\n' "peer (Python decimal) draw" "$(value peer.draw)"
printf '%-44s %10s\n' "peer (Python decimal) aggregation+price+rank" "$(value peer.scoring)"
echo "deviation flags: ebid $(value scoring.flags), peer $(value peer.flags)"
echo "peer agrees with ebid's committee and totals: $(value peer.agrees)"
awk -v a="$draw" -v b="$(value peer.draw)" 'BEGIN { printf "ratio draw ebid/peer: %.3f\n", a / b }'
awk -v a="$evaluate" -v b="$(value peer.scoring)" 'BEGIN { printf "ratio aggregation+price+rank ebid/peer: %.3f\n", a / b }'
