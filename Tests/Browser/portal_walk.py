#!/usr/bin/env python3
"""Walks the public portal of one tender through its whole life in a real headless Chromium.

Run by Tests/EndToEndTests/PortalBrowserTests.swift (and by hand) against a running
`ebid serve --profile demo --seed seeds --page-cache-seconds 0`:

    python3 Tests/Browser/portal_walk.py --server http://127.0.0.1:PORT --data DIR --ebid .build/debug/ebid \
        [--screenshots DIR]

It runs `ebid demo --server … --pause-stages`, which stops after each stage of the tender's life
(published, bids-in, opened, evaluating, publicity, awarded); at each stop it reads the pages in
Chromium (driven by Selenium through chromium-driver) and checks what they show — and what they
must not: before the deadline no page names a bidder or says how many there are (Law art. 22), and
the committee stays hidden until the result (Law art. 37). Signed documents offered for download are
checked with the openssl command line. Exits non-zero with the first failed check.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TENDER = "FZGC-2026-0001"
failures = []


def check(condition, what):
    print(("  ok  " if condition else "  FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)
    return condition


def fetch(server, path):
    try:
        with urllib.request.urlopen(server + path, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Portal:
    def __init__(self, server, screenshots):
        self.server = server
        self.screenshots = screenshots
        options = Options()
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN",
                     "--window-size=1280,900", "--force-device-scale-factor=1"):
            options.add_argument(flag)
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        self.driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
        self.driver.set_page_load_timeout(30)

    def open(self, path):
        self.driver.get(self.server + path)
        return self.driver

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def html(self):
        return self.driver.page_source

    def shot(self, name, width=1280, height=None):
        if not self.screenshots:
            return
        self.driver.set_window_size(width, 900)
        full = height or self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(width, min(int(full) + 20, 4000))
        self.driver.save_screenshot(os.path.join(self.screenshots, name + ".png"))
        self.driver.set_window_size(1280, 900)

    def accessible(self, path):
        """Semantics a screen reader and a phone need, on the page now open."""
        d = self.driver
        check(d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN", f"{path}: <html lang=zh-CN>")
        check(len(d.find_elements(By.TAG_NAME, "h1")) == 1, f"{path}: exactly one <h1>")
        check(len(d.find_elements(By.CSS_SELECTOR, "main#main")) == 1 and len(d.find_elements(By.CSS_SELECTOR, "nav[aria-label]")) >= 1,
              f"{path}: a main landmark and a labelled navigation")
        unlabeled = [e.get_attribute("id") or e.get_attribute("name") for e in d.find_elements(By.CSS_SELECTOR, "input, select")
                     if not e.get_attribute("id") or not d.find_elements(By.CSS_SELECTOR, f"label[for='{e.get_attribute('id')}']")]
        check(not unlabeled, f"{path}: every form field has a label {unlabeled}")
        untitled = [e.get_attribute("id") for e in d.find_elements(By.CSS_SELECTOR, "svg") if not e.find_elements(By.TAG_NAME, "title")]
        check(not untitled, f"{path}: every chart has a title {untitled}")
        # A phone: 390 px wide, nothing wider than the screen but tables that scroll in their own box.
        d.set_window_size(390, 844)
        overflow = d.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        d.set_window_size(1280, 900)
        check(overflow <= 0, f"{path}: readable on a 390 px phone without sideways scrolling (overflow {overflow} px)")


# The demo's bidders: five bid, one (04) is late. 07 is refused as debarred: its name is public
# through its credit decision, not through the bid.
DEMO_BIDDERS = ["bidder-01", "bidder-02", "bidder-03", "bidder-04", "bidder-05", "bidder-06"]


def bidder_names():
    parties = json.load(open(os.path.join(ROOT, "seeds", "parties.json")))["parties"]
    return [p["name"] for p in parties if p["id"] in DEMO_BIDDERS]


def expert_names():
    parties = json.load(open(os.path.join(ROOT, "seeds", "parties.json")))["parties"]
    return [p["name"] for p in parties if "expert" in p.get("roles", [])]


def public_paths():
    return ["/", "/tenders", f"/tenders/{TENDER}", "/tenders?q=%E4%B8%9C%E8%A1%97%E5%8F%A3", "/statistics", "/open-data", "/credit", "/credit/list"]


def secrecy(portal, names, what, paths):
    """No name in `names` on any page in `paths` (the rendered text and the HTML source)."""
    for path in paths:
        portal.open(path)
        shown = [n for n in names if n in portal.html() or n in portal.text()]
        check(not shown, f"{path}: {what} {shown}")


def strip_times(html):
    html = re.sub(r'data-now="[^"]*"', "", html)
    html = re.sub(r"<time [^>]*>[^<]*</time>", "<time/>", html)
    html = re.sub(r"时间均为北京时间（[^）]*）", "", html)
    return html


def verify_signed(server, name, platform_pem, workdir):
    """Downloads NAME.json and NAME.json.sig from the tender page and checks them with openssl alone."""
    status, _, document = fetch(server, f"/tenders/{TENDER}/signed/{name}.json")
    status2, _, signature = fetch(server, f"/tenders/{TENDER}/signed/{name}.json.sig")
    if not check(status == 200 and status2 == 200, f"{name}.json and .sig download ({status}, {status2})"):
        return None
    path = os.path.join(workdir, f"{name}.json")
    open(path, "wb").write(document)
    open(path + ".sig", "wb").write(signature)
    pub = os.path.join(workdir, "platform.pub")
    subprocess.run(["openssl", "x509", "-in", platform_pem, "-pubkey", "-noout", "-out", pub], check=True)
    result = subprocess.run(["openssl", "dgst", "-sm3", "-verify", pub, "-sigopt", "distid:1234567812345678", "-signature", path + ".sig", path],
                            capture_output=True, text=True)
    check(result.returncode == 0 and "Verified OK" in result.stdout, f"openssl verifies {name}.json: {result.stdout.strip()} {result.stderr.strip()}")
    tampered = bytearray(document)
    tampered[len(tampered) // 2] ^= 1
    open(path + ".bad", "wb").write(bytes(tampered))
    bad = subprocess.run(["openssl", "dgst", "-sm3", "-verify", pub, "-sigopt", "distid:1234567812345678", "-signature", path + ".sig", path + ".bad"],
                         capture_output=True, text=True)
    check(bad.returncode != 0, f"openssl refuses a tampered {name}.json")
    return json.loads(document)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--ebid", required=True)
    parser.add_argument("--screenshots")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="ebid-portal-")
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
    platform_pem = os.path.join(workdir, "platform.pem")
    open(platform_pem, "wb").write(fetch(args.server, "/v1/platform/certificate")[2])
    portal = Portal(args.server, args.screenshots)
    bidders, experts = bidder_names(), expert_names()
    demo = subprocess.Popen([args.ebid, "demo", "--root", ROOT, "--suite", "gm", "--server", args.server, "--data", args.data, "--pause-stages",
                             "--work", os.path.join(workdir, "demo")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace", cwd=ROOT)
    seen, transcript = [], []
    published_html = None
    try:
        for line in demo.stdout:
            # The marker is written unbuffered, so it may land in the middle of a narrated line.
            marker = re.search(r"EBID-STAGE (\S+)", line)
            if not marker:
                transcript.append(line)
                continue
            stage = marker.group(1)
            seen.append(stage)
            print(f"stage {stage}", flush=True)
            if stage == "published":
                # Names public through their credit decisions (not through this tender) are left out.
                portal.open("/credit/list")
                listed = portal.text()
                bidders = [n for n in bidders if n not in listed]
                experts = [n for n in experts if n not in listed]
                check(len(bidders) == 6 and len(experts) > 30, f"{len(bidders)} bidders and {len(experts)} experts to keep secret")
                portal.open("/")
                check(TENDER in portal.html() and "正在招标" in portal.text(), "home: the tender is listed as taking bids")
                check(len(portal.driver.find_elements(By.CSS_SELECTOR, "time[data-countdown]")) >= 1, "home: the time left is shown")
                portal.accessible("/")
                portal.shot("portal-home")
                portal.open(f"/tenders/{TENDER}")
                body = portal.text()
                check("投标中" in body and "招标公告" in body and "招标文件.txt" in body, "tender page: stage, announcement, documents")
                check("第二十二条" in body, "tender page: says why bidders are not shown (Law art. 22)")
                link = portal.driver.find_element(By.PARTIAL_LINK_TEXT, "招标文件.txt").get_attribute("href")
                status, _, content = fetch("", link)
                check(status == 200 and "招标文件" in content.decode("utf-8"), "tender page: the document downloads without a login")
                portal.accessible(f"/tenders/{TENDER}")
                portal.shot("portal-tender-bidding")
                published_html = strip_times(portal.html())
                secrecy(portal, bidders, "names no bidder before any bid", public_paths())
            elif stage == "bids-in":
                # Five bids are in; before the deadline nothing on any page may show it.
                secrecy(portal, bidders, "names no bidder before the deadline (Law art. 22)", public_paths())
                portal.open(f"/tenders/{TENDER}")
                check(strip_times(portal.html()) == published_html, "tender page: byte for byte the same as before the bids (times aside)")
                portal.open("/statistics")
                check(portal.driver.find_element(By.ID, "opened").text == "0" and portal.driver.find_element(By.ID, "average-bids").text == "—",
                      "statistics: no bid counted before the deadline")
                for path in (f"/tenders/{TENDER}/signed/opening-record.json", "/tenders?stage=bidding&q=%E4%B8%9C%E8%A1%97%E5%8F%A3"):
                    status, _, body = fetch(args.server, path)
                    check(not any(n in body.decode("utf-8", "replace") for n in bidders), f"{path}: no bidder ({status})")
            elif stage == "opened":
                portal.open(f"/tenders/{TENDER}")
                body = portal.text()
                check("开标记录" in body and "开标完成" in body, "tender page: the opening record is published")
                shown = [n for n in bidders if n in body]
                check(len(shown) == 5 and bidder_names()[3] not in shown, f"tender page: the five bidders in the opening record {shown}")
                check(not any(n in portal.html() for n in experts), "tender page: no expert named after the opening")
                check("如何验证" in body, "tender page: how to verify the record")
                record = verify_signed(args.server, "opening-record", platform_pem, workdir)
                check(record is not None and record.get("format") == "ebid-opening-record" and record.get("bidCount") == 5, "the record names 5 bids")
                portal.shot("portal-tender-opened")
            elif stage == "evaluating":
                portal.open(f"/tenders/{TENDER}")
                check(portal.driver.find_element(By.ID, "stage").text == "评标中", "tender page: 评标中")
                check("第三十七条" in portal.text(), "tender page: says the committee stays secret (Law art. 37)")
                secrecy(portal, experts, "names no expert during the evaluation (Law art. 37)", public_paths())
            elif stage == "publicity":
                portal.open(f"/tenders/{TENDER}")
                body = portal.text()
                check("中标候选人公示" in body and "公示中" in body and "第 1 名" in body, "tender page: the candidates and the publicity period")
                check("如何提出异议" in body and "ebid result object" in portal.html(), "tender page: how to object")
                secrecy(portal, experts, "names no expert before the award", public_paths())
                portal.shot("portal-tender-publicity")
                publicity = verify_signed(args.server, "publicity", platform_pem, workdir)
                check(publicity is not None and len(publicity.get("candidates", [])) == 3, "the publicity names 3 candidates")
                portal.open("/tenders?stage=publicity")
                check(TENDER in portal.html(), "list: filtered by stage 公示中")
            elif stage == "awarded":
                portal.open(f"/tenders/{TENDER}")
                body = portal.text()
                award = verify_signed(args.server, "award", platform_pem, workdir)
                winner = award and award["winner"]["bidder"]
                check(winner and portal.driver.find_element(By.ID, "winner").text == winner, f"tender page: the winner {winner}")
                members = [m["name"] for m in (award or {}).get("committee", [])]
                check(len(members) == 7 and all(m in body for m in members), f"tender page: the committee is public with the result {members}")
                check("异议及答复" in body and "招标人答复" in body, "tender page: the objection and its answer, without who raised it")
                objections = portal.driver.find_element(By.CSS_SELECTOR, "#objections + ol").text
                check(objections and not any(n in objections for n in bidders), "tender page: the objector is not named beside its objection")
                portal.accessible(f"/tenders/{TENDER}")
                portal.shot("portal-tender-awarded")
                portal.open("/tenders?stage=awarded")
                check(TENDER in portal.html() and "已定标" in portal.text(), "list: filtered by stage 已定标")
                portal.shot("portal-tenders")
                portal.open("/tenders?category=goods")
                check(TENDER not in portal.html() and "没有符合条件的项目" in portal.text(), "list: the category filter leaves it out")
                portal.open("/tenders?from=2000-01-01&to=2000-01-31")
                check(TENDER not in portal.html(), "list: the date filter leaves it out")
                portal.accessible("/tenders")
                portal.open("/statistics")
                check(portal.driver.find_element(By.ID, "opened").text == "1" and portal.driver.find_element(By.ID, "average-bids").text == "5.00",
                      "statistics: one tender opened, 5 bids on average")
                check(portal.driver.find_element(By.ID, "average-discount").text.endswith("%"), "statistics: the winning discount")
                portal.accessible("/statistics")
                portal.shot("portal-statistics")
            demo.stdin.write("\n")
            demo.stdin.flush()
        demo.wait(timeout=300)
        if not check(demo.returncode == 0, f"ebid demo exits 0 (exit {demo.returncode})"):
            print("".join(line for line in transcript if "✗" in line) + "".join(transcript[-40:]))
        check(seen == ["published", "bids-in", "opened", "evaluating", "publicity", "awarded"], f"every stage was walked: {seen}")
        # The credit register's public pages.
        portal.open("/credit/list")
        check("违法违规企业名单" in portal.text() and "龙岩闽西交通建设有限公司" in portal.text(), "credit list: the debarred company in its window")
        code = portal.driver.find_element(By.CSS_SELECTOR, "table tbody tr td small").text
        portal.open("/credit")
        portal.driver.find_element(By.ID, "code").send_keys(code)
        portal.driver.find_element(By.CSS_SELECTOR, "form.lookup button").click()
        WebDriverWait(portal.driver, 10).until(lambda d: "code=" in d.current_url and d.execute_script("return document.readyState") == "complete")
        check("正在执行的限制" in portal.text() and "取消投标资格" in portal.text(), f"credit lookup by form: {code} is debarred")
        portal.accessible("/credit")
        portal.shot("portal-credit")
        # Bad input: an HTML page with the status and the stable code.
        for path, status_expected, kind in (("/tenders?stage=nonsense", 400, "text/html"), ("/tenders/NO-SUCH-TENDER", 404, "text/html"),
                                            ("/tenders?page=-1", 400, "text/html"),
                                            (f"/tenders/{TENDER}/signed/..%2F..%2Fetc%2Fpasswd", 404, "application/problem+json")):
            status, headers, body = fetch(args.server, path)
            check(status == status_expected and kind in headers.get("Content-Type", ""), f"{path}: {kind} with {status_expected} ({status})")
    finally:
        if demo.poll() is None:
            demo.kill()
        portal.driver.quit()
    if failures:
        print(f"{len(failures)} check(s) failed; first: {failures[0]}")
        return 1
    print("every page check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
