#!/usr/bin/env python3
"""Adds the demo expert pool: parties expert-10 … expert-45 to seeds/parties.json (fictional
people, valid GB 32100 employer codes) and writes seeds/experts.json for expert-01 … expert-45.
Run once, then `swift run ebid keys demo-pki --add-missing` for their demo certificates.
FOR DEMOS AND TESTS ONLY: every person and organisation is fictional."""
import json, collections

ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W32100 = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

def org_check(body):
    w = [3, 7, 9, 10, 5, 8, 4, 2]
    v = lambda c: int(c) if c.isdigit() else ord(c) - 55
    c = 11 - sum(v(ch) * wi for ch, wi in zip(body, w)) % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))

def uscc(division, body):
    code = "91" + division + body + org_check(body)
    s = sum(ALPHA.index(ch) * w for ch, w in zip(code, W32100))
    return code + ALPHA[(31 - s % 31) % 31]

parties = json.load(open("seeds/parties.json"), object_pairs_hook=collections.OrderedDict)
by_id = {p["id"]: p for p in parties["parties"]}
code = lambda pid: by_id[pid]["creditCode"]

employers = [
    ("福州大学土木工程学院", "350100", "MA7EXP01"), ("福建省交通规划设计院有限公司", "350100", None),
    ("厦门市市政工程设计院有限公司", "350200", "MA7EXP02"), ("泉州市建设工程造价咨询有限公司", "350500", "MA7EXP03"),
    ("三明市公路工程咨询有限公司", "350400", "MA7EXP04"), ("龙岩市建筑设计院", "350800", "MA7EXP05"),
    ("福建省建设工程造价管理总站", "350100", None), ("厦门大学建筑与土木工程学院", "350200", "MA7EXP06"),
    ("漳州市市政设计研究院有限公司", "350600", "MA7EXP07"), ("福建工程学院", "350100", None),
]
def employer(i):
    name, region, body = employers[i % len(employers)]
    if body is None:
        known = {"福建省交通规划设计院有限公司": "expert-04", "福建省建设工程造价管理总站": "expert-09", "福建工程学院": "expert-03"}[name]
        return name, region, by_id[known]["employerCreditCode"]
    return name, region, uscc(region, body)

surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁宋唐许韩冯邓曹彭肖田董袁蒋沈"
given = ["建国", "海峰", "丽娟", "志强", "晓东", "文彬", "秀英", "国华", "明辉", "雪梅", "振华", "玉兰", "德胜", "春燕", "立新", "淑芬",
         "宏伟", "桂英", "永强", "美玲", "子轩", "梓涵", "浩然", "思远", "嘉怡", "俊杰", "欣怡", "宇航", "雨桐", "博文", "晨曦", "诗琪",
         "天佑", "若曦", "泽宇", "佳琪"]
specialty_cycle = [["市政道路"], ["工程造价"], ["桥梁"], ["市政道路", "给排水"], ["工程造价", "合同管理"], ["房屋建筑"], ["市政道路", "桥梁"],
                   ["工程造价"], ["施工管理"], ["市政道路"]]
for n in range(10, 46):
    i = n - 10
    pid = "expert-%02d" % n
    if pid in by_id:
        continue
    name, region, ecode = employer(i)
    record = collections.OrderedDict([("id", pid), ("kind", "person"), ("roles", ["expert"]), ("name", surnames[i] + given[i]),
                                      ("personId", "FJZJK-%04d" % n), ("organization", name), ("employerCreditCode", ecode),
                                      ("specialties", specialty_cycle[i % len(specialty_cycle)])])
    parties["parties"].insert([p["id"] for p in parties["parties"]].index("supervisor-01"), record)
    by_id[pid] = record

# Recusal cases of the demo: employed by the tenderer, the agency, the supervising department; relations to bidders.
special = {
    "expert-15": ("福州市城市建设投资集团有限公司", code("tenderer-01")),
    "expert-16": ("福建中正招标代理有限公司", code("agency-01")),
    "expert-17": ("福州市住房和城乡建设局", by_id["supervisor-01"]["employerCreditCode"]),
}
for pid, (org, ecode) in special.items():
    by_id[pid]["organization"] = org
    by_id[pid]["employerCreditCode"] = ecode
json.dump(parties, open("seeds/parties.json", "w"), ensure_ascii=False, indent=2)
open("seeds/parties.json", "a").write("\n")

relations = {
    "expert-12": [{"creditCode": code("bidder-01"), "name": by_id["bidder-01"]["name"], "kind": "former-employee"}],
    "expert-23": [{"creditCode": code("bidder-03"), "name": by_id["bidder-03"]["name"], "kind": "relative-of-principal"}],
    "expert-31": [{"creditCode": code("bidder-06"), "name": by_id["bidder-06"]["name"], "kind": "shareholder"}],
}
region_of = {name: region for name, region, _ in employers}
experts = []
for p in parties["parties"]:
    if "expert" not in p["roles"]:
        continue
    n = int(p["id"].split("-")[1])
    region = region_of.get(p.get("organization"), "350100")
    if p.get("organization", "").startswith("厦门"): region = "350200"
    centre = {"350100": "福州市公共资源交易中心", "350200": "厦门市公共资源交易中心", "350500": "泉州市公共资源交易中心",
              "350400": "三明市公共资源交易中心", "350800": "龙岩市公共资源交易中心", "350600": "漳州市公共资源交易中心"}[region]
    experts.append(collections.OrderedDict([("id", p["id"]), ("specialties", p["specialties"]), ("region", region), ("registeredBy", centre),
                                            ("relations", relations.get(p["id"], []))]))
json.dump({"format": "ebid-expert-pool", "version": 1, "experts": experts}, open("seeds/experts.json", "w"), ensure_ascii=False, indent=2)
open("seeds/experts.json", "a").write("\n")
print(len(experts), "experts")
