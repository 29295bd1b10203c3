import BidCore
import BidDomain
import Foundation
import Logging

extension OpeningRoom {
    package struct Context: Sendable {
        package var tender: Tender
        package var keys: [TenderOpeningKey]
        package var opening: Opening?
        package var openingBids: [OpeningBid]
        /// The bids that count at the deadline (active).
        package var bids: [BidRecord]
    }

    package func load(_ id: String) async throws -> Context {
        guard let context = try await store.read({ tx -> Context? in
            guard let tender = try tx.tender(id: id), tender.status.isPublic else { return nil }
            return Context(tender: tender, keys: try tx.openingKeys(tender: id), opening: try tx.opening(tender: id),
                           openingBids: try tx.openingBids(tender: id), bids: try tx.bids(tender: id, status: .active))
        }) else { throw ServiceError.notFound("tender.not-found", "there is no published tender \(id)") }
        return context
    }

    /// The host: the tender's tenderer, its agency (or whoever created it), or one of the officials
    /// holding a share of its opening key.
    package func isHost(_ identity: Identity, _ context: Context) async throws -> Bool {
        let party = identity.party.id
        if party == context.tender.tendererParty || party == context.tender.agencyParty || party == context.tender.owner { return true }
        guard identity.party.roles.contains(.official) else { return false }
        let mine = Set(try await store.read { try $0.certificates(party: party) }.map(\.fingerprint))
        return context.keys.contains { key in key.file.officials.contains { mine.contains($0.certificateFingerprint) } }
    }

    /// Durations given in minutes: real minutes in the statutory profile, seconds in the demo one.
    package static func minutes(_ value: Int?, default fallback: Int, profile: PolicyProfile) -> TimeInterval {
        let minutes = TimeInterval(value ?? fallback)
        return profile == .statutory ? minutes * 60 : minutes
    }

    /// Queues a look at the opening (window closed? shares complete? everything opened?).
    package func schedule(_ id: String) async {
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
    package func advanceIfDue(_ id: String, wait: Bool = false) async throws {
        if let opening = try await store.read({ try $0.opening(tender: id) }), opening.status == .decrypting, clock.now() >= opening.windowEndsAt {
            await schedule(id)
            if wait { await settle(id) }
        }
    }

    /// Moves an opening on: closes the window (bidder policy), lets the committee open what
    /// waits for it (committee policy; the remedy after the window), completes when nothing waits.
    package func advanceNow(_ id: String) async throws {
        let context = try await load(id)
        guard let opening = context.opening, opening.status == .decrypting else { return }
        let policy = context.tender.spec.decryptionPolicy
        let windowOver = clock.now() >= opening.windowEndsAt
        if policy == .committee || (policy == .bidderThenCommittee && windowOver) {
            try await openByCommittee(context)
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
    package func classifyUndecrypted(tender id: String, actor: Actor, reason: String, fault: DecryptionFailure.Fault = .bidder) async throws {
        let pending = try await store.read { tx -> [(OpeningBid, BidRecord)] in
            let records = Dictionary(uniqueKeysWithValues: try tx.bids(tender: id, status: .active).map { ($0.id, $0) })
            return try tx.openingBids(tender: id).filter { $0.state == .pending }.compactMap { bid in records[bid.bidId].map { (bid, $0) } }
        }
        var failures: [String: DecryptionFailure] = [:]
        for (bid, record) in pending {
            let platformFault = try await storedPackageProblem(record)
            failures[bid.bidId] = platformFault ?? DecryptionFailure(
                fault: fault, code: fault == .bidder ? "opening.not-decrypted" : "opening.partials-missing",
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

    /// Whether the bid row is still bound to what was received — its ledger event, its signed
    /// receipt, its blob's content address, and the stored package's header (package id, signer) —
    /// before anything is decrypted: nil if so, otherwise the platform's failure with the evidence.
    /// (An insider who points a row at another bidder's package, or edits its digest, is caught here.)
    package func bindingProblem(_ bid: BidRecord) async throws -> DecryptionFailure? {
        let certificates = environment.platformCertificates
        let (event, signed) = try await store.read { tx in (try tx.ledgerEvent(seq: bid.ledgerSeq), try tx.receipt(id: bid.receiptId)) }
        var problems: [String] = []
        var receipt: Receipt?
        if let signed {
            if let certificate = certificates[signed.certificateFingerprint], (try? signed.verify(with: certificate)) == true {
                receipt = try? signed.decode(Receipt.self)
            } else {
                problems.append("its receipt is not signed by this platform")
            }
        }
        problems += BidBinding.problems(bid, event: event, receipt: receipt)
        if let header = try? SealedBidHeader.peek(file: store.blobs.path(bid.blob)) {
            if header.packageId != bid.packageId { problems.append("the stored package is package \(header.packageId), not \(bid.packageId)") }
            if let signer = try? header.signerCertificate(), signer.fingerprint != bid.certificateFingerprint {
                problems.append("the stored package is signed by \(signer.subject), not by the bid's signer")
            }
        }
        guard !problems.isEmpty else { return nil }
        return DecryptionFailure(fault: .platform, code: "opening.bid-binding-broken",
                                 detail: "bid \(bid.id) is no longer bound to what was received: " + problems.joined(separator: "; "))
    }

    /// Whether the platform still holds the package exactly as received (its binding, and its
    /// digest computed again): nil if so, otherwise the platform's failure.
    package func storedPackageProblem(_ bid: BidRecord) async throws -> DecryptionFailure? {
        if let broken = try await bindingProblem(bid) { return broken }
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

    package enum Outcome: Sendable {
        case opened(OpenedBid, [BlobPartSink.StoredPart])
        case failed(DecryptionFailure)
    }

    /// What opens a stored bid: the content key its bidder unwrapped, or the committee's partials
    /// (the time spent combining them and unwrapping is added to `tally`).
    package enum KeySource: Sendable {
        case contentKey([UInt8])
        case committee(OpeningKeyFile, [PartialDecryption], tally: TimeTally)
    }

    /// Opens a stored bid (off the cooperative pool) and keeps its parts. A failure is the
    /// bidder's when the stored file is still exactly what was received (the package itself is
    /// bad), the platform's when the file is missing, unreadable or no longer what was received.
    package func openStored(_ bid: BidRecord, tender: Tender, key source: KeySource) async throws -> Outcome {
        if let broken = try await bindingProblem(bid) { return .failed(broken) }
        let path = store.blobs.path(bid.blob)
        let blobs = store.blobs
        let trust = environment.trust
        let attempt = try await SerialWorker(label: "ebid.opening.bid").run { () -> Result<Outcome, BidCoreError> in
            let sink = BlobPartSink(blobs: blobs)
            do {
                let keySource: SealedBidOpener.KeySource
                switch source {
                case .contentKey(let given): keySource = .contentKey(given)
                case .committee(let key, let partials, let tally):
                    keySource = .derived { header in
                        let started = Date()
                        defer { tally.add(Date().timeIntervalSince(started)) }
                        return try CommitteeOpening.contentKey(header: header, key: key, partials: partials)
                    }
                }
                let opened = try SealedBidOpener.open(file: path, key: keySource,
                                                      options: .init(trust: trust, time: bid.receivedAt, expectedTenderId: tender.id,
                                                                     expectedSection: tender.section), sink: sink)
                return .success(.opened(opened, sink.stored))
            } catch let error as BidCoreError {
                return .failure(error)
            } catch {
                return .success(.failed(DecryptionFailure(fault: .platform, code: "opening.platform-error", detail: "the platform failed to open the package: \(error)")))
            }
        }
        switch attempt {
        case .success(.opened(let opened, _)) where opened.packageDigestString != bid.packageDigest || opened.signer.fingerprint != bid.certificateFingerprint:
            // It opened, but it is not the package this bid received (nothing of it is recorded).
            return .failed(DecryptionFailure(fault: .platform, code: "opening.bid-binding-broken",
                                             detail: "the package opened is \(opened.packageDigestString) signed by \(opened.signer.subject); bid \(bid.id) received \(bid.packageDigest)"))
        case .success(let outcome): return outcome
        case .failure(let error) where error.code == .partialInvalid:
            return .failed(DecryptionFailure(fault: .platform, code: error.code.rawValue, detail: error.reason))
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

    /// Records how a bid's decryption ended; returns the bid as it now stands (nil if it was no
    /// longer waiting).
    @discardableResult
    package func recordOutcome(_ outcome: Outcome, bid: BidRecord, openedBy: OpenedBy, tender: Tender, actor: Actor, address: String?) async throws -> OpeningBid? {
        let now = clock.now()
        let id = tender.id
        let listed = tender.spec.openingRecordItems
        return try await store.write { tx -> OpeningBid? in
            guard var openingBid = try tx.openingBid(tender: id, bid: bid.id), openingBid.state == .pending else { return nil }
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
            return openingBid
        }
    }

    /// A bid revoked through its bidder's fault is a lead for the credit register (E-Measures art. 31).
    package static func raiseDecryptionLead(bid: OpeningBid, failure: DecryptionFailure, tender: String, event: LedgerEvent, tx: any OpeningDeskTransaction) throws {
        guard failure.fault == .bidder, let party = try tx.party(id: bid.bidderParty) else { return }
        try CreditRegister.raiseLead(.decryptionFailure, about: party, tender: tender,
                                     summary: "bid \(bid.bidId) at the opening of \(tender) counts as revoked: \(failure.detail)", evidence: failure, event: event, tx: tx)
    }

}

private struct DecryptPayload: Encodable { var openedBy: OpenedBy; var items: [String: String]; var manifest: String }

extension FileInput {
    /// `sm3:…` / `sha256:…` of the whole file.
    package func digestString(_ algorithm: HashAlgorithm) throws -> String {
        let digest = StreamingDigest(algorithm)
        try forEachChunk { digest.update($0) }
        return "\(algorithm.label):\(Hex.encode(digest.finalize()))"
    }
}

/// Adds up durations from several tasks (for log lines: how long the proofs took).
package final class TimeTally: @unchecked Sendable {
    // @unchecked: `total` is only touched under `lock`.
    private let lock = NSLock()
    private var total: TimeInterval = 0

    package func add(_ seconds: TimeInterval) { lock.withLock { total += seconds } }
    package var seconds: TimeInterval { lock.withLock { total } }
}
