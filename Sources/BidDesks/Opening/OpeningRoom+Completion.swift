import BidCore
import BidDomain
import Foundation

// MARK: Completion: collusion screening, the signed opening record (Law art. 36, Reg. art. 36)

extension OpeningRoom {
    /// Every bid is opened or classified: screen for collusion, sign and publish the record.
    package func complete(_ id: String) async throws {
        let now = clock.now()
        let context = try await load(id)
        guard var opening = context.opening, opening.status == .decrypting else { return }
        opening.status = .completed
        opening.completedAt = now
        let records = Dictionary(uniqueKeysWithValues: context.bids.map { ($0.id, $0) })
        let facts = try await store.read { tx -> [BidFacts] in
            try context.openingBids.compactMap { openingBid -> BidFacts? in
                guard openingBid.state == .opened, let bid = records[openingBid.bidId],
                      let bytes = try tx.openedManifest(bid: bid.id),
                      let manifest = try? JSONDecoder.ebid.decodeStrict(BidManifest.self, from: Data(bytes)) else { return nil }
                let party = try tx.party(id: bid.bidderParty)
                return BidFacts(bidId: bid.id, bidder: bid.bidderParty, bidderName: party?.name ?? bid.bidderParty,
                                machineFingerprint: manifest.machineFingerprint, partDigests: manifest.parts.map(\.digest),
                                uploadAddress: bid.clientAddress, decryptionAddress: openingBid.decryptionAddress, receivedAt: bid.receivedAt,
                                price: manifest.summary.price, projectManager: manifest.summary.projectManager,
                                bidSecurityAccount: manifest.summary.bidSecurityAccount, legalRepresentative: party?.legalRepresentative)
            }
        }
        let evidence = try await committeeEvidence(context)
        let signals = CollusionScreening.signals(facts)
        let confirmation = Self.minutes(context.tender.spec.confirmationWindowMinutes, default: 30, profile: environment.profile)
        let platform = environment.platform
        let actor = environment.platformActor
        opening.confirmationEndsAt = now.addingTimeInterval(confirmation)
        let completed = opening
        try await store.write { tx in
            let opening = completed
            let record = try Self.record(tender: context.tender, keys: context.keys, opening: opening, bids: context.bids,
                                         openingBids: try tx.openingBids(tender: id), evidence: evidence, tx: tx, platform: platform, now: now, failure: nil)
            let signed = try platform.signDocument(record)
            try tx.saveOpening(opening)
            try tx.setOpeningRecord(tender: id, signed)
            try tx.setSignals(tender: id, signals)
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

    /// For every bid the committee opened: its opening recipient's wrapped key, key commitment and
    /// the partial decryptions handed in for it, so that the record lets anyone check the opening.
    package func committeeEvidence(_ context: Context) async throws -> [String: CommitteeEvidence] {
        let opened = Set(context.openingBids.filter { $0.state == .opened && $0.openedBy == .committee }.map(\.bidId))
        var evidence: [String: CommitteeEvidence] = [:]
        for bid in context.bids where opened.contains(bid.id) {
            guard let key = context.keys.first(where: { $0.suite == bid.suite }),
                  let header = try? SealedBidHeader.peek(file: store.blobs.path(bid.blob)),
                  let (recipient, _) = try? CommitteeOpening.ephemeral(of: header, key: key.file) else { continue }
            let partials = try await store.read { try $0.partials(bid: bid.id) }
            evidence[bid.id] = CommitteeEvidence(keyId: key.keyId, packageId: header.packageId, keyCommitment: header.keyCommitment,
                                                 algorithm: recipient.algorithm, wrappedKey: recipient.wrappedKey, partials: partials)
        }
        return evidence
    }

    package static func record(tender: Tender, keys: [TenderOpeningKey], opening: Opening, bids: [BidRecord], openingBids: [OpeningBid],
                       evidence: [String: CommitteeEvidence], tx: any OpeningDeskTransaction, platform: PlatformSigner, now: Date,
                       failure: String?) throws -> OpeningRecord {
        let states = Dictionary(uniqueKeysWithValues: openingBids.map { ($0.bidId, $0) })
        let entries = try bids.sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }.map { bid -> OpeningRecord.Entry in
            let party = try tx.party(id: bid.bidderParty)
            let state = states[bid.id]
            return OpeningRecord.Entry(bidder: bid.bidderParty, bidderName: party?.name ?? bid.bidderParty, creditCode: party?.creditCode,
                                       receivedAt: bid.receivedAt, packageDigest: bid.packageDigest, state: state?.state ?? .pending,
                                       openedBy: state?.openedBy, failure: state?.failure, items: state?.items ?? [:], committee: evidence[bid.id])
        }
        let tenderer = try tx.party(id: tender.tendererParty)
        return OpeningRecord(
            tender: .init(id: tender.id, section: tender.section, title: tender.spec.title, tenderer: tenderer?.name, maximumPrice: tender.spec.maximumPrice,
                          deadline: tender.deadline, decryptionPolicy: tender.spec.decryptionPolicy, openingRecordItems: tender.spec.openingRecordItems),
            outcome: failure == nil ? .completed : .failed, failureReason: failure, bidCount: bids.count, startedAt: opening.startedAt,
            decryptionWindowEndsAt: failure == nil ? opening.windowEndsAt : nil, completedAt: now, bids: entries,
            openingKeys: keys.filter { !$0.file.isRetired }.map(Self.keyRef), issuedAt: now, platformCertificateFingerprint: platform.certificate.fingerprint)
    }

    package static func keyRef(_ key: TenderOpeningKey) -> OpeningRecord.KeyRef {
        let file = key.file
        return OpeningRecord.KeyRef(suite: key.suite, keyId: key.keyId, origin: file.origin, threshold: file.threshold,
                                    publicKey: (try? file.publicPoint().hex) ?? "",
                                    verificationKeys: file.officials.map { .init(index: $0.index, subject: $0.subject,
                                                                                 certificateFingerprint: $0.certificateFingerprint, point: $0.verificationKey) })
    }

    /// The items of the bid summary the tender lists for the record.
    package static func items(_ summary: BidSummary, listed: [String]) -> [String: String] {
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
    package func confirmationOpen(_ id: String, bidder identity: Identity) async throws -> Date {
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
