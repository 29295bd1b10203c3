import BidCore
import Foundation

/// The opening (开标), online and with nobody in the room (不见面开标): at the deadline the host
/// starts it; bidders decrypt their own bids remotely (they send only their content key), or the
/// opening officials hand in their key shares and the rebuilt opening key opens the bids; every
/// failure is classified with its evidence (E-Measures art. 31); the signed opening record is
/// published (Law art. 36) and bidders confirm it or object (Reg. art. 44).
public struct OpeningRoom: Sendable {
    let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    var store: any ServiceStore { environment.store }
    var clock: any ServiceClock { environment.clock }

    // MARK: Starting

    /// Starts the opening at or after the deadline. Fewer than three bids: the tender fails (流标,
    /// Law art. 28, Reg. art. 44) with a signed record, and may be re-tendered.
    public func start(tender id: String, by identity: Identity, role: PartyRole, address: String) async throws -> OpeningView {
        let asked = clock.now()
        let context = try await load(id)
        guard try await isHost(identity, context) else {
            throw ServiceError.forbidden("opening.not-host", "only the tender's tenderer, its agency or one of its opening officials hosts the opening")
        }
        guard asked >= context.tender.deadline else {
            throw ServiceError.conflict("opening.before-deadline", "the opening is at the bid deadline, \(iso(context.tender.deadline)) (Law art. 34)")
        }
        guard context.tender.status == .published else {
            throw ServiceError.conflict("opening.already-started", "the opening of tender \(id) has started already")
        }
        // A checkpoint first: it seals every bid received by the deadline before the opening changes
        // anything. Right at the deadline, wait out the grace so in-flight commits land first.
        let sealAt = context.tender.deadline + Supervision.sealingGrace
        if asked < sealAt { try await Task.sleep(for: .seconds(sealAt.timeIntervalSince(asked))) }
        try await Supervision(environment).checkpoint()
        let now = clock.now()
        let actor = identity.actor(role: role, address: address)
        let window = Self.minutes(context.tender.spec.decryptionWindowMinutes, default: 30, profile: environment.profile)
        let platform = environment.platform
        try await environment.openings.run(id) {
            try await self.store.write { tx in
                guard let tender = try tx.tender(id: id), tender.status == .published else {
                    throw ServiceError.conflict("opening.already-started", "the opening of tender \(id) has started already")
                }
                let bids = try tx.bids(tender: id, status: .active)
                if bids.count < 3 {
                    var opening = Opening(tenderId: id, status: .failed, startedAt: now, startedBy: identity.party.id, windowEndsAt: now,
                                          completedAt: now, confirmationEndsAt: nil)
                    let record = try Self.record(tender: tender, opening: opening, bids: bids, openingBids: [], tx: tx, platform: platform, now: now,
                                                 failure: "\(bids.count) bid(s) at the deadline: fewer than three, no opening (Law art. 28, Reg. art. 44)")
                    let signed = try platform.signDocument(record)
                    opening.status = .failed
                    try tx.saveOpening(opening)
                    try tx.setOpeningRecord(tender: id, signed)
                    try tx.setTenderStatus(id, .failed)
                    try tx.appendLedger(LedgerEntry(actor: actor, action: "opening.failed", object: "tender/\(id)", tenderId: id, payload: signed.document), at: now)
                    return
                }
                let opening = Opening(tenderId: id, status: .decrypting, startedAt: now, startedBy: identity.party.id,
                                      windowEndsAt: now.addingTimeInterval(window), completedAt: nil, confirmationEndsAt: nil)
                try tx.saveOpening(opening)
                for bid in bids {
                    try tx.saveOpeningBid(OpeningBid(bidId: bid.id, bidderParty: bid.bidderParty, state: .pending, openedBy: nil, failure: nil,
                                                     items: [:], decryptedAt: nil, decryptionAddress: nil, refusedAttempts: 0), tender: id, manifest: nil)
                }
                try tx.setTenderStatus(id, .opening)
                try tx.appendLedger(try LedgerEntry(actor: actor, action: "opening.start", object: "tender/\(id)", tenderId: id,
                                                    json: StartPayload(bids: bids.map(\.id), windowEndsAt: opening.windowEndsAt)), at: now)
            }
        }
        await schedule(id)
        return try await view(tender: id, for: identity)
    }

    // MARK: Remote decryption by the bidder (远程解密)

    /// The header of the caller's own bid, so that it can unwrap its content key on its machine.
    public func sealedHeader(tender id: String, by identity: Identity) async throws -> BidHeaderView {
        let (_, _, bid) = try await bidderContext(id, identity: identity)
        do {
            return BidHeaderView(bidId: bid.id, packageDigest: bid.packageDigest, receivedAt: bid.receivedAt,
                                 header: try SealedBidHeader.peek(file: store.blobs.path(bid.blob)))
        } catch {
            throw ServiceError(status: 500, code: "opening.blob-unreadable", title: "Internal error", detail: "the stored package cannot be read")
        }
    }

    /// Opens the caller's own bid with the content key it unwrapped. A key that does not match the
    /// package is refused without changing the bid's state (the bidder may try again until the
    /// window closes); keys sent before the deadline are refused and logged.
    public func decrypt(tender id: String, contentKey: [UInt8], by identity: Identity, address: String) async throws -> OpeningBidView {
        let actor = identity.actor(role: .bidder, address: address)
        let (tender, opening, bid) = try await bidderContext(id, identity: identity, refusalActor: actor)
        let header = try SealedBidHeader.peek(file: store.blobs.path(bid.blob))
        let now = clock.now()
        return try await environment.openings.run(id) {
            guard var openingBid = try await self.store.read({ try $0.openingBids(tender: id) }).first(where: { $0.bidId == bid.id }),
                  openingBid.state == .pending else {
                throw ServiceError.conflict("opening.already-decrypted", "this bid is no longer waiting for decryption")
            }
            guard SealedBidOpener.contentKeyMatches(contentKey, header: header) else {
                openingBid.refusedAttempts += 1
                let attempts = openingBid.refusedAttempts
                let refused = openingBid
                try await self.store.write { tx in
                    try tx.saveOpeningBid(refused, tender: id, manifest: nil)
                    try tx.appendLedger(try LedgerEntry(actor: actor, action: "opening.decrypt.refused", object: "bid/\(bid.id)", tenderId: id,
                                                        json: ["reason": "content key does not match the package", "attempts": String(attempts)]), at: now)
                }
                throw ServiceError.unprocessable("opening.content-key-mismatch",
                                                 "the content key does not open your package (attempt \(attempts)); your bid is still waiting: try again before the window closes at \(iso(opening.windowEndsAt))")
            }
            let outcome = try await self.openStored(bid, tender: tender, key: .contentKey(contentKey))
            try await self.recordOutcome(outcome, bid: bid, openedBy: .bidder, tender: tender, actor: actor, address: address)
            await self.schedule(id)
            return OpeningBidView(try await self.store.read { try $0.openingBids(tender: id) }.first { $0.bidId == bid.id }!, receivedAt: bid.receivedAt,
                                  packageDigest: bid.packageDigest)
        }
    }

    // MARK: Threshold decryption by the officials

    /// An official hands in its decrypted share. Refused (and logged) before the deadline, before
    /// the opening, and from anyone who does not hold that share.
    public func submitShare(tender id: String, share: OpeningKeyShare, by identity: Identity, address: String) async throws -> ShareReceipt {
        let now = clock.now()
        let actor = identity.actor(role: .official, address: address)
        let context = try await load(id)
        let tender = context.tender
        func refuse(_ error: ServiceError) async throws -> Never {
            _ = try await store.write { tx in
                try tx.appendLedger(try LedgerEntry(actor: actor, action: "opening.share.refused", object: "tender/\(id)", tenderId: id,
                                                    json: ["reason": error.code, "share": String(share.index)]), at: now)
            }
            throw error
        }
        guard now >= tender.deadline else {
            try await refuse(.conflict("opening.before-deadline", "shares are accepted only after the bid deadline, \(iso(tender.deadline))"))
        }
        guard context.opening?.status == .decrypting else {
            try await refuse(.conflict(context.opening == nil ? "opening.not-started" : "opening.closed", "the opening of tender \(id) is not under way"))
        }
        guard tender.spec.decryptionPolicy != .bidder else {
            throw ServiceError.conflict("opening.no-committee", "tender \(id) is decrypted by its bidders only")
        }
        guard let key = context.keys.first(where: { $0.keyId == share.keyId }),
              let entry = key.file.officials.first(where: { $0.index == share.index }) else {
            try await refuse(.unprocessable("opening-key.share-invalid", "the share belongs to no opening key of tender \(id)"))
        }
        let certificates = Set(try await store.read { try $0.certificates(party: identity.party.id) }.map(\.fingerprint))
        guard certificates.contains(entry.certificateFingerprint) else {
            try await refuse(.forbidden("opening.not-a-shareholder", "share \(share.index) is not held by \(identity.party.name)"))
        }
        do { try key.file.check(share) } catch let error as BidCoreError {
            try await refuse(.unprocessable(error.code.rawValue, error.reason))
        }
        guard let value = Data(base64Encoded: share.value).map({ [UInt8]($0) }) else {
            throw ServiceError.badRequest("opening-key.share-invalid", "the share value is not base64")
        }
        let received = try await environment.openings.run(id) {
            try await self.store.write { tx -> Int in
                do {
                    try tx.insertShare(tender: id, suite: key.suite, index: share.index, party: identity.party.id,
                                       certificateFingerprint: entry.certificateFingerprint, value: value, at: now, address: address)
                } catch let error as StoreError where error.isConstraint {
                    throw ServiceError.conflict("opening.share-already-given", "share \(share.index) was handed in already")
                }
                try tx.appendLedger(try LedgerEntry(actor: actor, action: "opening.share", object: "tender/\(id)/shares/\(key.suite.rawValue)/\(share.index)",
                                                    tenderId: id, json: ["suite": key.suite.rawValue, "share": String(share.index), "digest": entry.shareDigest]), at: now)
                return try tx.shares(tender: id, suite: key.suite).count
            }
        }
        await schedule(id)
        return ShareReceipt(suite: key.suite, index: share.index, received: received, threshold: key.file.threshold)
    }

    // MARK: Closing

    /// After the window, the host may close an opening that the officials cannot complete (not
    /// enough shares): undecrypted bids count as revoked under bidder-then-committee (the bidder
    /// did not decrypt), as withdrawn under committee (nothing was the bidder's to do).
    public func close(tender id: String, by identity: Identity, role: PartyRole, address: String) async throws -> OpeningView {
        let context = try await load(id)
        guard try await isHost(identity, context) else { throw ServiceError.forbidden("opening.not-host", "only the host closes the opening") }
        guard let opening = context.opening, opening.status == .decrypting else { throw ServiceError.conflict("opening.closed", "the opening is not under way") }
        guard clock.now() >= opening.windowEndsAt else {
            throw ServiceError.conflict("opening.window-open", "the decryption window is open until \(iso(opening.windowEndsAt))")
        }
        // Under the committee policy nothing was the bidders' to do: the officials' missing shares
        // are not their fault (withdrawn); otherwise the bidder did not decrypt (revoked).
        let committee = context.tender.spec.decryptionPolicy == .committee
        try await environment.openings.run(id) {
            try await self.classifyUndecrypted(
                tender: id, actor: identity.actor(role: role, address: address),
                reason: committee ? "the opening officials did not hand in enough shares; the host closed the opening"
                    : "the bidder did not decrypt within the window and the committee remedy was closed by the host",
                fault: committee ? .committee : .bidder)
            try await self.advanceNow(id)
        }
        return try await view(tender: id, for: identity)
    }

    // MARK: After the record: confirmation and objections (Reg. art. 44)

    public func confirm(tender id: String, by identity: Identity, address: String) async throws {
        let now = try await confirmationOpen(id, bidder: identity)
        try await store.write { tx in
            guard try tx.confirm(tender: id, party: identity.party.id, at: now) else { return }
            try tx.appendLedger(LedgerEntry(actor: identity.actor(role: .bidder, address: address), action: "opening.confirm", object: "tender/\(id)",
                                            tenderId: id, payload: []), at: now)
        }
    }

    public func object(tender id: String, text: String, by identity: Identity, address: String) async throws -> Objection {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, text.count <= 5000 else {
            throw ServiceError.unprocessable("objection.invalid", "an objection needs a text (at most 5000 characters)")
        }
        let now = try await confirmationOpen(id, bidder: identity)
        return try await store.write { tx in
            let objection = Objection(number: (try tx.objections(tender: id).map(\.number).max() ?? 0) + 1, party: identity.party.id, text: text, raisedAt: now)
            try tx.insertObjection(tender: id, objection)
            try tx.appendLedger(try LedgerEntry(actor: identity.actor(role: .bidder, address: address), action: "opening.objection",
                                                object: "tender/\(id)/objections/\(objection.number)", tenderId: id, json: objection), at: now)
            return objection
        }
    }

    public func answer(tender id: String, number: Int, text: String, by identity: Identity, role: PartyRole, address: String) async throws -> Objection {
        let context = try await load(id)
        guard try await isHost(identity, context) else { throw ServiceError.forbidden("opening.not-host", "only the host answers objections") }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ServiceError.unprocessable("objection.invalid", "the answer needs a text") }
        let now = clock.now()
        return try await store.write { tx in
            guard try tx.answerObjection(tender: id, number: number, answer: text, by: identity.party.id, at: now) else {
                throw ServiceError.notFound("objection.not-found", "there is no unanswered objection \(number)")
            }
            try tx.appendLedger(try LedgerEntry(actor: identity.actor(role: role, address: address), action: "opening.objection.answer",
                                                object: "tender/\(id)/objections/\(number)", tenderId: id, json: ["answer": text]), at: now)
            return try tx.objections(tender: id).first { $0.number == number }!
        }
    }

    public func objections(tender id: String, for identity: Identity) async throws -> [Objection] {
        let context = try await load(id)
        let participant = try await isHost(identity, context) || identity.party.roles.contains(.supervisor)
            || context.bids.contains { $0.bidderParty == identity.party.id }
        guard participant else { throw ServiceError.forbidden("opening.not-a-participant", "objections are shown to the host, the bidders and supervisors") }
        return try await store.read { try $0.objections(tender: id) }
    }

    // MARK: Reading

    /// The signed opening record, once published (completed or failed).
    public func record(tender id: String) async throws -> (record: OpeningRecord, signed: SignedDocument) {
        try await advanceIfDue(id, wait: true)
        guard let signed = try await store.read({ try $0.openingRecord(tender: id) }) else {
            throw ServiceError.notFound("opening.no-record", "tender \(id) has no opening record yet")
        }
        return (try signed.decode(OpeningRecord.self), signed)
    }

    /// The opening's state: to the host, its officials and supervisors every bid; to a bidder its
    /// own; to anyone else the status only.
    public func view(tender id: String, for identity: Identity?) async throws -> OpeningView {
        try await advanceIfDue(id)
        let context = try await load(id)
        guard let opening = context.opening else { throw ServiceError.notFound("opening.not-started", "the opening of tender \(id) has not started") }
        var visible: [OpeningBidView]?
        var shares: [String: Int]?
        if let identity {
            let insider = try await isHost(identity, context) || identity.party.roles.contains(.supervisor)
            let receipts = Dictionary(uniqueKeysWithValues: context.bids.map { ($0.id, $0) })
            let views = context.openingBids.compactMap { bid in receipts[bid.bidId].map { OpeningBidView(bid, receivedAt: $0.receivedAt, packageDigest: $0.packageDigest) } }
            if insider {
                visible = views
                var counts: [String: Int] = [:]
                for key in context.keys { counts[key.suite.rawValue] = try await store.read { try $0.shares(tender: id, suite: key.suite).count } }
                shares = counts
            } else if identity.party.roles.contains(.bidder) {
                visible = views.filter { $0.bidderParty == identity.party.id }
            }
        }
        return OpeningView(tenderId: id, status: opening.status, decryptionPolicy: context.tender.spec.decryptionPolicy, startedAt: opening.startedAt,
                           windowEndsAt: opening.windowEndsAt, completedAt: opening.completedAt, confirmationEndsAt: opening.confirmationEndsAt,
                           bidCount: context.openingBids.count, bids: visible, sharesReceived: shares,
                           threshold: context.keys.first?.file.threshold)
    }

    /// Collusion signals: to the host, its officials and supervisors — never to bidders.
    public func signals(tender id: String, for identity: Identity) async throws -> [CollusionSignal] {
        let context = try await load(id)
        guard try await isHost(identity, context) || identity.party.roles.contains(.supervisor) else {
            throw ServiceError.forbidden("opening.signals-forbidden", "collusion signals are for the host, the committee and supervisors")
        }
        return try await store.read { try $0.signals(tender: id) }
    }
}

private struct StartPayload: Encodable { var bids: [String]; var windowEndsAt: Date }

/// A bid at the opening, as shown.
public struct OpeningBidView: Codable, Sendable, Equatable {
    public var bidId: String
    public var bidderParty: String
    public var receivedAt: Date
    public var packageDigest: String
    public var state: OpeningBidState
    public var openedBy: OpenedBy?
    public var failure: DecryptionFailure?
    public var refusedAttempts: Int

    init(_ bid: OpeningBid, receivedAt: Date, packageDigest: String) {
        bidId = bid.bidId
        bidderParty = bid.bidderParty
        self.receivedAt = receivedAt
        self.packageDigest = packageDigest
        state = bid.state
        openedBy = bid.openedBy
        failure = bid.failure
        refusedAttempts = bid.refusedAttempts
    }
}

public struct OpeningView: Codable, Sendable {
    public var tenderId: String
    public var status: OpeningStatus
    public var decryptionPolicy: DecryptionPolicy
    public var startedAt: Date
    public var windowEndsAt: Date
    public var completedAt: Date?
    public var confirmationEndsAt: Date?
    public var bidCount: Int
    public var bids: [OpeningBidView]?
    public var sharesReceived: [String: Int]?
    public var threshold: Int?
}

/// The header of the caller's own bid, for remote decryption: the client finds its recipient
/// entry, unwraps the content key and checks it against `keyCommitment` before sending it.
public struct BidHeaderView: Codable, Sendable {
    public var bidId: String
    public var packageDigest: String
    public var receivedAt: Date
    public var header: SealedBidHeader
}

public struct ShareReceipt: Codable, Sendable {
    public var suite: Suite
    public var index: Int
    public var received: Int
    public var threshold: Int
}
