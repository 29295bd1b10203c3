#!/usr/bin/env python3
"""The peer of scripts/bench-evaluation.sh: the same arithmetic in Python's `decimal`
(ROUND_HALF_UP) — deviation flags and trimmed-mean aggregation per criterion, the benchmark price
formula, totals and the ranking — and the same draw algorithm (docs/evaluation.md) over the same pool. Prints its
times and checks that its ranking and committee equal ebid's.

    python3 scripts/bench/evaluation-peer.py DIR     (DIR: what `ebid dev bench-evaluation --out DIR` wrote)
"""
import json, sys, time, os
from decimal import Decimal as D, ROUND_HALF_UP, getcontext
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "vectors"))
getcontext().prec = 50

def q(x, places=2):
    return x.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)

def main(directory):
    # The draw, with the reference implementation written from the spec.
    import importlib.util
    spec = importlib.util.spec_from_file_location("draw", os.path.join(os.path.dirname(__file__), "..", "vectors", "draw-vectors.py"))
    source = open(spec.origin).read().replace("\nmain()\n", "\n")
    draw = {}
    exec(compile(source, spec.origin, "exec"), draw)
    record = json.load(open(os.path.join(directory, "draw.json")))
    start = time.perf_counter()
    pool_digest = draw["pool_digest"](record["pool"])
    excluded = [e["expert"] for e in record["excluded"]]
    excl_digest = draw["exclusions_digest"](excluded)
    reveals = [(c["party"], bytes.fromhex(c["value"])) for c in record["contributions"]]
    seed = draw["seed"](record["tenderId"], record["section"], bytes.fromhex(record["openingRecordDigest"]), pool_digest, excl_digest, record["committee"], reveals)
    picks = draw["draw"](record["committee"], record["pool"], set(excluded), seed, [])
    draw_seconds = time.perf_counter() - start
    assert pool_digest.hex() == record["poolDigest"] and seed.hex() == record["seed"], "digest or seed differs from ebid's"
    assert [p["expert"] for p in picks] == [p["expert"] for p in record["picks"]], "committee differs from ebid's"
    print(f"peer.draw {draw_seconds:.4f}")

    data = json.load(open(os.path.join(directory, "scoring.json")))
    prices = {k: D(v) for k, v in data["prices"].items()}
    sheets = {m: {c: {k: D(v) for k, v in s.items()} for c, s in sheet.items()} for m, sheet in data["sheets"].items()}
    start = time.perf_counter()
    codes = sorted(prices)
    criteria = sorted(next(iter(next(iter(sheets.values())).values())).keys())
    members = sorted(sheets)
    totals = {}
    flags = 0
    # Benchmark price: drop the highest and the lowest (≥ 7 valid), base = mean (fen), benchmark = base × 0.97.
    ordered = sorted(codes, key=lambda c: (prices[c], c))
    kept = ordered[1:-1] if len(ordered) >= 7 else ordered
    base = q(sum(prices[c] for c in kept) / len(kept))
    bench = q(base * (1 - D("0.03")))
    for code in codes:
        total = D(0)
        for criterion in criteria:
            given = [sheets[m][code][criterion] for m in members]
            whole = sum(given)
            # Deviation flags: a score more than 30 % from the mean of the others.
            for s_ in given:
                rest = whole - s_
                if abs(s_ * (len(given) - 1) - rest) * 100 > 30 * rest:
                    flags += 1
            scores = sorted(given)
            if len(scores) >= 7:
                scores = scores[1:-1]
            total += q(sum(scores) / len(scores))
        diff = prices[code] - bench
        slope = D("0.8") if diff < 0 else D("1.2")
        score = max(D(0), (D(40) * bench - slope * 100 * abs(diff)) / bench)
        total += q(score)
        totals[code] = total
    ranking = sorted(codes, key=lambda c: (-totals[c], prices[c]))
    scoring_seconds = time.perf_counter() - start
    print(f"peer.scoring {scoring_seconds:.4f}")
    print(f"peer.flags {flags}")
    expected = [line.split(",") for line in open(os.path.join(directory, "ranking.csv")).read().split("\n") if line]
    # Ties beyond the price are broken by the draw in ebid; compare totals in ebid's order.
    assert [D(t) for _, t in expected] == [totals[c] for c, _ in expected], "totals differ from ebid's"
    assert [c for c, _ in expected][:3] == ranking[:3], "ranking differs from ebid's"
    print("peer.agrees yes")

main(sys.argv[1])
