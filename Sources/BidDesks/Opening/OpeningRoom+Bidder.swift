import BidCore
import BidDomain
import Foundation

// MARK: Remote decryption by the bidder (远程解密)

extension OpeningRoom {
    /// The header of the caller's own bid, so that it can unwrap its content key on its machine.
    public func sealedHeader(tender id: String, by identity: Identity) async throws -> BidHeaderView {
        let (_, bid) = try await bidderContext(id, identity: identity)
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
        let (context, bid) = try await bidderContext(id, identity: identity, refusalActor: actor)
        let header = try SealedBidHeader.peek(file: store.blobs.path(bid.blob))
        let now = clock.now()
        return try await environment.openings.run(id) {
            guard var openingBid = try await self.store.read({ try $0.openingBid(tender: id, bid: bid.id) }), openingBid.state == .pending else {
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
                                                 "the content key does not open your package (attempt \(attempts)); your bid is still waiting: try again before the window closes at \(iso(context.opening!.windowEndsAt))")
            }
            let outcome = try await self.openStored(bid, tender: context.tender, key: .contentKey(contentKey))
            let recorded = try await self.recordOutcome(outcome, bid: bid, openedBy: .bidder, tender: context.tender, actor: actor, address: address)
            await self.schedule(id)
            return OpeningBidView(recorded ?? openingBid, receivedAt: bid.receivedAt, packageDigest: bid.packageDigest)
        }
    }

    /// The caller's own pending bid in an opening that bidders decrypt; refusals are logged.
    package func bidderContext(_ id: String, identity: Identity, refusalActor: Actor? = nil) async throws -> (Context, BidRecord) {
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
        return (context, bid)
    }
}

/// The header of the caller's own bid, for remote decryption: the client finds its recipient
/// entry, unwraps the content key and checks it against `keyCommitment` before sending it.
public struct BidHeaderView: Codable, Sendable {
    public var bidId: String
    public var packageDigest: String
    public var receivedAt: Date
    public var header: SealedBidHeader
}
