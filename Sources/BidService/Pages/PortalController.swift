import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird

/// The public portal (信息全公开): zh-CN pages at `/`, no login, no JavaScript needed. Every page
/// shows what PortalDesk and the credit register give the public, nothing more.
struct PortalController: Sendable {
    let portal: PortalDesk
    let credit: CreditRegister
    let efficiency: @Sendable () async throws -> EfficiencySummary?
    let renderer: PageRenderer
    let cache: PageCache
    let clock: any ServiceClock

    /// The query parameters pages read (and the cache keys on).
    static let pageParameters: Set<String> = ["q", "stage", "category", "from", "to", "page", "code", "beforeDate", "beforeId"]

    /// How long a browser may keep a page (the server's own cache is `PageCache.lifetime`).
    static let browserMaxAge = 0

    func addRoutes(to routes: RouteTable) {
        page(routes, "/", "The portal's home page: tenders taking bids, recent opening records and results") { _, _, _ in
            try await home()
        }
        page(routes, "/tenders", "Tender list with search (q), filters (stage, category, from, to) and pages") { request, _, _ in
            try await list(try Query(request), path: request.uri.path)
        }
        page(routes, "/tenders/:id", "A tender's page: announcement, documents, amendments, timeline, and each result as it becomes public") { request, context, _ in
            try await tender(try context.parameters.require("id"), host: request.head.authority)
        }
        routes.add(.get, "/tenders/:id/signed/:file", .anyone, "A published signed document (opening-record, publicity, award) as .json or its .json.sig") { _, context, _ in
            try await signed(tender: try context.parameters.require("id"), file: try context.parameters.require("file"))
        }
        page(routes, "/credit", "Credit register lookup by credit code (code)") { request, _, _ in
            try await creditLookup(try Query(request))
        }
        page(routes, "/credit/list", "Companies with decisions in their publication window (违法违规企业名单)") { request, _, _ in
            try await creditList(try Query(request))
        }
        page(routes, "/statistics", "Statistics with SVG charts: tenders per month, bidders per tender, winning discount, on-time rate") { _, _, _ in
            try await statistics()
        }
        page(routes, "/open-data", "Where the OCDS open data is") { _, _, _ in
            let now = clock.now()
            return PageCache.Page(status: .ok, html: ByteBuffer(string: renderer.render("open-data", title: "开放数据", nav: "OpenData", now: now, [:])), maxAge: 60)
        }
        routes.add(.get, "/assets/portal.css", .anyone, "The portal's stylesheet") { _, _, _ in
            Self.asset(PageAssets.stylesheet, type: "text/css; charset=utf-8")
        }
        routes.add(.get, "/assets/portal.js", .anyone, "The portal's countdown script (pages work without it)") { _, _, _ in
            Self.asset(PageAssets.script, type: "text/javascript; charset=utf-8")
        }
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600", .init("X-Content-Type-Options")!: "nosniff"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A page route: answered from the page cache; a refusal is an HTML page with its status.
    private func page(_ routes: RouteTable, _ path: String, _ summary: String,
                      _ build: @escaping @Sendable (Request, AppRequestContext, Caller) async throws -> PageCache.Page) {
        routes.add(.get, path, .anyone, summary) { request, context, caller in
            // The key holds only the parameters the pages read, sorted: made-up parameters cannot fill the cache.
            // The key holds what the page reads, as it reads it: each parameter's last value (as Query
            // takes it), and the Host the page's commands name.
            var known: [String: String] = [:]
            var onlyKnown = true
            for (name, value) in request.uri.queryParameters {
                if Self.pageParameters.contains(String(name)) { known[String(name)] = String(value) } else { onlyKnown = false }
            }
            let authority: String = request.head.authority ?? ""
            // The Host is written into the page (`--server http://HOST`): only a host name or address
            // with a port is taken, and such a refusal is neither cached nor kept ready.
            guard Self.isAuthority(authority) else {
                let page = errorPage(.badRequest("request.invalid-host", "the Host header is not a host name or address with an optional port"))
                return PageRenderer.htmlResponse(page.html, status: page.status, maxAge: 0)
            }
            let key = PageCache.key([request.uri.path, authority] + known.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
            // Kept ready for the edge under the exact target only when it reads nothing unknown (and carries no credentials:
            // the edge never answers a request that does).
            let target = onlyKnown ? EdgePageHandler.target(path: request.uri.string, host: authority) : nil
            return try await cache.response(key, target: target, now: clock.now()) {
                do { return try await build(request, context, caller) } catch let error as ServiceError {
                    return errorPage(error)
                }
            }
        }
    }

    /// A Host header as browsers send it: a name, an IPv4 address or a bracketed IPv6 address, an
    /// optional port; nothing else (RFC 9110 §7.2, narrowed to what the pages may repeat).
    static func isAuthority(_ host: String) -> Bool {
        host.utf8.count <= 255 && host.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-.:[]".unicodeScalars.contains(scalar))
        }
    }

    func errorPage(_ error: ServiceError) -> PageCache.Page {
        let heading: String
        switch error.status {
        case 404: heading = "没有找到"
        case 400, 422: heading = "请求有误"
        default: heading = "出错了"
        }
        let html = renderer.render("error", title: heading, nav: "", now: clock.now(), ["heading": heading, "detail": "\(error.detail)（\(error.code)）"])
        return PageCache.Page(status: HTTPResponse.Status(code: error.status), html: ByteBuffer(string: html), maxAge: 0)
    }

    // MARK: Pages

    func home() async throws -> PageCache.Page {
        let home = try await portal.home()
        let now = home.now
        func table(_ rows: [PortalDesk.ListRow], caption: String, time: String, _ when: (PortalDesk.ListRow) -> String, countdown: Bool) -> [String: Any]? {
            rows.isEmpty ? nil : ["rows": rows.map { Self.rowContext($0, time: when($0), now: now, countdown: countdown) }, "caption": caption, "timeHeading": time]
        }
        let values: [String: Any?] = [
            "takingBids": home.takingBids.isEmpty ? nil : true,
            "takingBidsTable": table(home.takingBids, caption: "正在招标", time: "投标截止", { BeijingTime.minute($0.summary.deadline) }, countdown: true),
            "opened": home.opened.isEmpty ? nil : true,
            "openedTable": table(home.opened, caption: "最新开标记录", time: "开标时间", { BeijingTime.minute($0.summary.deadline) }, countdown: false),
            "results": home.results.isEmpty ? nil : true,
            "resultsTable": table(home.results, caption: "最新结果公示", time: "投标截止", { BeijingTime.minute($0.summary.deadline) }, countdown: false),
        ]
        return PageCache.Page(status: .ok, html: ByteBuffer(string: renderer.render("home", title: "首页", nav: "Home", now: now, values.compactMapValues { $0 })), maxAge: Self.browserMaxAge)
    }

    static let pageSize = 20

    func list(_ query: Query, path: String) async throws -> PageCache.Page {
        var search = PublicTenderQuery(limit: Self.pageSize)
        search.keyword = query.text("q").map { String($0.prefix(100)) }
        if let stage = query.text("stage") {
            guard let value = PublicStage(rawValue: stage) else { throw query.invalid("stage", stage) }
            search.stage = value
        }
        if let category = query.text("category") {
            guard let value = ProcurementCategory(rawValue: category) else { throw query.invalid("category", category) }
            search.category = value
        }
        let from = query.text("from"), to = query.text("to")
        if let from {
            guard let day = BeijingTime.startOfDay(from) else { throw query.invalid("from", from) }
            search.publishedFrom = day
        }
        if let to {
            guard let day = BeijingTime.startOfDay(to) else { throw query.invalid("to", to) }
            search.publishedBefore = day.addingTimeInterval(86_400)
        }
        let page = max(1, Int(try query.integer("page") ?? 1))
        guard page <= 100_000 else { throw query.invalid("page", String(page)) }
        search.offset = (page - 1) * Self.pageSize
        let result = try await portal.list(search)
        let pageCount = max(1, (result.total + Self.pageSize - 1) / Self.pageSize)
        func link(_ number: Int) -> String {
            var items: [String] = []
            for (name, value) in [("q", search.keyword), ("stage", search.stage?.rawValue), ("category", search.category?.rawValue), ("from", from), ("to", to)] {
                if let value { items.append("\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
            }
            items.append("page=\(number)")
            return "/tenders?" + items.joined(separator: "&")
        }
        let values: [String: Any?] = [
            "q": search.keyword, "from": from, "to": to, "total": result.total, "page": page, "pageCount": result.total > 0 ? pageCount : nil,
            "stages": PublicStage.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0 == search.stage] as [String: Any] },
            "categories": ProcurementCategory.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0 == search.category] as [String: Any] },
            "rows": result.rows.isEmpty ? nil : true,
            "listTable": result.rows.isEmpty ? nil : [
                "rows": result.rows.map { Self.rowContext($0, time: BeijingTime.minute($0.summary.deadline), now: result.now, countdown: true) },
                "caption": "招标项目", "timeHeading": "投标截止",
            ] as [String: Any],
            "previous": page > 1 ? link(page - 1) : nil,
            "next": page < pageCount ? link(page + 1) : nil,
        ]
        return PageCache.Page(status: .ok, html: ByteBuffer(string: renderer.render("tenders", title: "招标项目", nav: "Tenders", now: result.now, values.compactMapValues { $0 })),
                              maxAge: Self.browserMaxAge)
    }

    static func rowContext(_ row: PortalDesk.ListRow, time: String, now: Date, countdown: Bool) -> [String: Any] {
        var values: [String: Any] = [
            "href": "/tenders/" + (row.summary.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? row.summary.id),
            "title": row.summary.title, "id": row.summary.id, "section": row.summary.section, "category": row.category.label,
            "tenderer": row.summary.tenderer?.name ?? "", "stage": row.stage.rawValue, "stageLabel": row.stage.label, "time": time,
        ]
        if countdown, row.stage == .bidding {
            values["remaining"] = BeijingTime.remaining(until: row.summary.deadline, now: now)
            values["deadlineISO"] = iso(row.summary.deadline)
        }
        return values
    }

    func tender(_ id: String, host: String?) async throws -> PageCache.Page {
        let file = try await portal.tenderFile(id)
        let tender = file.tender
        let now = file.now
        let server = "http://" + (host ?? "127.0.0.1")
        let escapedId = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id
        var values: [String: Any?] = [
            "id": tender.id, "tenderId": tender.id, "section": tender.section, "sectionName": tender.sectionName, "title": tender.title,
            "stage": file.stage.rawValue, "stageLabel": file.stage.label, "category": (tender.category ?? ProcurementCategory.works).label,
            "tenderer": tender.tenderer?.name, "agency": tender.agency?.name,
            "maximumPrice": tender.maximumPrice.flatMap(ExactDecimal.price).map(Self.money),
            "maximumPriceWords": tender.maximumPrice.flatMap(ExactDecimal.price).flatMap(ChineseAmount.words),
            "issueStart": BeijingTime.minute(tender.documentIssueStart), "issueEnd": BeijingTime.minute(tender.documentIssueEnd),
            "deadline": BeijingTime.second(tender.deadline), "deadlineISO": iso(tender.deadline),
            "remaining": file.stage == .bidding ? BeijingTime.remaining(until: tender.deadline, now: now) : nil,
            "decryption": Self.decryption(tender.decryptionPolicy),
            "method": tender.evaluation.method == .comprehensive ? "综合评估法" : "经评审的最低投标价法",
            "committeeSize": tender.evaluation.committee.map { $0.size },
            "announcement": tender.announcement, "server": server,
            "beforeDeadline": file.stage == .bidding ? true : nil,
            "openingUnderWay": file.stage == .opening ? true : nil, "openingStartedAt": file.openingStartedAt.map(BeijingTime.second),
            "evaluating": file.stage == .evaluating ? true : nil,
        ]
        values["hasDocuments"] = tender.documents.isEmpty ? nil : true
        values["documents"] = tender.documents.map { document -> [String: Any] in
            ["name": document.name, "href": "/v1/tenders/\(escapedId)/documents/\(document.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")",
             "size": Self.bytes(document.size), "sha256": document.sha256, "amendment": document.amendment > 0 ? document.amendment as Any : false]
        }
        values["amendments"] = tender.amendments.filter { $0.status == .published }.map { amendment -> [String: Any] in
            ["number": amendment.number, "title": amendment.title, "text": amendment.text, "publishedAt": amendment.publishedAt.map(BeijingTime.minute) ?? "",
             "newDeadline": amendment.newDeadline.map(BeijingTime.second) ?? false]
        }
        values["timeline"] = timeline(file)
        if let record = file.record?.value {
            let items = record.tender.openingRecordItems
            values["record"] = [
                "outcome": record.outcome == .failed ? "流标" : "开标完成", "bidCount": record.bidCount, "completedAt": BeijingTime.second(record.completedAt),
                "failureReason": record.failureReason ?? false,
                "itemHeadings": items.map(Self.itemHeading),
                "entries": record.bids.map { entry -> [String: Any] in
                    ["name": entry.bidderName, "creditCode": entry.creditCode ?? "", "receivedAt": BeijingTime.second(entry.receivedAt),
                     "state": Self.openingState(entry), "items": items.map { Self.item($0, entry.items[$0]) }]
                },
                "document": verifyBox(.openingRecord, label: "开标记录", tender: escapedId, server: server, scheme: file.record!.signed.scheme),
            ] as [String: Any]
        }
        if let publicity = file.publicity {
            values["publicity"] = [
                "from": BeijingTime.minute(publicity.value.from), "until": BeijingTime.minute(publicity.value.until), "open": now < publicity.value.until,
                "candidates": publicity.value.candidates.map { candidate -> [String: Any] in
                    ["rank": candidate.rank, "name": candidate.bidder, "creditCode": candidate.creditCode ?? "", "price": Self.money(candidate.price),
                     "total": candidate.total.map { $0.formatted(places: 2) } ?? "—"]
                },
                "server": server, "tenderId": tender.id,
                "document": verifyBox(.publicity, label: "中标候选人公示", tender: escapedId, server: server, scheme: publicity.signed.scheme),
            ] as [String: Any]
        }
        values["hasObjections"] = file.objections.isEmpty ? nil : true
        values["objections"] = file.objections.map { objection -> [String: Any] in
            ["raisedAt": BeijingTime.minute(objection.raisedAt), "text": objection.text, "answer": objection.answer ?? false,
             "answeredAt": objection.answeredAt.map(BeijingTime.minute) ?? ""]
        }
        if let award = file.award {
            values["award"] = [
                "winner": award.value.winner.bidder, "price": Self.money(award.value.winner.price), "priceWords": ChineseAmount.words(award.value.winner.price) ?? "",
                "awardedAt": BeijingTime.minute(award.value.awardedAt), "reason": award.value.reason ?? false,
                "notices": award.value.notices.map { ["bidder": $0.bidder, "result": $0.result] },
                "committee": award.value.committee.map { ["name": $0.name] },
                "tenderId": escapedId, "tenderRaw": tender.id, "server": server, "drawDigest": award.value.drawRecordDigest,
                "document": verifyBox(.award, label: "中标结果", tender: escapedId, server: server, scheme: award.signed.scheme),
            ] as [String: Any]
        }
        let html = renderer.render("tender", title: tender.title, nav: "Tenders", now: now, values.compactMapValues { $0 })
        return PageCache.Page(status: .ok, html: ByteBuffer(string: html), maxAge: Self.browserMaxAge)
    }

    func timeline(_ file: PortalDesk.TenderFile) -> [[String: String]] {
        let tender = file.tender
        let reached: Int
        switch file.stage {
        case .bidding: reached = 0
        case .opening: reached = 1
        case .opened, .evaluating, .failed: reached = 2
        case .publicity: reached = 3
        case .awarded: reached = 4
        }
        func state(_ index: Int) -> String { index < reached ? "done" : index == reached ? "current" : "upcoming" }
        var steps: [[String: String]] = [
            ["label": "发布", "when": tender.publishedAt.map(BeijingTime.minute) ?? "", "state": "done"],
            ["label": "投标截止", "when": BeijingTime.minute(tender.deadline), "state": file.stage == .bidding ? "current" : "done"],
            ["label": "开标", "when": file.openingCompletedAt.map(BeijingTime.minute) ?? file.openingStartedAt.map(BeijingTime.minute) ?? "", "state": state(1)],
        ]
        if file.stage == .failed {
            steps.append(["label": "流标", "when": file.openingCompletedAt.map(BeijingTime.minute) ?? "", "state": "current"])
            return steps
        }
        steps.append(["label": "评标", "when": "", "state": state(2)])
        steps.append(["label": "公示", "when": file.publicity.map { "\(BeijingTime.minute($0.value.from)) 至 \(BeijingTime.minute($0.value.until))" } ?? "", "state": state(3)])
        steps.append(["label": "定标", "when": file.award.map { BeijingTime.minute($0.value.awardedAt) } ?? "", "state": reached == 4 ? "done" : "upcoming"])
        return steps
    }

    func verifyBox(_ name: PortalDesk.DocumentName, label: String, tender: String, server: String, scheme: SignatureScheme) -> [String: Any] {
        let file = "\(name.rawValue).json"
        let openssl = scheme == .sm2WithSM3
            ? "openssl dgst -sm3 -verify platform.pub -sigopt distid:1234567812345678 -signature \(file).sig \(file)"
            : "openssl dgst -sha256 -verify platform.pub -signature \(file).sig \(file)"
        return ["label": label, "file": file, "json": "/tenders/\(tender)/signed/\(file)", "sig": "/tenders/\(tender)/signed/\(file).sig",
                "server": server, "openssl": openssl]
    }

    func signed(tender id: String, file: String) async throws -> Response {
        let isSignature = file.hasSuffix(".json.sig")
        let base = isSignature ? String(file.dropLast(".json.sig".count)) : file.hasSuffix(".json") ? String(file.dropLast(".json".count)) : ""
        guard let name = PortalDesk.DocumentName(rawValue: base) else {
            throw ServiceError.notFound("document.not-found", "signed documents are opening-record, publicity and award, as .json or .json.sig")
        }
        let signed = try await portal.signedDocument(tender: id, name)
        let bytes = isSignature ? signed.signature : signed.document
        return Response(status: .ok, headers: [
            .contentType: isSignature ? "application/octet-stream" : "application/json",
            .contentDisposition: "attachment; filename=\"\(file)\"", .contentLength: String(bytes.count),
        ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func creditLookup(_ query: Query) async throws -> PageCache.Page {
        let now = clock.now()
        var values: [String: Any] = [:]
        if let code = query.text("code").map({ String($0.prefix(64)).trimmingCharacters(in: .whitespaces) }), !code.isEmpty {
            values["code"] = code
            do {
                let page = try await credit.subjectPage(code, history: false)
                values["subject"] = [
                    "code": code, "name": page.name ?? code,
                    "restricted": page.activeRestrictions.isEmpty ? false : true,
                    "restrictions": page.activeRestrictions.map { restriction -> [String: Any] in
                        ["kind": Self.penalty(restriction.kind), "term": Self.term(start: restriction.start, end: restriction.end, permanent: restriction.permanent),
                         "authority": restriction.authority, "decisionNumber": restriction.decisionNumber]
                    },
                    "hasRecords": page.records.isEmpty ? false : true,
                    "recordsTable": ["rows": page.records.map { Self.creditRow($0, now: now) }],
                ] as [String: Any]
            } catch let error as ServiceError where error.status == 404 {
                values["unknown"] = "没有找到代码为 \(code) 的主体或公布的记录。"
            }
        }
        return PageCache.Page(status: .ok, html: ByteBuffer(string: renderer.render("credit", title: "信用信息查询", nav: "Credit", now: now, values)), maxAge: Self.browserMaxAge)
    }

    func creditList(_ query: Query) async throws -> PageCache.Page {
        let listing = try await credit.listing(category: nil, subject: nil, from: nil, to: nil, before: try query.cursor(), limit: 50)
        var values: [String: Any] = ["hasRows": listing.records.isEmpty ? false : true, "rows": listing.records.map { Self.creditRow($0, now: listing.at) }]
        if let next = listing.next {
            values["next"] = "/credit/list?beforeDate=\(iso(next.decisionDate).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&beforeId=\(next.id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        return PageCache.Page(status: .ok, html: ByteBuffer(string: renderer.render("credit-list", title: "违法违规企业名单", nav: "Credit", now: listing.at, values)), maxAge: Self.browserMaxAge)
    }

    static func creditRow(_ entry: CreditEntry, now: Date) -> [String: Any] {
        let record = entry.current
        var penalty = Self.penalty(record.penalty.kind)
        if record.penalty.kind.isRestriction { penalty += "（" + Self.term(start: record.penalty.start, end: record.penalty.end, permanent: record.penalty.permanent) + "）" }
        if let fine = record.penalty.fineAmount { penalty += " 罚款 \(fine) 元" }
        return ["id": entry.id, "code": record.subject.code, "codeQuery": record.subject.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "",
                "name": record.subject.name, "facts": record.facts, "legalBasis": record.legalBasis,
                "penalty": penalty, "status": entry.status.rawValue == "in-force" ? false : Self.chainStatus(entry.status.rawValue),
                "authority": record.authority, "decisionNumber": record.decisionNumber, "decisionDate": BeijingTime.day(record.decisionDate),
                "listed": entry.listed ? "\(BeijingTime.day(entry.listedFrom)) 至 \(entry.listedUntil.map(BeijingTime.day) ?? "限制期满")" : "公告期已满"]
    }

    func statistics() async throws -> PageCache.Page {
        let statistics = try await portal.statistics()
        let onTime = try await efficiency()
        let perMonth = statistics.publishedPerMonth.suffix(24).map {
            PageCharts.Bar(label: $0.month, value: ExactDecimal($0.count), text: "\($0.count)")
        }
        let bidders = statistics.bidsHistogram.map { PageCharts.Bar(label: "\($0.bids)家", value: ExactDecimal($0.tenders), text: "\($0.tenders)") }
        let discount = statistics.discountPerMonth.suffix(24).map {
            PageCharts.Bar(label: $0.month, value: ExactDecimal.max($0.percent, .zero), text: "\($0.percent.formatted(places: 2))%")
        }
        let values: [String: Any?] = [
            "published": statistics.publishedPerMonth.reduce(0) { $0 + $1.count }, "opened": statistics.opened,
            "averageBids": statistics.averageBids.map { $0.formatted(places: 2) } ?? "—",
            "averageDiscount": statistics.averageDiscountPercent.map { "\($0.formatted(places: 2))%" } ?? "—",
            "awards": statistics.awardsWithMaximum, "failed": statistics.failed,
            "onTime": onTime.flatMap { $0.onTimePercent.map { "\($0.formatted(places: 1))%" } }, "steps": onTime?.steps,
            "perMonthChart": PageCharts.bars(Array(perMonth), title: "每月发布项目数", id: "chart-per-month", empty: "暂无发布的项目。"),
            "biddersChart": PageCharts.bars(bidders, title: "每个项目的投标人数（已开标项目数）", id: "chart-bidders", empty: "暂无已开标的项目。"),
            "discountChart": PageCharts.bars(Array(discount), title: "中标价相对最高投标限价的平均下浮率", id: "chart-discount", empty: "暂无中标结果。"),
        ]
        let html = renderer.render("statistics", title: "统计分析", nav: "Statistics", now: statistics.now, values.compactMapValues { $0 })
        return PageCache.Page(status: .ok, html: ByteBuffer(string: html), maxAge: Self.browserMaxAge)
    }

    // MARK: Words

    /// `38,000,000.00`.
    static func money(_ amount: ExactDecimal) -> String {
        let text = amount.formatted(places: 2)
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".", maxSplits: 1)
        var whole = String(parts[0])
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        return (negative ? "-" : "") + whole + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }

    static func bytes(_ size: Int64) -> String {
        size >= 1 << 20 ? "\(size >> 20) MiB" : size >= 1 << 10 ? "\(size >> 10) KiB" : "\(size) B"
    }

    static func decryption(_ policy: DecryptionPolicy) -> String {
        switch policy {
        case .bidder: return "不见面开标，投标人远程解密"
        case .committee: return "不见面开标，开标密钥由开标人员门限解密"
        case .bidderThenCommittee: return "不见面开标，投标人远程解密；未解密的由开标人员门限解密补救"
        }
    }

    static func itemHeading(_ item: String) -> String {
        switch item {
        case "price": return "投标报价（元）"
        case "durationDays": return "工期（日历天）"
        case "quality": return "质量"
        case "projectManager": return "项目经理"
        case "bidSecurityAccount": return "保证金账户"
        default: return item.hasPrefix("extra.") ? String(item.dropFirst(6)) : item
        }
    }

    static func item(_ item: String, _ value: String?) -> String {
        guard let value else { return "—" }
        if item == "price", let amount = ExactDecimal.price(value) { return money(amount) }
        return value
    }

    static func openingState(_ entry: OpeningRecord.Entry) -> String {
        switch entry.state {
        case .opened: return entry.openedBy == .committee ? "已解密（开标人员）" : "已解密"
        case .revoked: return "解密失败（投标人原因，视为撤销）"
        case .withdrawn: return "解密失败（非投标人原因，视为撤回）"
        case .pending: return "未解密"
        }
    }

    static func penalty(_ kind: PenaltyKind) -> String {
        switch kind {
        case .none: return "记录"
        case .warning: return "警告"
        case .fine: return "罚款"
        case .debarment: return "取消投标资格"
        case .evaluationBan: return "取消评标资格"
        case .agencyBan: return "暂停招标代理"
        }
    }

    static func term(start: Date?, end: Date?, permanent: Bool?) -> String {
        if permanent == true { return "永久" }
        return "\(start.map(BeijingTime.day) ?? "") 至 \(end.map(BeijingTime.day) ?? "")"
    }

    static func chainStatus(_ status: String) -> String {
        switch status {
        case "revoked": return "已撤销"
        case "repaired": return "已信用修复"
        case "quashed": return "经复议或诉讼撤销"
        default: return status
        }
    }
}
