import BidCore
import BidDomain
import Foundation

/// The opening (开标), online and with nobody in the room (不见面开标): at the deadline the host
/// starts it; bidders decrypt their own bids remotely (they send only their content key:
/// OpeningRoom+Bidder.swift), or the opening officials hand in partial decryptions with proofs
/// and k of them open each bid — the opening key is never rebuilt (OpeningRoom+Committee.swift);
/// every failure is classified with its evidence (E-Measures art. 31); the signed opening record
/// is published (Law art. 36, OpeningRoom+Completion.swift) and bidders confirm it or object
/// (Reg. art. 44).
public struct OpeningRoom: Sendable {
    package let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    package var store: any ServiceStore { environment.store }
    package var clock: any ServiceClock { environment.clock }

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
                    let record = try Self.record(tender: tender, keys: context.keys, opening: opening, bids: bids, openingBids: [], evidence: [:], tx: tx,
                                                 platform: platform, now: now, failure: "\(bids.count) bid(s) at the deadline: fewer than three, no opening (Law art. 28, Reg. art. 44)")
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

    // MARK: Closing

    /// After the window, the host may close an opening that the officials cannot complete (not
    /// enough partial decryptions): undecrypted bids count as revoked under bidder-then-committee
    /// (the bidder did not decrypt), as withdrawn under committee (nothing was the bidder's to do).
    public func close(tender id: String, by identity: Identity, role: PartyRole, address: String) async throws -> OpeningView {
        let context = try await load(id)
        guard try await isHost(identity, context) else { throw ServiceError.forbidden("opening.not-host", "only the host closes the opening") }
        guard let opening = context.opening, opening.status == .decrypting else { throw ServiceError.conflict("opening.closed", "the opening is not under way") }
        guard clock.now() >= opening.windowEndsAt else {
            throw ServiceError.conflict("opening.window-open", "the decryption window is open until \(iso(opening.windowEndsAt))")
        }
        // Under the committee policy nothing was the bidders' to do: the officials' missing partial
        // decryptions are not their fault (withdrawn); otherwise the bidder did not decrypt (revoked).
        let committee = context.tender.spec.decryptionPolicy == .committee
        try await environment.openings.run(id) {
            try await self.classifyUndecrypted(
                tender: id, actor: identity.actor(role: role, address: address),
                reason: committee ? "the opening officials did not hand in enough partial decryptions; the host closed the opening"
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
        var partials: [String: [Int]]?
        if let identity {
            let insider = try await isHost(identity, context) || identity.party.roles.contains(.supervisor)
            let receipts = Dictionary(uniqueKeysWithValues: context.bids.map { ($0.id, $0) })
            let views = context.openingBids.compactMap { bid in receipts[bid.bidId].map { OpeningBidView(bid, receivedAt: $0.receivedAt, packageDigest: $0.packageDigest) } }
            if insider {
                visible = views
                let indices = try await store.read { try $0.partialIndices(tender: id) }
                partials = Dictionary(uniqueKeysWithValues: context.keys.map { ($0.suite.rawValue, indices[$0.suite] ?? []) })
            } else if identity.party.roles.contains(.bidder) {
                visible = views.filter { $0.bidderParty == identity.party.id }
            }
        }
        return OpeningView(tenderId: id, status: opening.status, decryptionPolicy: context.tender.spec.decryptionPolicy, startedAt: opening.startedAt,
                           windowEndsAt: opening.windowEndsAt, completedAt: opening.completedAt, confirmationEndsAt: opening.confirmationEndsAt,
                           bidCount: context.openingBids.count, bids: visible, partialsFrom: partials,
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

    package init(_ bid: OpeningBid, receivedAt: Date, packageDigest: String) {
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
    /// Per suite, the share numbers of the officials who handed in partial decryptions (host,
    /// officials, supervisors).
    public var partialsFrom: [String: [Int]]?
    public var threshold: Int?
}
