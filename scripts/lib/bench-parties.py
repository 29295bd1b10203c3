#!/usr/bin/env python3
"""Bench parties: the demo's non-bidders plus COUNT bench bidders with valid unified social credit
codes (GB 32100 check characters). Usage: bench-parties.py COUNT > parties.json (run from the
project root: it reads seeds/parties.json)."""
import json, sys
count = int(sys.argv[1])
A = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W = [1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28]
def orgcheck(body):
    s = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, [3,7,9,10,5,8,4,2]))
    r = 11 - s % 11
    return "X" if r == 10 else ("0" if r == 11 else str(r))
def uscc(body):
    base = "91350100" + body + orgcheck(body)
    return base + A[(31 - sum(A.index(c) * w for c, w in zip(base, W)) % 31) % 31]
demo = json.load(open("seeds/parties.json"))["parties"]
parties = [p for p in demo if "bidder" not in p["roles"]]
for i in range(1, count + 1):
    parties.append({"id": f"bench-bidder-{i:03d}", "kind": "organization", "roles": ["bidder"],
                    "name": f"基准测试投标人{i:03d}有限公司", "creditCode": uscc(f"BN{i:06d}")})
print(json.dumps({"format": "ebid-parties", "version": 1, "parties": parties}, ensure_ascii=False))
