#!/usr/bin/env python3
"""Writes the demo bills of quantities (docs/evaluation.md, "Bills of quantities"): the tender's
bill with control unit prices (seeds/tenders/bill-of-quantities.csv) and each demo bidder's
priced bill (seeds/bids/parts/<bidder>/bill-of-quantities.csv) whose TOTAL is its bid price, a
few with the errors bid cleaning must find. FOR DEMOS AND TESTS ONLY."""
import json
from decimal import Decimal as D, ROUND_HALF_UP

def q2(x): return x.quantize(D("0.01"), ROUND_HALF_UP)

items = [("040101001", "挖一般土方", "m3", D(120000), D("18.50")), ("040202001", "路床整形碾压", "m2", D(180000), D("3.20")),
         ("040203005", "沥青混凝土路面", "m2", D(180000), D("128.00")), ("040204002", "人行道块料铺设", "m2", D(30000), D("96.00")),
         ("040501001", "排水管道铺设", "m", D(12000), D("420.00")), ("040801001", "路灯安装", "套", D(600), D("3800.00")),
         ("050102001", "行道树及绿化", "m2", D(20000), D("45.00")), ("019999001", "其他项目费", "项", D(1), D("0"))]
with open("seeds/tenders/bill-of-quantities.csv", "w") as f:
    f.write("code,name,unit,quantity,controlUnitPrice\n")
    for code, name, unit, qty, price in items:
        f.write(f"{code},{name},{unit},{qty},{price}\n")

factors = {"bidder-01": "0.97", "bidder-02": "0.95", "bidder-03": "0.99", "bidder-04": "0.96", "bidder-05": "0.98", "bidder-06": "0.94",
           "bidder-07": "0.97", "bidder-08": "0.92", "bidder-09": "0.96", "bidder-10": "0.95"}
for bidder, factor in factors.items():
    price = D(json.load(open(f"seeds/bids/{bidder}.summary.json"))["price"])
    lines = []
    for code, name, unit, qty, control in items[:-1]:
        unit_price = q2(control * D(factor))
        if bidder == "bidder-05" and code == "040204002": unit_price = q2(control * D("1.40"))  # 不平衡报价
        if bidder == "bidder-05" and code == "040203005": unit_price = q2(control * D("0.86"))
        if bidder == "bidder-06" and code == "050102001": continue  # an item left out
        lines.append([code, name, unit, qty, unit_price, q2(qty * unit_price)])
    plug = price - sum(l[5] for l in lines)
    lines.append(["019999001", "其他项目费", "项", D(1), plug, plug])
    if bidder == "bidder-02": lines[1][5] = D("558600.00") if lines[1][5] != D("558600.00") else D("555800.00")  # digits transposed: the unit price prevails
    if bidder == "bidder-04": lines[2][4] = lines[2][4] / 10  # the unit price's point misplaced: the total prevails
    with open(f"seeds/bids/parts/{bidder}/bill-of-quantities.csv", "w") as f:
        f.write("code,name,unit,quantity,unitPrice,total\n")
        for code, name, unit, qty, unit_price, total in lines:
            f.write(f"{code},{name},{unit},{qty},{unit_price},{total}\n")
        f.write(f"TOTAL,,,,,{price}\n")
print("bills written")
