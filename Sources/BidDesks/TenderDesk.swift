import BidCore
import BidDomain
import Foundation
import NIOCore

/// Tender publication (招标公告): drafts, documents, publication under the statutory periods,
/// amendments (澄清/修改), and the public view. Nothing here ever reveals who obtained documents or
/// bid, or how many (Law art. 22): downloads are not recorded at all.
public struct TenderDesk: Sendable {
    package let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    // MARK: Drafts

    /// Creates a draft tender with its opening key(s). The caller must be its tenderer or agency.
    public func createDraft(_ spec: TenderSpec, openingKeys: [OpeningKeyFile], by identity: Identity, role: PartyRole, address: String) async throws -> TenderView {
        let now = environment.clock.now()
        let (tenderer, agency, deadline) = try await checkedDraft(spec, by: identity, at: now)
        let (original, ceremonies) = try await environment.store.read { tx -> (Tender?, [Suite: OpeningKeyFile]) in
            var ceremonies: [Suite: OpeningKeyFile] = [:]
            for suite in spec.acceptedSuites where !openingKeys.contains(where: { $0.suite == suite }) {
                ceremonies[suite] = try tx.completedTranscript(tender: spec.id, suite: suite)
            }
            return (try spec.retenderOf.flatMap { try tx.tender(id: $0) }, ceremonies)
        }
        if let retender = spec.retenderOf, original?.status != .failed {
            throw ServiceError.unprocessable("tender.retender-invalid", "\(retender) is not a failed tender (流标): only those are re-tendered")
        }
        let keys = try await checkOpeningKeys(openingKeys, ceremonies: ceremonies, for: spec, at: now)
        let tender = Tender(spec: spec, status: .draft, owner: identity.party.id, tendererParty: tenderer.id, agencyParty: agency?.id,
                            profile: environment.profile, deadline: deadline, createdAt: now, publishedAt: nil)
        let entry = try LedgerEntry(actor: identity.actor(role: role, address: address), action: "tender.create", object: "tender/\(spec.id)",
                                    tenderId: spec.id, json: TenderPayload(spec: spec, openingKeys: keys.map(\.keyId)))
        do {
            try await environment.store.write { tx in
                // One key, one tender: a key any tender uses or used is refused (it may already
                // have been decrypted at that tender's opening, or be decrypted at it).
                try tx.insertTender(tender)
                for key in keys where try tx.keyUse(keyId: key.keyId) != nil {
                    throw ServiceError.conflict("tender.opening-key-reused",
                                                "the \(key.suite.rawValue) opening key \(key.keyId.prefix(16))… is used by another tender: every tender needs a key of its own")
                }
                for key in keys {
                    try tx.insertOpeningKey(tender: spec.id, key: key)
                    try tx.insertKeyUse(keyId: key.keyId, tender: spec.id, suite: key.suite, at: now)
                }
                try tx.appendLedger(entry, at: now)
            }
        } catch let error as StoreError where error.isConstraint {
            throw ServiceError.conflict("tender.exists", "a tender with id \(spec.id) exists already")
        }
        return try await view(spec.id, for: identity)
    }

    /// The checks a draft's tender file passes, at creation and at each edit: its fields, a
    /// registered tenderer, an agency not banned, the caller one of them.
    package func checkedDraft(_ spec: TenderSpec, by identity: Identity, at now: Date) async throws -> (tenderer: Party, agency: Party?, deadline: Date) {
        try validateFields(spec)
        guard let deadline = spec.bidDeadline else { throw ServiceError.unprocessable("tender.invalid", "bidDeadline is required") }
        let (tenderer, agency) = try await environment.store.read { tx -> (Party?, Party?) in
            (try tx.party(reference: spec.tenderer), try spec.agency.flatMap { try tx.party(reference: $0) })
        }
        guard let tenderer, tenderer.roles.contains(.tenderer) else {
            throw ServiceError.unprocessable("tender.unknown-tenderer", "tenderer \(spec.tenderer) is not a registered tenderer")
        }
        if spec.agency != nil {
            guard let agency, agency.roles.contains(.agency) else {
                throw ServiceError.unprocessable("tender.unknown-agency", "agency \(spec.agency!) is not a registered agency")
            }
            try await checkAgencyNotBanned(agency, at: now)
        }
        guard identity.party.id == tenderer.id || identity.party.id == agency?.id else {
            throw ServiceError.forbidden("tender.not-a-party", "only the tender's tenderer or its agency may publish it")
        }
        return (tenderer, agency, deadline)
    }

    /// A tender cannot name an agency that a decision bans from agency work (Law art. 50).
    package func checkAgencyNotBanned(_ agency: Party, at time: Date) async throws {
        if let chain = try await CreditRegister(environment).activeRestriction(subject: agency.subjectCode, kind: .agencyBan, at: time) {
            throw chain.refusal("tender.agency-banned")
        }
    }

    /// Adds a document to a draft tender (amendment 0) or to a draft amendment.
    public func addDocument<Body: AsyncSequence & Sendable>(tender id: String, amendment: Int = 0, name: String, contentType: String, body: Body,
                                                             by identity: Identity, role: PartyRole, address: String) async throws -> TenderDocument
    where Body.Element == ByteBuffer {
        guard BidManifest.isSafeFileName(name) else {
            throw ServiceError.badRequest("document.invalid-name", "\"\(name)\" is not a plain file name")
        }
        let tender = try await managedTender(id, by: identity)
        if amendment == 0 {
            guard tender.status == .draft else {
                throw ServiceError.conflict("tender.already-published", "documents of a published tender change only through an amendment")
            }
        } else {
            let amendments = try await environment.store.read { try $0.amendments(tender: id) }
            guard let draft = amendments.first(where: { $0.number == amendment }), draft.status == .draft else {
                throw ServiceError.conflict("amendment.not-draft", "amendment \(amendment) is not a draft")
            }
        }
        let file = try await StreamedFile.receive(body, into: environment.store.blobs, limit: 256 << 20, what: "the document")
        let blobs = environment.store.blobs
        let blob = try await Blocking.run { try blobs.commit(temporary: file.path, name: "sha256-\(file.digest)") }
        let now = environment.clock.now()
        let document = TenderDocument(name: name, amendment: amendment, size: file.size, digest: file.digest,
                                      contentType: contentType.isEmpty ? "application/octet-stream" : contentType, addedAt: now, blob: blob)
        let entry = try LedgerEntry(actor: identity.actor(role: role, address: address), action: "tender.document", object: "tender/\(id)/documents/\(name)",
                                    tenderId: id, json: document)
        do {
            try await environment.store.write { tx in
                try tx.insertDocument(tender: id, document)
                try tx.appendLedger(entry, at: now)
            }
        } catch let error as StoreError where error.isConstraint {
            throw ServiceError.conflict("document.exists", "the tender already has a document named \(name)")
        }
        return document
    }

    // MARK: Publication

    /// Publishes a draft. Statutory checks: at least 20 days from the start of document issue to
    /// the deadline (Law art. 24) and at least 5 days of document issue (Reg. art. 16). A retried
    /// request finds the tender published and is refused, so nothing is published twice.
    public func publish(_ id: String, by identity: Identity, role: PartyRole, address: String) async throws -> TenderView {
        let tender = try await managedTender(id, by: identity)
        guard tender.status == .draft else {
            throw ServiceError.conflict("tender.already-published", "tender \(id) was published at \(tender.publishedAt.map(iso) ?? "?")")
        }
        let now = environment.clock.now()
        let (documents, agency) = try await environment.store.read { tx in
            (try tx.documents(tender: id), try tender.agencyParty.flatMap { try tx.party(id: $0) })
        }
        guard !documents.isEmpty else { throw ServiceError.unprocessable("tender.no-documents", "add the tender documents (招标文件) before publishing") }
        if let agency { try await checkAgencyNotBanned(agency, at: now) }
        let profile = environment.profile
        let issueStart = max(tender.spec.documentIssueStart ?? now, now)
        let issueEnd = tender.spec.documentIssueEnd ?? tender.deadline
        guard tender.deadline.timeIntervalSince(issueStart) >= profile.minimumBidPeriod else {
            throw ServiceError.unprocessable("tender.bid-period-too-short",
                                             "the deadline \(iso(tender.deadline)) is less than \(days(profile.minimumBidPeriod)) after document issue starts (\(iso(issueStart))): Law art. 24")
        }
        guard issueEnd.timeIntervalSince(issueStart) >= profile.minimumDocumentIssue else {
            throw ServiceError.unprocessable("tender.issue-period-too-short",
                                             "documents must be on issue for at least \(days(profile.minimumDocumentIssue)) (Reg. art. 16)")
        }
        let entry = try LedgerEntry(actor: identity.actor(role: role, address: address), action: "tender.publish", object: "tender/\(id)", tenderId: id,
                                    json: PublishPayload(deadline: tender.deadline, documents: documents.map { "\($0.name) sha256:\($0.digest)" }))
        let published = try await environment.store.write { tx -> Bool in
            guard try tx.publishTender(id: id, at: now) else { return false }
            try tx.appendLedger(entry, at: now)
            return true
        }
        guard published else { throw ServiceError.conflict("tender.already-published", "tender \(id) was published by another request") }
        return try await view(id, for: identity)
    }

    // MARK: Amendments

    public struct AmendmentInput: Codable, Sendable {
        public var title: String
        public var text: String
        /// A later deadline, when the amendment moves it.
        public var newDeadline: Date?
    }

    /// Opens a draft amendment; documents may be added to it before it is published.
    public func createAmendment(tender id: String, _ input: AmendmentInput, by identity: Identity, role: PartyRole, address: String) async throws -> Amendment {
        let tender = try await managedTender(id, by: identity)
        guard tender.status == .published else { throw ServiceError.conflict("tender.not-published", "amend a published tender; edit a draft directly") }
        guard !input.title.isEmpty, !input.text.isEmpty else { throw ServiceError.unprocessable("amendment.invalid", "an amendment needs a title and a text") }
        let now = environment.clock.now()
        guard now < tender.deadline else { throw ServiceError.conflict("tender.closed", "the bid deadline has passed") }
        let entryTemplate = (identity.actor(role: role, address: address), input)
        return try await environment.store.write { tx in
            let existing = try tx.amendments(tender: id)
            guard !existing.contains(where: { $0.status == .draft }) else {
                throw ServiceError.conflict("amendment.draft-open", "publish or finish the open draft amendment first")
            }
            let amendment = Amendment(number: (existing.map(\.number).max() ?? 0) + 1, title: input.title, text: input.text, status: .draft,
                                      previousDeadline: tender.deadline, newDeadline: input.newDeadline, createdAt: now, publishedAt: nil)
            try tx.insertAmendment(tender: id, amendment)
            try tx.appendLedger(try LedgerEntry(actor: entryTemplate.0, action: "tender.amendment.create", object: "tender/\(id)/amendments/\(amendment.number)",
                                                tenderId: id, json: entryTemplate.1), at: now)
            return amendment
        }
    }

    /// Publishes an amendment. One published later than 15 days before the deadline must move the
    /// deadline so that 15 days remain (Law art. 23, Reg. art. 21); a deadline never moves earlier.
    /// `newDeadline`, when given, replaces the draft's (publishing "with this deadline").
    public func publishAmendment(tender id: String, number: Int, newDeadline override: Date? = nil, by identity: Identity, role: PartyRole,
                                 address: String) async throws -> TenderView {
        let tender = try await managedTender(id, by: identity)
        let now = environment.clock.now()
        guard now < tender.deadline else { throw ServiceError.conflict("tender.closed", "the bid deadline has passed") }
        let amendments = try await environment.store.read { try $0.amendments(tender: id) }
        guard let draft = amendments.first(where: { $0.number == number }) else {
            throw ServiceError.notFound("amendment.not-found", "tender \(id) has no amendment \(number)")
        }
        var chosen = draft
        if let override { chosen.newDeadline = override }
        let amendment = chosen
        guard amendment.status == .draft else { throw ServiceError.conflict("amendment.already-published", "amendment \(number) is published") }
        if let newDeadline = amendment.newDeadline, newDeadline < tender.deadline {
            throw ServiceError.unprocessable("amendment.deadline-earlier", "an amendment may move the deadline later, never earlier")
        }
        let deadline = amendment.newDeadline ?? tender.deadline
        let notice = environment.profile.amendmentNotice
        guard deadline.timeIntervalSince(now) >= notice else {
            let earliest = now.addingTimeInterval(notice)
            var error = ServiceError.unprocessable("amendment.deadline-must-move",
                                                   "this amendment comes less than \(days(notice)) before the deadline: move the deadline to \(iso(earliest)) or later (Law art. 23, Reg. art. 21)")
            error.extra["earliestDeadline"] = iso(earliest)
            throw error
        }
        let entry = try LedgerEntry(actor: identity.actor(role: role, address: address), action: "tender.amendment.publish",
                                    object: "tender/\(id)/amendments/\(number)", tenderId: id,
                                    json: AmendmentPayload(number: number, previousDeadline: tender.deadline, deadline: deadline))
        let done = try await environment.store.write { tx -> Bool in
            guard try tx.publishAmendment(tender: id, number: number, previousDeadline: tender.deadline,
                                          newDeadline: amendment.newDeadline, at: now) else { return false }
            if deadline != tender.deadline { try tx.setDeadline(tender: id, to: deadline) }
            try tx.appendLedger(entry, at: now)
            return true
        }
        guard done else { throw ServiceError.conflict("amendment.already-published", "amendment \(number) was published by another request") }
        return try await view(id, for: identity)
    }

    // MARK: Reading

    /// Published tenders, newest first (drafts are never listed).
    public func list() async throws -> [TenderSummaryView] {
        let (tenders, parties) = try await environment.store.read { tx -> ([Tender], [String: Party]) in
            let tenders = try tx.publicTenders()
            var parties: [String: Party] = [:]
            for id in Set(tenders.flatMap { [$0.tendererParty] + ($0.agencyParty.map { [$0] } ?? []) }) { parties[id] = try tx.party(id: id) }
            return (tenders, parties)
        }
        return tenders.map { TenderSummaryView($0, tenderer: parties[$0.tendererParty], agency: $0.agencyParty.flatMap { parties[$0] }) }
    }

    /// A tender as `identity` may see it: published tenders to everyone; drafts to their owner only
    /// (to anyone else a draft does not exist).
    public func view(_ id: String, for identity: Identity?) async throws -> TenderView {
        let loaded = try await environment.store.read { tx -> (Tender, [TenderOpeningKey], [TenderDocument], [Amendment], Party?, Party?)? in
            guard let tender = try tx.tender(id: id) else { return nil }
            return (tender, try tx.openingKeys(tender: id), try tx.documents(tender: id), try tx.amendments(tender: id),
                    try tx.party(id: tender.tendererParty), try tender.agencyParty.flatMap { try tx.party(id: $0) })
        }
        guard let (tender, keys, documents, amendments, tenderer, agency) = loaded else { throw notFound(id) }
        let isOwner = identity.map { tender.isManaged(by: $0) } ?? false
        guard tender.status.isPublic || isOwner else { throw notFound(id) }
        return TenderView(tender, keys: keys, documents: documents, amendments: isOwner ? amendments : amendments.filter { $0.status == .published },
                          tenderer: tenderer, agency: agency, notice: environment.profile.notice)
    }

    /// A document for download: published tenders' documents to anyone, without recording who.
    public func document(tender id: String, name: String, for identity: Identity?) async throws -> (path: String, document: TenderDocument) {
        let found = try await environment.store.read { tx -> (Tender, TenderDocument?, [Amendment])? in
            guard let tender = try tx.tender(id: id) else { return nil }
            return (tender, try tx.document(tender: id, name: name), try tx.amendments(tender: id))
        }
        guard let (tender, document, amendments) = found else { throw notFound(id) }
        let isOwner = identity.map { tender.isManaged(by: $0) } ?? false
        guard tender.status.isPublic || isOwner else { throw notFound(id) }
        guard let document else { throw ServiceError.notFound("document.not-found", "tender \(id) has no document named \(name)") }
        if document.amendment > 0, !isOwner, amendments.first(where: { $0.number == document.amendment })?.status != .published {
            throw ServiceError.notFound("document.not-found", "tender \(id) has no document named \(name)")
        }
        return (environment.store.blobs.path(document.blob), document)
    }

    /// The opening key files of a published tender (public keys, encrypted shares, verification keys).
    public func openingKeys(tender id: String) async throws -> [OpeningKeyFile] {
        let found = try await environment.store.read { tx -> (Tender, [TenderOpeningKey])? in
            guard let tender = try tx.tender(id: id) else { return nil }
            return (tender, try tx.openingKeys(tender: id))
        }
        guard let (tender, keys) = found, tender.status.isPublic else { throw notFound(id) }
        return keys.map(\.file)
    }

    // MARK: Helpers

    package func managedTender(_ id: String, by identity: Identity) async throws -> Tender {
        guard let tender = try await environment.store.read({ try $0.tender(id: id) }) else { throw notFound(id) }
        guard tender.isManaged(by: identity) else {
            if tender.status == .draft { throw notFound(id) }
            throw ServiceError.forbidden("tender.not-owner", "only the party that created tender \(id) may change it")
        }
        return tender
    }

    private func notFound(_ id: String) -> ServiceError { .notFound("tender.not-found", "there is no published tender \(id)") }

    private func validateFields(_ spec: TenderSpec) throws {
        func invalid(_ detail: String) -> ServiceError { .unprocessable("tender.invalid", detail) }
        do {
            try SealedBidHeader.validateIdentifier(spec.id, what: "id", maxLength: 128)
            try SealedBidHeader.validateIdentifier(spec.section, what: "section", maxLength: 64)
        } catch let error as BidCoreError { throw invalid(error.reason) }
        guard !spec.title.isEmpty, spec.title.count <= 500 else { throw invalid("title must be 1…500 characters") }
        guard !spec.announcement.isEmpty else { throw invalid("the announcement text is required") }
        if let days = spec.evaluationDays, !(1...90).contains(days) { throw invalid("evaluationDays must be 1…90 statutory days") }
        if let price = spec.maximumPrice, !BidSummary.isValidPrice(price) {
            throw invalid("maximumPrice \(price) must be a decimal amount in yuan with at most 2 decimals")
        }
        if let minutes = spec.decryptionWindowMinutes, !(1...1440).contains(minutes) { throw invalid("decryptionWindowMinutes must be 1…1440") }
        if let minutes = spec.confirmationWindowMinutes, !(1...10_080).contains(minutes) { throw invalid("confirmationWindowMinutes must be 1…10080") }
        guard !spec.openingRecordItems.isEmpty else { throw invalid("openingRecordItems must list at least the price") }
        for item in spec.openingRecordItems where !TenderSpec.summaryItems.contains(item) && !(item.hasPrefix("extra.") && item.count > 6) {
            throw invalid("unknown opening record item \(item) (allowed: \(TenderSpec.summaryItems.sorted().joined(separator: ", ")), extra.<name>)")
        }
        // The rubric and committee the evaluation will follow (Reg. art. 49: only by the method and
        // criteria in the documents; Law art. 37: the committee's make-up).
        do { try spec.evaluation.validate() } catch let error as BidCoreError {
            throw ServiceError.unprocessable(error.code.rawValue, "evaluation: \(error.reason)")
        }
        guard !spec.acceptedSuites.isEmpty, Set(spec.acceptedSuites).count == spec.acceptedSuites.count else {
            throw invalid("acceptedSuites must list GM and/or NIST once each")
        }
        if let bytes = spec.maxBidBytes, !(1024...environment.maxBidBytesCeiling).contains(bytes) {
            throw invalid("maxBidBytes must be 1024…\(environment.maxBidBytesCeiling)")
        }
        if let start = spec.documentIssueStart, let end = spec.documentIssueEnd, end <= start {
            throw invalid("documentIssueEnd must follow documentIssueStart")
        }
    }

    /// One opening key per accepted suite — given, or the tender's completed key ceremony — bound
    /// to this tender and section, every shareholder a registered, valid opening official; a key
    /// made on one machine (`ebid opening keygen`) only where the centre allows it.
    private func checkOpeningKeys(_ files: [OpeningKeyFile], ceremonies: [Suite: OpeningKeyFile], for spec: TenderSpec,
                                  at now: Date) async throws -> [TenderOpeningKey] {
        func refuse(_ code: String, _ detail: String) -> ServiceError { .unprocessable(code, detail) }
        var keys: [TenderOpeningKey] = []
        for suite in spec.acceptedSuites {
            let given = files.filter { $0.suite == suite }
            guard given.count <= 1, let file = given.first ?? ceremonies[suite] else {
                throw refuse("tender.opening-key-missing",
                             "give exactly one \(suite.rawValue) opening key, or complete the key ceremony first (`ebid opening ceremony start --tender \(spec.id)`)")
            }
            do { try file.validate() } catch let error as BidCoreError { throw refuse(error.code.rawValue, error.reason) }
            if let bound = file.tenderId, bound != spec.id {
                throw refuse("tender.opening-key-other-tender", "this \(suite.rawValue) opening key was made for tender \(bound), not \(spec.id)")
            }
            if let bound = file.section, bound != spec.section {
                throw refuse("tender.opening-key-other-tender", "this \(suite.rawValue) opening key was made for section \(bound), not \(spec.section)")
            }
            switch file.origin {
            case .ceremony:
                do {
                    try file.verifyCeremony(trust: environment.trust, at: now, platformCertificate: environment.platform.certificate)
                } catch let error as BidCoreError {
                    throw refuse("tender.opening-key-unverified", "the key ceremony's transcript does not verify: \(error.reason)")
                }
            case .dealer:
                guard environment.acceptsDealerKeys else {
                    throw refuse("tender.opening-key-dealer", """
                        this \(suite.rawValue) opening key was made on one machine (`ebid opening keygen`), which saw the whole private key; \
                        this trading centre accepts only keys made by the officials' key ceremony (`ebid opening ceremony`)
                        """)
                }
            }
            let officials = file.officials
            let shareholders = Shareholders(environment: environment)
            try await environment.store.read { tx in
                for official in officials {
                    guard let der = Data(base64Encoded: official.certificate), let certificate = try? Certificate(der: [UInt8](der)),
                          certificate.fingerprint == official.certificateFingerprint else {
                        throw ServiceError.unprocessable("opening-key.malformed", "share \(official.index) has a malformed certificate")
                    }
                    _ = try shareholders.holder(of: certificate, share: official.index, tx: tx, at: now)
                }
            }
            keys.append(TenderOpeningKey(suite: suite, file: file))
        }
        guard files.allSatisfy({ file in spec.acceptedSuites.contains(file.suite) }) else {
            throw refuse("tender.opening-key-extra", "an opening key is given for a suite the tender does not accept")
        }
        return keys
    }
}

private struct TenderPayload: Encodable { var spec: TenderSpec; var openingKeys: [String] }
private struct PublishPayload: Encodable { var deadline: Date; var documents: [String] }
private struct AmendmentPayload: Encodable { var number: Int; var previousDeadline: Date; var deadline: Date }

package func days(_ interval: TimeInterval) -> String {
    let days = interval / 86_400
    if days >= 1, days == days.rounded() { return "\(Int(days)) days" }
    return "\(Int(interval)) seconds"
}
