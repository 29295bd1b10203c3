import BidCore
import BidDomain
import Foundation

/// Open data in the Open Contracting Data Standard 1.1 (OCDS): one contracting process per tender,
/// with releases for its stages — `tender` at publication, `tenderAmendment` for each published
/// amendment, `tenderUpdate` when the opening record names the bidders, `award` at the award
/// notice, `contract` when the tenderer records the signed contract (e-supervision's statement).
/// Bidders appear only from the opening record on (Law art. 22). Amounts are JSON numbers written
/// from their exact decimal text. Fields OCDS lacks (标段, 开标方式, 评标办法…) are in the `ebid`
/// extension served at `/v1/ocds/extension/` (docs/open-data.md).
public struct OpenData: Sendable {
    package let environment: ServiceEnvironment
    /// The OCID prefix (`ocds-` and six characters) the centre registered with the OCP.
    public var ocidPrefix = "ocds-ebid00"
    public var publisher = "ebid 电子招标投标交易平台"

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    public func ocid(_ tender: String) -> String { "\(ocidPrefix)-\(tender)" }

    /// The extension's address, for the packages' `extensions` (under `base`, the service's URL).
    public static func extensionURL(base: String) -> String { "\(base)/v1/ocds/extension/extension.json" }

    /// Every release of the public tenders, the latest published tender first, `limit` tenders from `offset`.
    public func releases(base: String, offset: Int, limit: Int) async throws -> JSONValue {
        let now = environment.clock.now()
        let tenders = try await environment.store.read { tx in
            try tx.publicTenderPage(PublicTenderQuery(offset: offset, limit: limit), now: now).rows.map(\.tender.id)
        }
        var releases: [JSONValue] = []
        for id in tenders { releases += try await self.releases(tender: id, base: base) }
        let uri = limit == Int.max ? "\(base)/v1/ocds/releases.json" : "\(base)/v1/ocds/releases?offset=\(offset)&limit=\(limit)"
        return package(base: base, uri: uri, releases: releases, now: now)
    }

    /// The record package of one tender: its releases, embedded.
    public func record(tender id: String, base: String) async throws -> JSONValue {
        let releases = try await self.releases(tender: id, base: base)
        let now = environment.clock.now()
        let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id
        var package = self.package(base: base, uri: "\(base)/v1/ocds/tenders/\(escaped)/record", releases: [], now: now)
        if case .object(var object) = package {
            object.removeValue(forKey: "releases")
            object["records"] = .array([.object(["ocid": .string(ocid(id)), "releases": .array(releases)])])
            package = .object(object)
        }
        return package
    }

    package func package(base: String, uri: String, releases: [JSONValue], now: Date) -> JSONValue {
        .object([
            "uri": .string(uri), "version": .string("1.1"), "publishedDate": .string(iso(now)),
            "publisher": .object(["name": .string(publisher)]),
            "extensions": .array([.string(Self.extensionURL(base: base))]),
            "releases": .array(releases),
        ])
    }

    /// The releases of one public tender, in the order of its stages.
    public func releases(tender id: String, base: String) async throws -> [JSONValue] {
        let file = try await PortalDesk(environment).tenderFile(id)
        let parties = try await environment.store.read { tx -> (tenderer: Party?, agency: Party?) in
            guard let tender = try tx.tender(id: id) else { return (nil, nil) }
            return (try tx.party(id: tender.tendererParty), try tender.agencyParty.flatMap { try tx.party(id: $0) })
        }
        let contract = try await environment.store.read { tx in try tx.supervisionStatements(tender: id).first { $0.step == .contractSigned } }
        let tender = file.tender
        let ocid = ocid(id)
        let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id

        func party(_ party: PartyRef?, roles: [String]) -> JSONValue? {
            guard let party else { return nil }
            var object: [String: JSONValue] = ["id": .string(party.creditCode ?? party.id), "name": .string(party.name), "roles": .array(roles.map(JSONValue.string))]
            if let code = party.creditCode {
                object["identifier"] = .object(["scheme": .string("CN-USCC"), "id": .string(code), "legalName": .string(party.name)])
            }
            return .object(object)
        }
        func money(_ amount: ExactDecimal) -> JSONValue { .object(["amount": .number(amount.formatted(places: 2)), "currency": .string("CNY")]) }
        func documentType(_ name: String, amendment: Int) -> String {
            if name.lowercased().contains("bill-of-quantities") || name.contains("工程量清单") { return "billOfQuantity" }
            return amendment > 0 ? "clarifications" : "biddingDocuments"
        }

        let tenderer = PartyRef(parties.tenderer)
        let agency = PartyRef(parties.agency)
        var baseParties: [JSONValue] = []
        if let buyer = party(tenderer, roles: ["buyer"]) { baseParties.append(buyer) }
        if let procuring = party(agency ?? tenderer, roles: agency == nil ? ["buyer", "procuringEntity"] : ["procuringEntity"]) {
            if agency == nil { baseParties = [procuring] } else { baseParties.append(procuring) }
        }
        let buyerRef: JSONValue = .object(["id": .string(tenderer?.creditCode ?? tenderer?.id ?? ""), "name": .string(tenderer?.name ?? "")])
        let procuringRef: JSONValue = .object(["id": .string((agency ?? tenderer)?.creditCode ?? (agency ?? tenderer)?.id ?? ""), "name": .string((agency ?? tenderer)?.name ?? "")])

        // The tender as it stood after `amendments` published amendments.
        let publishedAmendments = tender.amendments.filter { $0.status == .published }.sorted { $0.number < $1.number }
        func tenderObject(amendments: Int, status: String, tenderers: [OpeningRecord.Entry]?) -> JSONValue {
            let published = publishedAmendments.prefix(amendments)
            // The deadline in force then: the next amendment's previous one, or today's.
            let deadline = amendments < publishedAmendments.count ? publishedAmendments[amendments].previousDeadline : tender.deadline
            var object: [String: JSONValue] = [
                "id": .string(id), "title": .string(tender.title), "description": .string(tender.announcement), "status": .string(status),
                "procuringEntity": procuringRef,
                "procurementMethod": .string("open"), "procurementMethodDetails": .string("公开招标"),
                "mainProcurementCategory": .string((tender.category ?? .works).rawValue),
                "awardCriteria": .string(tender.evaluation.method == .comprehensive ? "ratedCriteria" : "priceOnly"),
                "awardCriteriaDetails": .string(tender.evaluation.method == .comprehensive ? "综合评估法" : "经评审的最低投标价法"),
                "submissionMethod": .array([.string("electronicSubmission")]),
                "submissionMethodDetails": .string("加密电子投标文件经 HTTP 上传，平台即时签发确认回执"),
                "tenderPeriod": .object(["startDate": .string(iso(tender.documentIssueStart)), "endDate": .string(iso(deadline))]),
                "section": .string(tender.section),
                "decryptionPolicy": .string(tender.decryptionPolicy.rawValue),
            ]
            if let name = tender.sectionName { object["sectionName"] = .string(name) }
            if let maximum = tender.maximumPrice.flatMap(ExactDecimal.price) { object["value"] = money(maximum) }
            let visible = Set(published.map(\.number))
            object["documents"] = .array(tender.documents.filter { $0.amendment == 0 || visible.contains($0.amendment) }.map { document in
                .object([
                    "id": .string("\(document.amendment)-\(document.name)"), "documentType": .string(documentType(document.name, amendment: document.amendment)),
                    "title": .string(document.name), "format": .string(document.contentType.split(separator: ";").first.map(String.init) ?? "application/octet-stream"),
                    "url": .string("\(base)/v1/tenders/\(escaped)/documents/\(document.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"),
                ])
            })
            if !published.isEmpty {
                object["amendments"] = .array(published.map { amendment in
                    var item: [String: JSONValue] = ["id": .string(String(amendment.number)), "description": .string(amendment.title), "rationale": .string(amendment.text),
                                                     "releaseID": .string("\(ocid)-amendment-\(amendment.number)")]
                    if let at = amendment.publishedAt { item["date"] = .string(iso(at)) }
                    return .object(item)
                })
            }
            if let tenderers {
                object["numberOfTenderers"] = .number(String(tenderers.count))
                object["tenderers"] = .array(tenderers.map { .object(["id": .string($0.creditCode ?? $0.bidder), "name": .string($0.bidderName)]) })
            }
            return .object(object)
        }
        func release(_ suffix: String, tag: String, date: Date, tender: JSONValue, parties: [JSONValue], extra: [String: JSONValue] = [:]) -> JSONValue {
            var object: [String: JSONValue] = [
                "ocid": .string(ocid), "id": .string("\(ocid)-\(suffix)"), "date": .string(iso(date)), "tag": .array([.string(tag)]),
                "initiationType": .string("tender"), "language": .string("zh"), "buyer": buyerRef, "parties": .array(parties), "tender": tender,
            ]
            for (key, value) in extra { object[key] = value }
            return .object(object)
        }

        let finished = file.award != nil ? "complete" : file.stage == .failed ? "unsuccessful" : "active"
        var releases: [JSONValue] = [release("tender", tag: "tender", date: tender.publishedAt ?? file.now, tender: tenderObject(amendments: 0, status: "active", tenderers: nil), parties: baseParties)]
        for (index, amendment) in publishedAmendments.enumerated() {
            releases.append(release("amendment-\(amendment.number)", tag: "tenderAmendment", date: amendment.publishedAt ?? file.now,
                                    tender: tenderObject(amendments: index + 1, status: "active", tenderers: nil), parties: baseParties))
        }
        let all = publishedAmendments.count
        guard let record = file.record?.value else { return releases }
        // From the opening record on, the bidders are public (Law art. 36).
        let bidders = record.bids
        let bidderParties = bidders.map { entry -> JSONValue in
            var object: [String: JSONValue] = ["id": .string(entry.creditCode ?? entry.bidder), "name": .string(entry.bidderName), "roles": .array([.string("tenderer")])]
            if let code = entry.creditCode { object["identifier"] = .object(["scheme": .string("CN-USCC"), "id": .string(code), "legalName": .string(entry.bidderName)]) }
            return .object(object)
        }
        releases.append(release("opening", tag: "tenderUpdate", date: record.completedAt,
                                tender: tenderObject(amendments: all, status: file.stage == .failed ? "unsuccessful" : "active", tenderers: bidders), parties: baseParties + bidderParties))
        guard let award = file.award?.value else { return releases }
        let winnerId = award.winner.creditCode ?? award.winner.party
        let awardedParties = baseParties + bidderParties.map { party -> JSONValue in
            guard case .object(var object) = party, object["id"] == .string(winnerId) else { return party }
            object["roles"] = .array([.string("tenderer"), .string("supplier")])
            return .object(object)
        }
        let awardObject: JSONValue = .object([
            "id": .string("\(ocid)-award-1"), "title": .string("中标通知书"), "status": .string("active"), "date": .string(iso(award.awardedAt)),
            "value": money(award.winner.price), "suppliers": .array([.object(["id": .string(winnerId), "name": .string(award.winner.bidder)])]),
            "documents": .array([.object(["id": .string("award"), "documentType": .string("awardNotice"), "title": .string("中标结果（平台签名）"),
                                          "url": .string("\(base)/tenders/\(escaped)/signed/award.json"), "format": .string("application/json")])]),
        ])
        releases.append(release("award", tag: "award", date: award.awardedAt, tender: tenderObject(amendments: all, status: finished, tenderers: bidders),
                                parties: awardedParties, extra: ["awards": .array([awardObject])]))
        guard let contract else { return releases }
        let contractObject: JSONValue = .object([
            "id": .string("\(ocid)-contract-1"), "awardID": .string("\(ocid)-award-1"), "title": .string("\((tender.category ?? .works) == .works ? "施工" : tender.category == .goods ? "采购" : "服务")合同"), "status": .string("active"),
            "dateSigned": .string(iso(contract.doneAt)), "value": money(contract.amount ?? award.winner.price),
        ])
        releases.append(release("contract", tag: "contract", date: contract.recordedAt, tender: tenderObject(amendments: all, status: finished, tenderers: bidders),
                                parties: awardedParties, extra: ["awards": .array([awardObject]), "contracts": .array([contractObject])]))
        return releases
    }

    /// The `ebid` extension (extension.json) and its release schema patch.
    public static let extensionManifest = #"""
    {
      "name": {"en": "ebid: Chinese public resource trading", "zh": "ebid：公共资源交易"},
      "description": {"en": "Fields of Chinese electronic tendering (电子招标投标) that OCDS lacks: the section (标段) and how bids are decrypted at the opening (开标方式).", "zh": "标段、开标方式等字段。"},
      "documentationUrl": {"en": "https://github.com/ebid/ebid/blob/main/docs/open-data.md"},
      "schemas": ["release-schema.json"],
      "compatibility": ["1.1"]
    }
    """#

    public static let extensionSchema = #"""
    {
      "definitions": {
        "Tender": {
          "properties": {
            "section": {"title": "Section (标段)", "description": "The section of the tender this process awards; a tender's sections are separate processes.", "type": ["string", "null"]},
            "sectionName": {"title": "Section name (标段名称)", "description": "The section's name as the documents give it.", "type": ["string", "null"]},
            "decryptionPolicy": {"title": "Decryption at the opening (开标方式)", "description": "bidder: each bidder decrypts its own bid remotely; committee: opening officials decrypt as a threshold committee; bidder-then-committee: bidders first, the committee as the remedy.", "type": ["string", "null"], "enum": ["bidder", "committee", "bidder-then-committee", null]}
          }
        }
      }
    }
    """#
}
