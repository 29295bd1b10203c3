import BidCore
import Foundation
import Logging
import ServiceLifecycle

extension OpeningRoom {
    struct Context: Sendable {
        var tender: Tender
        var keys: [TenderOpeningKey]
        var opening: Opening?
        var openingBids: [OpeningBid]
        /// The bids that count at the deadline (active).
        var bids: [BidRecord]
    }

    func load(_ id: String) async throws -> Context {
        guard let context = try await store.read({ tx -> Context? in
            guard let tender = try tx.tender(id: id), tender.status.isPublic else { return nil }
            return Context(tender: tender, keys: try tx.openingKeys(tender: id), opening: try tx.opening(tender: id),
                           openingBids: try tx.openingBids(tender: id), bids: try tx.bids(tender: id, status: .active))
        }) else { throw ServiceError.notFound("tender.not-found", "there is no published tender \(id)") }
        return context
    }

    /// The host: the tender's tenderer, its agency (or whoever created it), or one of the officials
    /// holding a share of its opening key.
    func isHost(_ identity: Identity, _ context: Context) async throws -> Bool {
        let party = identity.party.id
        if party == context.tender.tendererParty || party == context.tender.agencyParty || party == context.tender.owner { return true }
        guard identity.party.roles.contains(.official) else { return false }
        let mine = Set(try await store.read { try $0.certificates(party: party) }.map(\.fingerprint))
        return context.keys.contains { key in key.file.officials.contains { mine.contains($0.certificateFingerprint) } }
    }

    /// The caller's own pending bid in an opening that bidders decrypt; refusals are logged.
    func bidderContext(_ id: String, identity: Identity, refusalActor: Actor? = nil) async throws -> (Tender, Opening, BidRecord) {
        let now = clock.now()
        let context = try await load(id)
        func refuse(_ error: ServiceError) async throws -> Never {
            if let refusalActor {
                _ = try await store.write { tx in
                    try tx.appendLedger(try LedgerEntry(actor: refusalActor, action: "opening.decrypt.refused", object: "tender/\(id)", tenderId: id,
                                                        json: ["reason": error.code]), at: now)
                }
            }
            throw error
        }
        guard now >= context.tender.deadline else {
            try await refuse(.conflict("opening.before-deadline", "nothing can be decrypted before the bid deadline, \(iso(context.tender.deadline))"))
        }
        guard let opening = context.opening, opening.status == .decrypting else {
            try await refuse(.conflict(context.opening == nil ? "opening.not-started" : "opening.closed", "the opening of tender \(id) is not under way"))
        }
        guard context.tender.spec.decryptionPolicy != .committee else {
            throw ServiceError.conflict("opening.no-bidder-decryption", "tender \(id) is decrypted by the committee, not by bidders")
        }
        guard now < opening.windowEndsAt else {
            try await refuse(.conflict("opening.window-closed", "the decryption window closed at \(iso(opening.windowEndsAt))"))
        }
        guard let bid = context.bids.first(where: { $0.bidderParty == identity.party.id }) else {
            throw ServiceError.notFound("opening.no-bid", "you have no bid in the opening of tender \(id)")
        }
        guard context.openingBids.contains(where: { $0.bidId == bid.id && $0.state == .pending }) else {
            throw ServiceError.conflict("opening.already-decrypted", "your bid is no longer waiting for decryption")
        }
        return (context.tender, opening, bid)
    }

    /// Durations given in minutes: real minutes in the statutory profile, seconds in the demo one.
    static func minutes(_ value: Int?, default fallback: Int, profile: PolicyProfile) -> TimeInterval {
        let minutes = TimeInterval(value ?? fallback)
        return profile == .statutory ? minutes * 60 : minutes
    }

    /// Queues a look at the opening (window closed? shares complete? everything opened?).
    func schedule(_ id: String) async {
        let room = self
        await environment.openings.schedule(id) {
            do { try await room.advanceNow(id) } catch {
                Logger(label: "ebid.opening").error("opening of \(id) could not move on: \(error)")
            }
        }
    }

    /// Waits until the opening's queued work (decryptions, completion) has run.
    public func settle(_ id: String) async { await environment.openings.idle(id) }

    /// On reads: if the window has passed, let the opening move on — in the background, or
    /// waiting for it (`wait`) when the caller needs the outcome.
    func advanceIfDue(_ id: String, wait: Bool = false) async throws {
        if let opening = try await store.read({ try $0.opening(tender: id) }), opening.status == .decrypting, clock.now() >= opening.windowEndsAt {
            await schedule(id)
            if wait { await settle(id) }
        }
    }

    /// Moves an opening on: closes the window (bidder policy), lets the committee open what
    /// waits for it (committee policy; the remedy after the window), completes when nothing waits.
    func advanceNow(_ id: String) async throws {
        let context = try await load(id)
        guard let opening = context.opening, opening.status == .decrypting else { return }
        let policy = context.tender.spec.decryptionPolicy
        let windowOver = clock.now() >= opening.windowEndsAt
        if policy == .committee || (policy == .bidderThenCommittee && windowOver) {
            try await committeeOpen(context)
        }
        if policy == .bidder && windowOver {
            try await classifyUndecrypted(tender: id, actor: environment.platformActor, reason: "the bidder did not decrypt its bid within the decryption window")
        }
        let pending = try await store.read { try $0.openingBids(tender: id) }.filter { $0.state == .pending }
        if pending.isEmpty { try await complete(id) }
    }

    /// The bids still waiting when nobody can open them any more (E-Measures art. 31): revoked —
    /// the bidder did not decrypt — if the platform still holds the package exactly as received;
    /// withdrawn — the platform's fault — if it lost or damaged it, whatever the bidder did.
    func classifyUndecrypted(tender id: String, actor: Actor, reason: String, fault: DecryptionFailure.Fault = .bidder) async throws {
        let pending = try await store.read { tx -> [(OpeningBid, BidRecord)] in
            let records = Dictionary(uniqueKeysWithValues: try tx.bids(tender: id, status: .active).map { ($0.id, $0) })
            return try tx.openingBids(tender: id).filter { $0.state == .pending }.compactMap { bid in records[bid.bidId].map { (bid, $0) } }
        }
        var failures: [String: DecryptionFailure] = [:]
        for (bid, record) in pending {
            let platformFault = try await storedPackageProblem(record)
            failures[bid.bidId] = platformFault ?? DecryptionFailure(
                fault: fault, code: fault == .bidder ? "opening.not-decrypted" : "opening.shares-missing",
                detail: reason + (bid.refusedAttempts > 0 ? " (\(bid.refusedAttempts) wrong content key(s) were refused)" : ""))
        }
        let now = clock.now()
        let classified = failures
        try await store.write { tx in
            for var bid in try tx.openingBids(tender: id) where bid.state == .pending {
                guard let failure = classified[bid.bidId] else { continue }
                bid.state = failure.fault == .bidder ? .revoked : .withdrawn
                bid.failure = failure
                try tx.saveOpeningBid(bid, tender: id, manifest: nil)
                let event = try tx.appendLedger(try LedgerEntry(actor: actor, action: failure.fault == .bidder ? "opening.not-decrypted" : "opening.decrypt.failed",
                                                                object: "bid/\(bid.bidId)", tenderId: id, json: failure), at: now)
                try Self.raiseDecryptionLead(bid: bid, failure: failure, tender: id, event: event, tx: tx)
            }
        }
    }

    /// Whether the platform still holds the package exactly as received (its digest is checked
    /// again): nil if so, otherwise the platform's failure.
    func storedPackageProblem(_ bid: BidRecord) async throws -> DecryptionFailure? {
        let path = store.blobs.path(bid.blob)
        return try await SerialWorker(label: "ebid.opening.check").run {
            guard FileManager.default.fileExists(atPath: path) else {
                return DecryptionFailure(fault: .platform, code: "opening.blob-missing", detail: "the stored package of bid \(bid.id) is missing")
            }
            guard let digest = try? FileInput(path: path).digestString(bid.suite.hash), digest == bid.packageDigest else {
                return DecryptionFailure(fault: .platform, code: "opening.blob-corrupt",
                                         detail: "the stored package no longer matches the digest it was received with (\(bid.packageDigest))")
            }
            return nil
        }
    }

    /// Rebuilds each suite's opening key from the handed-in shares, once there are enough, and
    /// opens the bids still waiting.
    func committeeOpen(_ context: Context) async throws {
        let id = context.tender.id
        let pendingIds = Set(context.openingBids.filter { $0.state == .pending }.map(\.bidId))
        let pending = context.bids.filter { pendingIds.contains($0.id) }
        for key in context.keys {
            let bids = pending.filter { $0.suite == key.suite }
            guard !bids.isEmpty else { continue }
            let shares = try await store.read { try $0.shares(tender: id, suite: key.suite) }.compactMap { share in
                share.value.map { OpeningKeyShare(keyId: key.keyId, index: share.index, value: Data($0).base64EncodedString()) }
            }
            guard shares.count >= key.file.threshold else { continue }
            let privateKey = try key.file.rebuildPrivateKey(from: shares)
            let actor = Actor(certificateFingerprint: environment.platform.certificate.fingerprint, party: "platform", role: "opening-committee", address: "local")
            // Two bids at a time: while one waits for its parts to reach the disk, the other decrypts
            // (each bid's chunks are themselves decrypted on all cores).
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = bids.makeIterator()
                func open(_ bid: BidRecord) {
                    group.addTask {
                        let outcome = try await self.openStored(bid, tender: context.tender, key: .privateKey(privateKey))
                        try await self.recordOutcome(outcome, bid: bid, openedBy: .committee, tender: context.tender, actor: actor, address: nil)
                    }
                }
                for _ in 0..<Self.committeeWidth { if let bid = next.next() { open(bid) } }
                while try await group.next() != nil {
                    if let bid = next.next() { open(bid) }
                }
            }
        }
    }

    /// How many bids the committee key opens at once.
    static let committeeWidth = 2

    enum Outcome: Sendable {
        case opened(OpenedBid, [BlobPartSink.StoredPart])
        case failed(DecryptionFailure)
    }

    /// Opens a stored bid (off the cooperative pool) and keeps its parts. A failure is the
    /// bidder's when the stored file is still exactly what was received (the package itself is
    /// bad), the platform's when the file is missing, unreadable or no longer what was received.
    func openStored(_ bid: BidRecord, tender: Tender, key: SealedBidOpener.KeySource) async throws -> Outcome {
        let path = store.blobs.path(bid.blob)
        let blobs = store.blobs
        let trust = environment.trust
        let attempt = try await SerialWorker(label: "ebid.opening.bid").run { () -> Result<Outcome, BidCoreError> in
            let sink = BlobPartSink(blobs: blobs)
            do {
                let opened = try SealedBidOpener.open(file: path, key: key, options: .init(trust: trust, time: bid.receivedAt, expectedTenderId: tender.id,
                                                                                          expectedSection: tender.section), sink: sink)
                return .success(.opened(opened, sink.stored))
            } catch let error as BidCoreError {
                return .failure(error)
            } catch {
                return .success(.failed(DecryptionFailure(fault: .platform, code: "opening.platform-error", detail: "the platform failed to open the package: \(error)")))
            }
        }
        switch attempt {
        case .success(let outcome): return outcome
        case .failure(let error):
            // Whose fault: the package as received, or what the platform kept of it?
            if var problem = try await storedPackageProblem(bid) {
                problem.detail += "; \(error.reason)"
                return .failed(problem)
            }
            return .failed(DecryptionFailure(fault: .bidder, code: error.code.rawValue,
                                             detail: "the package, intact as received (\(bid.packageDigest)), does not open: \(error.reason)"))
        }
    }

    func recordOutcome(_ outcome: Outcome, bid: BidRecord, openedBy: OpenedBy, tender: Tender, actor: Actor, address: String?) async throws {
        let now = clock.now()
        let id = tender.id
        let listed = tender.spec.openingRecordItems
        try await store.write { tx in
            guard var openingBid = try tx.openingBids(tender: id).first(where: { $0.bidId == bid.id }), openingBid.state == .pending else { return }
            openingBid.decryptedAt = now
            openingBid.decryptionAddress = address
            switch outcome {
            case .opened(let opened, let parts):
                openingBid.state = .opened
                openingBid.openedBy = openedBy
                openingBid.items = Self.items(opened.manifest.summary, listed: listed)
                try tx.saveOpeningBid(openingBid, tender: id, manifest: (opened.manifestBytes, opened.innerSignature))
                for part in parts {
                    try tx.insertOpenedPart(bid: bid.id, position: part.position, kind: part.kind.rawValue, name: part.name, size: part.size,
                                            digest: part.sha256, blob: part.blob)
                }
                try tx.appendLedger(try LedgerEntry(actor: actor, action: "opening.decrypt", object: "bid/\(bid.id)", tenderId: id,
                                                    json: DecryptPayload(openedBy: openedBy, items: openingBid.items,
                                                                         manifest: Hex.encode(StreamingDigest.hash(opened.manifestBytes, using: .sm3)))), at: now)
            case .failed(let failure):
                openingBid.state = failure.fault == .bidder ? .revoked : .withdrawn
                openingBid.failure = failure
                try tx.saveOpeningBid(openingBid, tender: id, manifest: nil)
                let event = try tx.appendLedger(try LedgerEntry(actor: actor, action: "opening.decrypt.failed", object: "bid/\(bid.id)", tenderId: id,
                                                                json: failure), at: now)
                try Self.raiseDecryptionLead(bid: openingBid, failure: failure, tender: id, event: event, tx: tx)
            }
        }
    }

    /// Every bid is opened or classified: screen for collusion, sign and publish the record.
    func complete(_ id: String) async throws {
        let now = clock.now()
        let context = try await load(id)
        guard var opening = context.opening, opening.status == .decrypting else { return }
        opening.status = .completed
        opening.completedAt = now
        let facts = try await store.read { tx -> [BidFacts] in
            try context.openingBids.compactMap { openingBid -> BidFacts? in
                guard openingBid.state == .opened, let bid = context.bids.first(where: { $0.id == openingBid.bidId }),
                      let bytes = try tx.openedManifest(bid: bid.id),
                      let manifest = try? JSONDecoder.ebid.decode(BidManifest.self, from: Data(bytes)) else { return nil }
                let party = try tx.party(id: bid.bidderParty)
                return BidFacts(bidId: bid.id, bidder: bid.bidderParty, bidderName: party?.name ?? bid.bidderParty,
                                machineFingerprint: manifest.machineFingerprint, partDigests: manifest.parts.map(\.digest),
                                uploadAddress: bid.clientAddress, decryptionAddress: openingBid.decryptionAddress, receivedAt: bid.receivedAt,
                                price: manifest.summary.price, projectManager: manifest.summary.projectManager,
                                bidSecurityAccount: manifest.summary.bidSecurityAccount, legalRepresentative: party?.legalRepresentative)
            }
        }
        let signals = CollusionScreening.signals(facts)
        let confirmation = Self.minutes(context.tender.spec.confirmationWindowMinutes, default: 30, profile: environment.profile)
        let platform = environment.platform
        let actor = environment.platformActor
        opening.confirmationEndsAt = now.addingTimeInterval(confirmation)
        let completed = opening
        try await store.write { tx in
            let opening = completed
            let record = try Self.record(tender: context.tender, opening: opening, bids: context.bids, openingBids: try tx.openingBids(tender: id),
                                         tx: tx, platform: platform, now: now, failure: nil)
            let signed = try platform.signDocument(record)
            try tx.saveOpening(opening)
            try tx.setOpeningRecord(tender: id, signed)
            try tx.setSignals(tender: id, signals)
            try tx.wipeShares(tender: id)
            try tx.setTenderStatus(id, .opened)
            try tx.appendLedger(LedgerEntry(actor: actor, action: "opening.complete", object: "tender/\(id)", tenderId: id, payload: signed.document), at: now)
            if !signals.isEmpty {
                let event = try tx.appendLedger(try LedgerEntry(actor: actor, action: "opening.signals", object: "tender/\(id)", tenderId: id, json: signals), at: now)
                // Each signal is a lead about each bidder it names — for a supervisor to weigh.
                let bidders = Dictionary(uniqueKeysWithValues: context.bids.map { ($0.id, $0.bidderParty) })
                for signal in signals {
                    for party in try signal.bidIds.compactMap({ bidders[$0] }).compactMap({ try tx.party(id: $0) }) {
                        try CreditRegister.raiseLead(.collusionSignal, about: party, tender: id,
                                                     summary: "collusion signal \(signal.kind.rawValue) at the opening of \(id): \(signal.evidence)",
                                                     evidence: signal, event: event, tx: tx)
                    }
                }
            }
        }
    }

    /// A bid revoked through its bidder's fault is a lead for the credit register (E-Measures art. 31).
    static func raiseDecryptionLead(bid: OpeningBid, failure: DecryptionFailure, tender: String, event: LedgerEvent, tx: any StoreTransaction) throws {
        guard failure.fault == .bidder, let party = try tx.party(id: bid.bidderParty) else { return }
        try CreditRegister.raiseLead(.decryptionFailure, about: party, tender: tender,
                                     summary: "bid \(bid.bidId) at the opening of \(tender) counts as revoked: \(failure.detail)", evidence: failure, event: event, tx: tx)
    }

    static func record(tender: Tender, opening: Opening, bids: [BidRecord], openingBids: [OpeningBid], tx: any StoreTransaction,
                       platform: PlatformSigner, now: Date, failure: String?) throws -> OpeningRecord {
        let entries = try bids.sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }.map { bid -> OpeningRecord.Entry in
            let party = try tx.party(id: bid.bidderParty)
            let state = openingBids.first { $0.bidId == bid.id }
            return OpeningRecord.Entry(bidder: bid.bidderParty, bidderName: party?.name ?? bid.bidderParty, creditCode: party?.creditCode,
                                       receivedAt: bid.receivedAt, packageDigest: bid.packageDigest, state: state?.state ?? .pending,
                                       openedBy: state?.openedBy, failure: state?.failure, items: state?.items ?? [:])
        }
        let tenderer = try tx.party(id: tender.tendererParty)
        return OpeningRecord(
            tender: .init(id: tender.id, section: tender.section, title: tender.spec.title, tenderer: tenderer?.name, maximumPrice: tender.spec.maximumPrice,
                          deadline: tender.deadline, decryptionPolicy: tender.spec.decryptionPolicy, openingRecordItems: tender.spec.openingRecordItems),
            outcome: failure == nil ? .completed : .failed, failureReason: failure, bidCount: bids.count, startedAt: opening.startedAt,
            decryptionWindowEndsAt: failure == nil ? opening.windowEndsAt : nil, completedAt: now, bids: entries, issuedAt: now,
            platformCertificateFingerprint: platform.certificate.fingerprint)
    }

    /// The items of the bid summary the tender lists for the record.
    static func items(_ summary: BidSummary, listed: [String]) -> [String: String] {
        var items: [String: String] = [:]
        for item in listed {
            switch item {
            case "price": items[item] = summary.price
            case "durationDays": items[item] = String(summary.durationDays)
            case "quality": items[item] = summary.quality
            case "projectManager": items[item] = summary.projectManager
            case "bidSecurityAccount": items[item] = summary.bidSecurityAccount
            default:
                if item.hasPrefix("extra."), let value = summary.extra?[String(item.dropFirst(6))] { items[item] = value }
            }
        }
        return items
    }

    /// During the confirmation window, for bidders that had a bid in the opening.
    func confirmationOpen(_ id: String, bidder identity: Identity) async throws -> Date {
        let now = clock.now()
        let context = try await load(id)
        guard let opening = context.opening, opening.status == .completed, let ends = opening.confirmationEndsAt else {
            throw ServiceError.conflict("opening.no-record", "the opening record is not published yet")
        }
        guard now < ends else { throw ServiceError.conflict("opening.confirmation-closed", "confirmations and objections closed at \(iso(ends))") }
        guard context.bids.contains(where: { $0.bidderParty == identity.party.id }) else {
            throw ServiceError.forbidden("opening.not-a-bidder", "only bidders in this opening confirm or object")
        }
        return now
    }
}

private struct DecryptPayload: Encodable { var openedBy: OpenedBy; var items: [String: String]; var manifest: String }

extension FileInput {
    /// `sm3:…` / `sha256:…` of the whole file.
    func digestString(_ algorithm: HashAlgorithm) throws -> String {
        let digest = StreamingDigest(algorithm)
        try forEachChunk { digest.update($0) }
        return "\(algorithm.label):\(Hex.encode(digest.finalize()))"
    }
}

/// Moves openings on as their windows end, even when nobody asks, and signs a checkpoint as soon
/// as a tender's deadline passes: it seals the tender's bid events (`ebid audit verify` checks it).
struct OpeningService: Service {
    let environment: ServiceEnvironment
    let interval: TimeInterval
    let logger: Logger

    func run() async throws {
        let room = OpeningRoom(environment)
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            } catch {
                break
            }
            do {
                try await Supervision(environment).sealDeadlines()
                for opening in try await environment.store.read({ try $0.openings(status: .decrypting) }) {
                    try await room.advanceIfDue(opening.tenderId)
                }
            } catch {
                logger.error("opening service: \(error)")
            }
        }
    }

}
