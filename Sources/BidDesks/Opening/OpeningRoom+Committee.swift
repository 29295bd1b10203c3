import BidCore
import BidDomain
import Foundation
import Logging

// MARK: Threshold decryption by the opening officials (DESIGN.md, "The opening key")
//
// Each official computes, on its own machine, a partial decryption sᵢ·E of every bid that waits
// for the committee, with a proof that its verification key Yᵢ = sᵢ·G hides the same sᵢ. The
// service checks every proof, and once k partials are in for a bid, combines them into d·E for
// that bid alone and unwraps its content key. No share and no private key is ever sent, stored or
// rebuilt: what the service holds — partials, proofs, combined points — opens the bids they were
// made for and nothing else.

extension OpeningRoom {
    /// What an official is asked to decrypt: per opening key it holds a share of, the bids still
    /// waiting, each with its package's signed header (the official's client checks the bidder's
    /// signature and the tender, and takes the ephemeral point from that header itself, so the
    /// service cannot slip in a point of its own choosing).
    public struct CommitteeRequest: Codable, Sendable {
        public struct Bid: Codable, Sendable {
            public var bidId: String
            public var packageDigest: String
            public var receivedAt: Date
            /// `magic ‖ u32(Lh) ‖ header ‖ u32(Ls1) ‖ header signature`, base64.
            public var signedHeader: String
        }

        public var suite: Suite
        public var keyId: String
        /// The caller's share number.
        public var index: Int
        public var threshold: Int
        public var bids: [Bid]
    }

    /// An official's partial decryptions for some of the bids, under one opening key.
    public struct PartialsInput: Codable, Sendable {
        public struct Item: Codable, Sendable {
            public var bidId: String
            public var partial: PartialDecryption

            public init(bidId: String, partial: PartialDecryption) {
                self.bidId = bidId
                self.partial = partial
            }
        }

        public var keyId: String
        public var index: Int
        public var partials: [Item]

        public init(keyId: String, index: Int, partials: [Item]) {
            self.keyId = keyId
            self.index = index
            self.partials = partials
        }
    }

    public struct PartialsReceipt: Codable, Sendable {
        public var suite: Suite
        public var index: Int
        /// Partials stored by this request (a repeated one is not stored twice).
        public var accepted: Int
        /// Officials who have handed in partials for this key so far, and how many are needed.
        public var officials: Int
        public var threshold: Int
    }

    /// The bids waiting for the committee, for an official holding a share.
    public func committeeRequests(tender id: String, by identity: Identity) async throws -> [CommitteeRequest] {
        let context = try await load(id)
        guard clock.now() >= context.tender.deadline else {
            throw ServiceError.conflict("opening.before-deadline", "nothing can be decrypted before the bid deadline, \(iso(context.tender.deadline))")
        }
        try requireCommitteeOpening(context)
        let mine = try await certificateFingerprints(identity)
        let pending = pendingBids(context)
        var requests: [CommitteeRequest] = []
        for key in context.keys {
            guard let entry = key.file.officials.first(where: { mine.contains($0.certificateFingerprint) }) else { continue }
            try Self.requireUsable(key)
            var bids: [CommitteeRequest.Bid] = []
            for bid in pending where bid.suite == key.suite {
                guard let prefix = try? SealedBidHeader.signedPrefix(file: store.blobs.path(bid.blob)) else { continue }
                bids.append(.init(bidId: bid.id, packageDigest: bid.packageDigest, receivedAt: bid.receivedAt, signedHeader: Data(prefix).base64EncodedString()))
            }
            requests.append(CommitteeRequest(suite: key.suite, keyId: key.keyId, index: entry.index, threshold: key.file.threshold, bids: bids))
        }
        guard !requests.isEmpty else {
            throw ServiceError.forbidden("opening.not-a-shareholder", "\(identity.party.name) holds no share of tender \(id)'s opening keys")
        }
        return requests
    }

    /// An official hands in partial decryptions. Refused (and logged) before the deadline, before
    /// the opening and from anyone but the holder of that share; a wrong proof refuses the whole
    /// request, names the official and changes nothing.
    public func submitPartials(tender id: String, _ input: PartialsInput, by identity: Identity, address: String) async throws -> PartialsReceipt {
        let now = clock.now()
        let actor = identity.actor(role: .official, address: address)
        let context = try await load(id)
        func refuse(_ error: ServiceError) async throws -> Never {
            _ = try await store.write { tx in
                try tx.appendLedger(try LedgerEntry(actor: actor, action: "opening.partials.refused", object: "tender/\(id)", tenderId: id,
                                                    json: ["reason": error.code, "share": String(input.index), "detail": error.detail]), at: now)
            }
            throw error
        }
        guard now >= context.tender.deadline else {
            try await refuse(.conflict("opening.before-deadline", "partial decryptions are accepted only after the bid deadline, \(iso(context.tender.deadline))"))
        }
        guard context.opening?.status == .decrypting else {
            try await refuse(.conflict(context.opening == nil ? "opening.not-started" : "opening.closed", "the opening of tender \(id) is not under way"))
        }
        try requireCommitteeOpening(context)
        guard !input.partials.isEmpty, input.partials.count <= 10_000 else {
            throw ServiceError.badRequest("opening.partials-malformed", "send 1 to 10000 partial decryptions")
        }
        guard let key = context.keys.first(where: { $0.keyId == input.keyId }),
              let entry = key.file.officials.first(where: { $0.index == input.index }) else {
            try await refuse(.unprocessable("opening-key.share-invalid", "share \(input.index) of key \(input.keyId.prefix(16))… belongs to no opening key of tender \(id)"))
        }
        guard try await certificateFingerprints(identity).contains(entry.certificateFingerprint) else {
            try await refuse(.forbidden("opening.not-a-shareholder", "share \(input.index) is not held by \(identity.party.name)"))
        }
        try Self.requireUsable(key)
        let pending = Dictionary(uniqueKeysWithValues: pendingBids(context).filter { $0.suite == key.suite }.map { ($0.id, $0) })
        // Every proof is checked before anything is stored (off the cooperative pool: curve work).
        let blobs = store.blobs
        let checking = Date()
        let checked = try await SerialWorker(label: "ebid.opening.partials").run { () -> Result<[(BidRecord, PartialDecryption)], ServiceError> in
            var checked: [(BidRecord, PartialDecryption)] = []
            for item in input.partials {
                guard let bid = pending[item.bidId] else {
                    return .failure(.unprocessable("opening.partial-unknown-bid", "bid \(item.bidId) is not waiting for the committee in this opening"))
                }
                guard item.partial.index == input.index else {
                    return .failure(.unprocessable("opening.partial-invalid", "the partial for bid \(item.bidId) is numbered \(item.partial.index), not \(input.index)"))
                }
                guard let header = try? SealedBidHeader.peek(file: blobs.path(bid.blob)) else {
                    return .failure(ServiceError(status: 500, code: "opening.blob-unreadable", title: "Internal error",
                                                 detail: "the stored package of bid \(item.bidId) cannot be read"))
                }
                do {
                    _ = try CommitteeOpening.verify(item.partial, for: header, key: key.file)
                } catch let error as BidCoreError {
                    return .failure(.unprocessable("opening.partial-invalid",
                                                   "\(identity.party.name) (share \(input.index)): the partial decryption of bid \(item.bidId) is refused — \(error.reason)"))
                }
                checked.append((bid, item.partial))
            }
            return .success(checked)
        }
        Logger(label: "ebid.opening").info("""
            tender \(id): checked \(input.partials.count) partial decryption proof(s) of share \(input.index) in \(Self.milliseconds(Date().timeIntervalSince(checking))) ms
            """)
        let accepted: [(BidRecord, PartialDecryption)]
        switch checked {
        case .success(let list): accepted = list
        case .failure(let error): try await refuse(error)
        }
        let stored = try await environment.openings.run(id) {
            try await self.store.write { tx -> Int in
                var stored: [String: String] = [:]
                for (bid, partial) in accepted {
                    guard try tx.openingBid(tender: id, bid: bid.id)?.state == .pending else { continue }
                    if try tx.insertPartial(partial, bid: bid.id, tender: id, suite: key.suite, party: identity.party.id,
                                            certificateFingerprint: entry.certificateFingerprint, at: now, address: address) {
                        stored[bid.id] = Hex.encode(StreamingDigest.hash(Array(partial.point.utf8), using: key.suite.hash))
                    }
                }
                if !stored.isEmpty {
                    try tx.appendLedger(try LedgerEntry(actor: actor, action: "opening.partials", object: "tender/\(id)/partials/\(key.suite.rawValue)/\(input.index)",
                                                        tenderId: id, json: PartialsPayload(suite: key.suite, share: input.index, keyId: key.keyId, points: stored)), at: now)
                }
                return stored.count
            }
        }
        await schedule(id)
        let from = try await store.read { try $0.partialIndices(tender: id) }[key.suite] ?? []
        return PartialsReceipt(suite: key.suite, index: input.index, accepted: stored, officials: from.count, threshold: key.file.threshold)
    }

    /// The opening must be under way and use the committee.
    private func requireCommitteeOpening(_ context: Context) throws {
        guard context.opening?.status == .decrypting else {
            throw ServiceError.conflict(context.opening == nil ? "opening.not-started" : "opening.closed", "the opening of tender \(context.tender.id) is not under way")
        }
        guard context.tender.spec.decryptionPolicy != .bidder else {
            throw ServiceError.conflict("opening.no-committee", "tender \(context.tender.id) is decrypted by its bidders only")
        }
    }

    /// A key of the retired byte-wise format has no verification keys: no partial can be checked.
    package static func requireUsable(_ key: TenderOpeningKey) throws {
        guard !key.file.isRetired else {
            throw ServiceError.conflict("opening-key.retired-format",
                                        "this tender's \(key.suite.rawValue) opening key is of the retired version 1 (byte-wise shares): it cannot be opened by partial decryptions")
        }
    }

    package func certificateFingerprints(_ identity: Identity) async throws -> Set<String> {
        Set(try await store.read { try $0.certificates(party: identity.party.id) }.map(\.fingerprint))
    }

    package func pendingBids(_ context: Context) -> [BidRecord] {
        let pending = Set(context.openingBids.filter { $0.state == .pending }.map(\.bidId))
        return context.bids.filter { pending.contains($0.id) }
    }

    /// Opens every waiting bid that has k checked partials (the committee's remedy after the window
    /// under bidder-then-committee; at once under committee). A combination that does not give the
    /// key the package committed to has its proofs checked again: a partial altered in the database
    /// opens nothing and blames nobody (`CommitteeOpening.contentKey`).
    package func openByCommittee(_ context: Context) async throws {
        let actor = Actor(certificateFingerprint: environment.platform.certificate.fingerprint, party: "platform", role: "opening-committee", address: "local")
        let pending = pendingBids(context)
        var ready: [(BidRecord, OpeningKeyFile, [PartialDecryption])] = []
        for key in context.keys where !key.file.isRetired {
            for bid in pending where bid.suite == key.suite {
                let partials = try await store.read { try $0.partials(bid: bid.id) }
                if Set(partials.map(\.index)).count >= key.file.threshold { ready.append((bid, key.file, partials)) }
            }
        }
        guard !ready.isEmpty else { return }
        let started = Date()
        let tally = TimeTally()
        // Two bids at a time: while one waits for its parts to reach the disk, the other decrypts
        // (each bid's chunks are themselves decrypted on all cores).
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = ready.makeIterator()
            func open(_ item: (BidRecord, OpeningKeyFile, [PartialDecryption])) {
                group.addTask {
                    let (bid, key, partials) = item
                    let outcome = try await self.openStored(bid, tender: context.tender, key: .committee(key, partials, tally: tally))
                    if case .failed(let failure) = outcome, failure.code == BidCoreError.Code.partialInvalid.rawValue {
                        // Stored partials that no longer verify: someone altered them. Nothing opens; the
                        // bid waits (and counts as the committee's failure if the opening is closed).
                        Logger(label: "ebid.opening").error("bid \(bid.id): stored partial decryptions do not verify: \(failure.detail)")
                        return
                    }
                    try await self.recordOutcome(outcome, bid: bid, openedBy: .committee, tender: context.tender, actor: actor, address: nil)
                }
            }
            for _ in 0..<Self.committeeWidth { if let item = next.next() { open(item) } }
            while try await group.next() != nil {
                if let item = next.next() { open(item) }
            }
        }
        Logger(label: "ebid.opening").info("""
            tender \(context.tender.id): the committee opened \(ready.count) bid(s) in \(Self.milliseconds(Date().timeIntervalSince(started))) ms; \
            combining their partials and unwrapping their keys took \(Self.milliseconds(tally.seconds)) ms
            """)
    }

    package static func milliseconds(_ seconds: TimeInterval) -> String { String(format: "%.1f", seconds * 1000) }

    /// How many bids the committee opens at once.
    package static let committeeWidth = 2
}

private struct PartialsPayload: Encodable {
    package var suite: Suite
    package var share: Int
    package var keyId: String
    /// Bid id → digest of the partial's point, as stored.
    package var points: [String: String]
}
