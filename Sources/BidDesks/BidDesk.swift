import BidCore
import BidDomain
import Foundation
import NIOCore

/// Bid submission (投标文件递交): streamed upload of a sealed package, checked without decrypting,
/// stored durably and receipted (确认回执); replacement and withdrawal before the deadline
/// (Law arts. 28–29). Nothing is stored for a refused package.
public struct BidDesk: Sendable {
    package let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    public static let contentTypes: Set<String> = ["application/vnd.ebid.sealed-bid", "application/octet-stream"]

    public struct ReceiptResult: Codable, Sendable {
        public var receipt: Receipt
        public var signed: SignedDocument.Wire
    }

    /// Receives a sealed bid for `tenderId` from the logged-in bidder.
    public func submit<Body: AsyncSequence & Sendable>(tender tenderId: String, by identity: Identity, contentType: String?, contentLength: Int64?,
                                                        body: Body, address: String) async throws -> ReceiptResult where Body.Element == ByteBuffer {
        let now = environment.clock.now()
        let party = identity.party
        let (tender, keys, fingerprints, records) = try await load(tenderId, party: party)
        // Late bids are refused (Law art. 28); the deadline is judged again once the last byte is durable.
        guard tender.status == .published, now < tender.deadline else { throw Self.deadlinePassed(tender) }
        // Debarred parties cannot submit (Law arts. 53–54): a decision in the register bars them.
        if let chain = CreditEffect.activeRestriction(records, kind: .debarment, at: now) { throw chain.refusal("bid.debarred") }
        let mediaType = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard Self.contentTypes.contains(mediaType) else {
            throw ServiceError.unsupportedMedia("bid.content-type", "send the sealed bid as application/vnd.ebid.sealed-bid (got \(contentType ?? "none"))")
        }
        let limit = min(tender.maxBidBytes, environment.maxBidBytesCeiling)
        if let contentLength, contentLength > limit {
            throw ServiceError.tooLarge("upload.too-large", "the sealed bid is \(contentLength) bytes; tender \(tenderId) accepts at most \(limit)")
        }
        let headerCheck = Self.headerCheck(tender: tender, keys: keys, party: party, fingerprints: fingerprints)
        let session = try UploadSession(blobs: environment.store.blobs, trust: environment.trust, at: now, headerCheck: headerCheck)
        DeskMetrics.uploadStarted()
        defer { DeskMetrics.uploadEnded() }
        let verified: VerifiedSealedBid
        do {
            // One batch is verified while the next arrives: network and crypto overlap.
            var inFlight: Task<Void, Error>?
            do {
                try await forEachBatch(of: body, limit: limit, what: "the sealed bid", batchBytes: 1 << 20) { batch, _ in
                    DeskMetrics.received(bytes: batch.value.reduce(0) { $0 + $1.readableBytes })
                    try await inFlight?.value
                    inFlight = Task { try await session.feed(batch) }
                }
                try await inFlight?.value
            } catch {
                _ = try? await inFlight?.value
                throw error
            }
            verified = try await session.finish()
        } catch let error as BidCoreError {
            await abort(session)
            throw ServiceError.refused(error)
        } catch {
            await abort(session)
            throw error
        }
        let blobName = BlobStore.name(forDigest: verified.packageDigestString)
        let blobs = environment.store.blobs
        let existed = blobs.exists(blobName)
        let temporary = session.temporaryPath
        _ = try await Blocking.run { try blobs.commit(temporary: temporary, name: blobName) }
        do {
            return try await record(verified, blob: blobName, tender: tender, identity: identity, address: address)
        } catch {
            // Refused after the file was stored (late, debarred meanwhile…): remove it unless
            // another bid refers to the same bytes.
            if !existed { unlink(environment.store.blobs.path(blobName)) }
            throw error
        }
    }

    /// Drops an upload's temporary file once its pending flush is done (off the event loops).
    private func abort(_ session: UploadSession) async {
        let box = UncheckedBox(session)
        _ = try? await Blocking.run { box.value.abort() }
    }

    /// Withdraws the bidder's active bid before the deadline, with a receipt.
    public func withdraw(tender tenderId: String, by identity: Identity, address: String) async throws -> ReceiptResult {
        let clockTime = environment.clock.now()
        let party = identity.party
        let actor = identity.actor(role: .bidder, address: address)
        let platform = environment.platform
        return try await environment.store.write { tx in
            let now = try Self.judgedTime(clockTime, tx)
            guard let tender = try tx.tender(id: tenderId), tender.status.isPublic else { throw Self.notFound(tenderId) }
            guard tender.status == .published, now < tender.deadline else { throw Self.deadlinePassed(tender) }
            guard let bid = try tx.activeBid(tender: tenderId, party: party.id) else {
                throw ServiceError.notFound("bid.none", "you have no bid on tender \(tenderId) to withdraw")
            }
            try tx.supersede(bid: bid.id, as: .withdrawn, at: now)
            let receiptId = UUID().uuidString.lowercased()
            let event = try tx.appendLedger(try LedgerEntry(actor: actor, action: "bid.withdraw", object: "bid/\(bid.id)", tenderId: tenderId,
                                                            json: BidPayload(bid: bid.id, packageDigest: bid.packageDigest, size: bid.size, at: now, replaces: nil)), at: now)
            let receipt = Receipt(receiptId: receiptId, kind: .bidWithdrawn, tender: Self.tenderRef(tender), bidder: Self.bidderRef(party, bid.certificateFingerprint),
                                  bid: Self.bidRef(bid), replaces: nil, receivedAt: now, ledger: .init(seq: event.seq, eventHash: event.hash),
                                  issuedAt: now, platformCertificateFingerprint: platform.certificate.fingerprint)
            let signed = try platform.signDocument(receipt)
            try tx.insertReceipt(id: receiptId, kind: .bidWithdrawn, tender: tenderId, party: party.id, bid: bid.id, ledgerSeq: event.seq, issuedAt: now, signed: signed)
            return ReceiptResult(receipt: receipt, signed: signed.wire)
        }
    }

    public struct BidView: Codable, Sendable, Equatable {
        public var id: String
        public var status: BidStatus
        public var packageId: String
        public var packageDigest: String
        public var size: Int64
        public var suite: Suite
        public var receivedAt: Date
        public var ledgerSeq: Int64
    }

    public struct StatusView: Codable, Sendable {
        public var tenderId: String
        public var deadline: Date
        /// The bid that counts, if any.
        public var active: BidView?
        /// Every bid this bidder sent to the tender, newest first.
        public var history: [BidView]
        /// Every receipt issued to this bidder for the tender, oldest first.
        public var receipts: [SignedDocument.Wire]
    }

    /// The caller's own bids and receipts for a tender (nobody else's).
    public func status(tender tenderId: String, by identity: Identity) async throws -> StatusView {
        let party = identity.party.id
        let found = try await environment.store.read { tx -> (Tender, [BidRecord], [SignedDocument])? in
            guard let tender = try tx.tender(id: tenderId), tender.status.isPublic else { return nil }
            return (tender, try tx.bids(tender: tenderId, party: party), try tx.receipts(tender: tenderId, party: party))
        }
        guard let (tender, bids, receipts) = found else { throw Self.notFound(tenderId) }
        let views = bids.map { BidView(id: $0.id, status: $0.status, packageId: $0.packageId, packageDigest: $0.packageDigest, size: $0.size,
                                       suite: $0.suite, receivedAt: $0.receivedAt, ledgerSeq: $0.ledgerSeq) }
        return StatusView(tenderId: tenderId, deadline: tender.deadline, active: views.first { $0.status == .active }, history: views,
                          receipts: receipts.map(\.wire))
    }

    // MARK: Recording

    private func record(_ verified: VerifiedSealedBid, blob: String, tender: Tender, identity: Identity, address: String) async throws -> ReceiptResult {
        // The submission time: now, after the file is durable. The deadline is judged here.
        let clockTime = environment.clock.now()
        let party = identity.party
        let actor = identity.actor(role: .bidder, address: address)
        let platform = environment.platform
        let header = verified.header
        let signer = verified.signer.fingerprint
        return try await environment.store.write { tx in
            let receivedAt = try Self.judgedTime(clockTime, tx)
            guard let current = try tx.tender(id: tender.id), current.status.isPublic else { throw Self.notFound(tender.id) }
            guard current.status == .published, receivedAt < current.deadline else { throw Self.deadlinePassed(current) }
            // Once a checkpoint after the deadline is signed, the tender's bids are sealed; a commit
            // that lagged behind it (more than Supervision.sealingGrace) is late too.
            if let sealed = try tx.lastCheckpoint(), sealed.at >= current.deadline { throw Self.deadlinePassed(current) }
            if let chain = CreditEffect.activeRestriction(try tx.creditRecords(subject: party.subjectCode), kind: .debarment, at: receivedAt) {
                throw chain.refusal("bid.debarred")
            }
            let previous = try tx.activeBid(tender: tender.id, party: party.id)
            if let previous { try tx.supersede(bid: previous.id, as: .replaced, at: receivedAt) }
            let bidId = UUID().uuidString.lowercased()
            let receiptId = UUID().uuidString.lowercased()
            var bid = BidRecord(id: bidId, tenderId: tender.id, bidderParty: party.id, certificateFingerprint: signer, suite: header.suite,
                                packageId: header.packageId, packageDigest: verified.packageDigestString, size: Int64(verified.size), blob: blob,
                                receivedAt: receivedAt, clientAddress: address, status: .active, supersededAt: nil, receiptId: receiptId, ledgerSeq: 0)
            let event = try tx.appendLedger(LedgerEntry(actor: actor, action: previous == nil ? "bid.submit" : "bid.replace", object: "bid/\(bidId)",
                                                        tenderId: tender.id, payload: try BidBinding.payload(bid, replaces: previous?.id)),
                                            at: receivedAt)
            bid.ledgerSeq = event.seq
            let kind: ReceiptKind = previous == nil ? .bidSubmitted : .bidReplaced
            let receipt = Receipt(receiptId: receiptId, kind: kind, tender: Self.tenderRef(current), bidder: Self.bidderRef(party, signer),
                                  bid: Self.bidRef(bid), replaces: previous.map(Self.bidRef), receivedAt: receivedAt,
                                  ledger: .init(seq: event.seq, eventHash: event.hash), issuedAt: receivedAt,
                                  platformCertificateFingerprint: platform.certificate.fingerprint)
            let signed = try platform.signDocument(receipt)
            // The receipt first: the bid row refers to it.
            try tx.insertReceipt(id: receiptId, kind: kind, tender: tender.id, party: party.id, bid: bidId, ledgerSeq: event.seq, issuedAt: receivedAt, signed: signed)
            try tx.insertBid(bid)
            return ReceiptResult(receipt: receipt, signed: signed.wire)
        }
    }

    /// Checks made as soon as the package's header is authentic, before the body is read.
    package static func headerCheck(tender: Tender, keys: [TenderOpeningKey], party: Party, fingerprints: Set<String>) -> SealedBidVerifier.HeaderCheck {
        { header, signer in
            guard header.tenderId == tender.id, header.section == tender.section else {
                throw ServiceError.unprocessable("sealed.wrong-tender", "the package was sealed for tender \(header.tenderId) section \(header.section), not \(tender.id) section \(tender.section)")
            }
            guard tender.spec.acceptedSuites.contains(header.suite) else {
                throw ServiceError.unprocessable("bid.suite-not-accepted", "tender \(tender.id) does not accept \(header.suite.rawValue) bids")
            }
            let sameOrganisation = party.creditCode != nil && signer.subject.serialNumber == party.creditCode
            guard fingerprints.contains(signer.fingerprint) || sameOrganisation else {
                throw ServiceError.forbidden("bid.signer-not-bidder", "the package is signed by \(signer.subject), not by \(party.name)")
            }
            guard let key = keys.first(where: { $0.suite == header.suite }),
                  header.recipients.contains(where: { $0.role == .opening && $0.keyId == key.keyId }) else {
                throw ServiceError.unprocessable("bid.opening-key-missing", "the package is not encrypted to tender \(tender.id)'s opening key: seal it again with that key")
            }
            if tender.spec.decryptionPolicy != .committee, !header.recipients.contains(where: { $0.role == .bidder }) {
                throw ServiceError.unprocessable("bid.bidder-recipient-missing", "the tender is decrypted by bidders, but the package is not encrypted to the bidder")
            }
        }
    }

    private func load(_ tenderId: String, party: Party) async throws -> (Tender, [TenderOpeningKey], Set<String>, [CreditRecord]) {
        let found = try await environment.store.read { tx -> (Tender, [TenderOpeningKey], Set<String>, [CreditRecord])? in
            guard let tender = try tx.tender(id: tenderId), tender.status.isPublic else { return nil }
            return (tender, try tx.openingKeys(tender: tenderId), Set(try tx.certificates(party: party.id).map(\.fingerprint)),
                    try tx.creditRecords(subject: party.subjectCode))
        }
        guard let found else { throw Self.notFound(tenderId) }
        return found
    }

    package static func notFound(_ id: String) -> ServiceError { .notFound("tender.not-found", "there is no published tender \(id)") }

    /// The time a submission or withdrawal is judged and recorded at, inside its (serial) write
    /// transaction: this instance's clock, or the ledger's last event if that is later. Several
    /// instances on PostgreSQL each have a clock; one running behind another that has already
    /// written must not accept a bid the other would call late, nor date a bid before an event
    /// that preceded it (the ledger's time never runs back: Ledger.appendLedger).
    package static func judgedTime(_ clockTime: Date, _ tx: any LedgerTransaction) throws -> Date {
        max(clockTime, try tx.ledgerHead()?.at ?? clockTime)
    }

    package static func deadlinePassed(_ tender: Tender) -> ServiceError {
        .conflict("bid.deadline-passed", "the bid deadline of tender \(tender.id) was \(iso(tender.deadline)); after it nothing can be submitted, replaced or withdrawn (Law arts. 28–29)")
    }

    package static func tenderRef(_ tender: Tender) -> Receipt.TenderRef {
        .init(id: tender.id, section: tender.section, title: tender.spec.title, deadline: tender.deadline)
    }

    package static func bidderRef(_ party: Party, _ fingerprint: String) -> Receipt.BidderRef {
        .init(party: party.id, name: party.name, creditCode: party.creditCode, certificateFingerprint: fingerprint)
    }

    package static func bidRef(_ bid: BidRecord) -> Receipt.BidRef {
        .init(id: bid.id, packageId: bid.packageId, packageDigest: bid.packageDigest, size: bid.size, suite: bid.suite)
    }
}

private struct BidPayload: Encodable { var bid: String; var packageDigest: String; var size: Int64; var at: Date; var replaces: String? }
