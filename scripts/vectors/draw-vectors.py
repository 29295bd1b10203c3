#!/usr/bin/env python3
"""Independent reference of the ebid verifiable draw (docs/evaluation.md, "The draw algorithm").

Written from the specification alone, in another language than the service, so that the
vectors it prints (Tests/BidCoreTests/Vectors/draw.json) check that a second implementation
recomputes the same committee. Usage: python3 scripts/vectors/draw-vectors.py > Tests/BidCoreTests/Vectors/draw.json
"""
import hashlib, json, struct

def frame(b):
    if isinstance(b, str):
        b = b.encode()
    return struct.pack(">I", len(b)) + b

def h(data):
    return hashlib.sha256(data).digest()

class Stream:
    def __init__(self, seed, label):
        self.prefix = frame("ebid/draw/stream/v1") + frame(label) + frame(seed)
        self.counter = 0
        self.words = []
    def word(self):
        if not self.words:
            block = h(self.prefix + struct.pack(">Q", self.counter))
            self.counter += 1
            self.words = [struct.unpack(">Q", block[i:i + 8])[0] for i in range(0, 32, 8)]
        return self.words.pop(0)
    def index(self, n):
        excess = (2**64) % n
        while True:
            w = self.word()
            if w < 2**64 - excess:
                return w % n

def key(s):
    return s.encode()

def pool_digest(pool):
    out = frame("ebid/draw/pool/v1") + struct.pack(">I", len(pool))
    for e in sorted(pool, key=lambda e: key(e["id"])):
        out += frame(e["id"]) + frame(e["region"]) + struct.pack(">I", len(e["specialties"]))
        for s in sorted(e["specialties"], key=key):
            out += frame(s)
    return h(out)

def exclusions_digest(ids):
    out = frame("ebid/draw/exclusions/v1") + struct.pack(">I", len(ids))
    for i in sorted(ids, key=key):
        out += frame(i)
    return h(out)

def committee_bytes(c):
    out = struct.pack(">II", c["size"], c.get("tendererRepresentatives", 0)) + frame(c.get("region", ""))
    out += struct.pack(">I", len(c["seats"]))
    for s in c["seats"]:
        out += frame(s["specialty"]) + struct.pack(">I", s["count"]) + frame(s.get("from", "any"))
    return out

def commitment(value, party, context):
    return h(frame("ebid/draw/commit/v1") + frame(context) + frame(party) + frame(value))

def seed(tender, section, opening, pool_d, excl_d, committee, reveals):
    out = frame("ebid/draw/seed/v1") + frame(tender) + frame(section) + frame(opening) + frame(pool_d) + frame(excl_d) + frame(committee_bytes(committee))
    reveals = sorted(reveals, key=lambda r: key(r[0]))
    out += struct.pack(">I", len(reveals))
    for party, value in reveals:
        out += frame(party) + frame(value)
    return h(out)

def draw(committee, pool, excluded, seed_bytes, replacements):
    eligible = [e for e in sorted(pool, key=lambda e: key(e["id"])) if e["id"] not in excluded]
    stream = Stream(seed_bytes, "committee")
    drawn = set()
    def pick(seat):
        c = [e for e in eligible if e["id"] not in drawn and seat["specialty"] in e["specialties"]
             and (seat.get("from", "any") == "any" or e["region"] != committee.get("region"))]
        chosen = c[stream.index(len(c))]["id"]
        drawn.add(chosen)
        return chosen
    picks = []
    for i, seat in enumerate(committee["seats"]):
        for _ in range(seat["count"]):
            picks.append({"seat": i, "expert": pick(seat)})
    for replaced, reason in replacements:
        seat_index = next(p["seat"] for p in picks if p["expert"] == replaced)
        picks.append({"seat": seat_index, "expert": pick(committee["seats"][seat_index]), "replaces": replaced, "reason": reason})
    return picks

def main():
    specialties = ["市政道路", "市政桥梁", "造价", "建筑工程", "给排水"]
    regions = ["350100", "350200", "350300"]
    pool = []
    for i in range(60):
        own = [specialties[i % 5]] + ([specialties[(i * 7 + 2) % 5]] if i % 3 == 0 else [])
        pool.append({"id": "E%03d" % (i + 1), "specialties": sorted(set(own), key=key), "region": regions[(i * 11) % 3]})
    committee = {"size": 7, "tendererRepresentatives": 1, "region": "350100",
                 "seats": [{"specialty": "市政道路", "count": 3}, {"specialty": "造价", "count": 2, "from": "other-regions"}, {"specialty": "市政桥梁", "count": 1}]}
    excluded = ["E003", "E010", "E021", "E046"]
    context = "FZGC-2026-0001/1"
    values = {"agency-01": bytes(range(32)), "supervisor-01": bytes(range(100, 132))}
    contributions = [{"party": p, "role": r, "commitment": commitment(v, p, context).hex(), "value": v.hex()}
                     for (p, v), r in zip(values.items(), ["host", "supervisor"])]
    opening = h(b"opening record")
    s = seed("FZGC-2026-0001", "1", opening, pool_digest(pool), exclusions_digest(excluded), committee, list(values.items()))
    picks = draw(committee, pool, set(excluded), s, [])
    replaced = picks[1]["expert"]
    picks = draw(committee, pool, set(excluded), s, [(replaced, "declined")])
    delta_set = ["0.01", "0.02", "0.03", "0.04", "0.05"]
    delta = delta_set[Stream(s, "delta").index(len(delta_set))]
    stream = Stream(bytes(32), "vector")
    indices = {str(n): [stream.index(n) for _ in range(8)] for n in [1, 2, 3, 7, 1000, 2**62 + 1]}
    tie = {b: h(frame("ebid/draw/tie-break/v1") + frame(s) + frame(b)).hex() for b in ["B-1", "B-2", "B-3"]}
    record = {"format": "ebid-draw-record", "version": 1, "algorithm": "ebid-draw-v1", "hash": "SHA256",
              "tenderId": "FZGC-2026-0001", "section": "1", "openingRecordDigest": opening.hex(), "committee": committee,
              "pool": sorted(pool, key=lambda e: key(e["id"])), "poolDigest": pool_digest(pool).hex(),
              "excluded": [{"expert": e, "reasons": [{"code": "bidder-staff", "detail": "vector"}]} for e in sorted(excluded)],
              "exclusionsDigest": exclusions_digest(excluded).hex(), "contributions": contributions, "seed": s.hex(),
              "picks": picks, "deltaSet": delta_set, "delta": delta, "representatives": ["R001"]}
    print(json.dumps({"source": "scripts/vectors/draw-vectors.py", "streamIndices": indices, "tieBreakKeys": tie, "record": record},
                     ensure_ascii=False, indent=1))

main()
