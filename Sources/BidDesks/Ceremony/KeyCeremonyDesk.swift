import BidCore
import BidDomain
import Foundation

/// The key ceremony (DESIGN.md, "The opening key"): the opening officials make a tender's opening
/// key themselves, by distributed key generation, and no machine ever holds the private key. The
/// service relays their messages — signed dealings with shares encrypted to each official,
/// confirmations, complaints — checks every signature and proof it can, keeps the transcript and
/// signs it once every official confirmed. It never holds anything that decrypts.
public struct KeyCeremonyDesk: Sendable {
    package let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    package var store: any ServiceStore { environment.store }

    public struct StartInput: Codable, Sendable {
        public var suite: Suite
        public var section: String
        public var threshold: Int
        /// The officials' party ids (share numbers 1…n in this order).
        public var officials: [String]

        public init(suite: Suite, section: String, threshold: Int, officials: [String]) {
            self.suite = suite
            self.section = section
            self.threshold = threshold
            self.officials = officials
        }
    }

    // MARK: Starting

    /// The tenderer or agency starts a ceremony for a tender (which may not exist yet, or be its
    /// draft). A new attempt supersedes an unfinished or unused earlier one by the same party.
    public func start(tender id: String, _ input: StartInput, by identity: Identity, role: PartyRole, address: String) async throws -> CeremonyView {
        let now = environment.clock.now()
        do {
            try SealedBidHeader.validateIdentifier(id, what: "tender id", maxLength: 128)
            try SealedBidHeader.validateIdentifier(input.section, what: "section", maxLength: 64)
        } catch let error as BidCoreError { throw ServiceError.unprocessable("ceremony.invalid", error.reason) }
        let ids = input.officials
        guard (2...64).contains(ids.count), Set(ids).count == ids.count else {
            throw ServiceError.unprocessable("ceremony.invalid", "a ceremony needs 2 to 64 different officials")
        }
        guard input.threshold >= 2, input.threshold <= ids.count else {
            throw ServiceError.unprocessable("ceremony.invalid", "the threshold must be between 2 and the number of officials (\(ids.count))")
        }
        let (tender, previous, officials) = try await store.read { tx -> (Tender?, Ceremony?, [(Party?, [Certificate])]) in
            (try tx.tender(id: id), try tx.ceremony(tender: id, suite: input.suite),
             try ids.map { id in (try tx.party(reference: id), try tx.certificates(party: id)) })
        }
        if let tender {
            guard tender.isManaged(by: identity) else {
                if tender.status == .draft { throw ServiceError.notFound("tender.not-found", "there is no published tender \(id)") }
                throw ServiceError.forbidden("tender.not-owner", "only the party that created tender \(id) may run its key ceremony")
            }
            guard tender.status == .draft else {
                throw ServiceError.conflict("ceremony.tender-published", "tender \(id) is published: its opening key is fixed")
            }
            guard tender.section == input.section else {
                throw ServiceError.unprocessable("ceremony.invalid", "tender \(id) is for section \(tender.section), not \(input.section)")
            }
        }
        if let previous, previous.startedBy != identity.party.id {
            throw ServiceError.forbidden("ceremony.not-starter", "a key ceremony for tender \(id) was started by another party")
        }
        let shareholders = Shareholders(environment: environment)
        var participants: [KeyCeremony.Participant] = []
        for (offset, (party, certificates)) in officials.enumerated() {
            guard let party else {
                throw ServiceError.unprocessable("tender.unknown-official", "\(ids[offset]) is not a registered party")
            }
            guard party.id != identity.party.id else {
                throw ServiceError.unprocessable("tender.shareholder-conflict", "the party that runs the ceremony cannot hold a share")
            }
            let certificate = try shareholders.certificate(of: party, suite: input.suite, registered: certificates, at: now)
            participants.append(.init(index: offset + 1, party: party.id, certificate: certificate))
        }
        let actor = identity.actor(role: role, address: address)
        let chosen = participants
        let ceremony = try await store.write { tx -> Ceremony in
            let latest = try tx.ceremony(tender: id, suite: input.suite)
            if let latest, let keyId = latest.keyId, latest.status == .complete, try tx.keyUse(keyId: keyId) != nil {
                throw ServiceError.conflict("ceremony.key-in-use", "the opening key of tender \(id)'s last ceremony is in use")
            }
            if var superseded = latest, superseded.status != .failed {
                superseded.status = .failed
                superseded.failure = CeremonyFailure(reason: "superseded by attempt \(superseded.attempt + 1)")
                try tx.saveCeremony(superseded)
            }
            let parameters = KeyCeremony.Parameters(tenderId: id, section: input.section, suite: input.suite, threshold: input.threshold,
                                                    attempt: (latest?.attempt ?? 0) + 1, participants: chosen)
            let ceremony = Ceremony(parameters: parameters, status: .dealing, startedBy: identity.party.id, startedAt: now)
            try tx.saveCeremony(ceremony)
            try tx.appendLedger(try LedgerEntry(actor: actor, action: "ceremony.start", object: Self.object(ceremony), tenderId: id,
                                                json: StartPayload(attempt: parameters.attempt, threshold: parameters.threshold,
                                                                   officials: chosen.map { "\($0.index):\($0.party ?? "?"):\($0.certificateFingerprint)" })), at: now)
            return ceremony
        }
        return try await view(ceremony)
    }

    // MARK: Dealing, checking, confirming, complaining

    /// An official's signed dealing (made on its machine by `ebid opening ceremony deal`).
    public func deal(tender id: String, suite: Suite, _ dealing: KeyCeremony.Dealing, by identity: Identity, address: String) async throws -> CeremonyView {
        let now = environment.clock.now()
        let (ceremony, index) = try await participant(id, suite, identity, expecting: .dealing)
        guard dealing.dealer == index else {
            throw ServiceError.unprocessable("ceremony.dealing-invalid", "you are official \(index); the dealing says \(dealing.dealer)")
        }
        do { try KeyCeremony.verifyDealing(dealing, ceremony.parameters) } catch let error as BidCoreError {
            throw ServiceError.unprocessable(error.code.rawValue, error.reason)
        }
        let digest = Hex.encode(StreamingDigest.hash(try dealing.message(context: try ceremony.parameters.contextDigest()), using: suite.hash))
        let actor = identity.actor(role: .official, address: address)
        let updated = try await store.write { tx -> Ceremony in
            guard var current = try tx.ceremony(tender: id, suite: suite), current.attempt == ceremony.attempt, current.status == .dealing else {
                throw ServiceError.conflict("ceremony.not-dealing", "the ceremony is no longer waiting for dealings")
            }
            do { try tx.insertDealing(dealing, ceremony: current, at: now) } catch let error as StoreError where error.isConstraint {
                throw ServiceError.conflict("ceremony.already-dealt", "official \(index) has dealt already")
            }
            try tx.appendLedger(try LedgerEntry(actor: actor, action: "ceremony.deal", object: Self.object(current), tenderId: id,
                                                json: ["attempt": String(current.attempt), "dealer": String(index), "digest": digest]), at: now)
            if try tx.dealings(current).count == current.parameters.count {
                current.status = .checking
                try tx.saveCeremony(current)
            }
            return current
        }
        return try await view(updated)
    }

    /// Every dealing, once all are in, for the officials to check on their machines.
    public func dealings(tender id: String, suite: Suite, by identity: Identity) async throws -> [KeyCeremony.Dealing] {
        let (ceremony, _) = try await participant(id, suite, identity, expecting: nil)
        guard ceremony.status != .dealing else {
            throw ServiceError.conflict("ceremony.dealing", "the dealings are shown once every official has dealt")
        }
        return try await store.read { try $0.dealings(ceremony) }
    }

    /// An official confirms: its signature over the transcript digest says that every share it
    /// received matched its dealer's commitments. The last confirmation completes the ceremony.
    public func confirm(tender id: String, suite: Suite, signature: [UInt8], by identity: Identity, address: String) async throws -> CeremonyView {
        let now = environment.clock.now()
        let (ceremony, index) = try await participant(id, suite, identity, expecting: .checking)
        let dealings = try await store.read { try $0.dealings(ceremony) }
        let parameters = ceremony.parameters
        let (publicKey, verificationKeys) = try KeyCeremony.derivedKeys(dealings, parameters)
        let digest = try KeyCeremony.transcriptDigest(parameters, dealings: dealings, publicKey: publicKey, verificationKeys: verificationKeys)
        let key = try parameters.participants[index - 1].parsedCertificate().publicKey
        guard try key.isValidSignature(signature, for: KeyCeremony.confirmationMessage(index: index, digest: digest), scheme: .preferred(for: key.type)) else {
            throw ServiceError.unprocessable("ceremony.confirmation-invalid",
                                             "the confirmation is not official \(index)'s signature over this ceremony's transcript digest \(Hex.encode(digest).prefix(16))…")
        }
        let confirmation = OpeningKeyFile.Confirmation(index: index, signature: Data(signature).base64EncodedString())
        let actor = identity.actor(role: .official, address: address)
        try await store.write { tx in
            guard let current = try tx.ceremony(tender: id, suite: suite), current.attempt == ceremony.attempt, current.status == .checking else {
                throw ServiceError.conflict("ceremony.not-checking", "the ceremony is no longer waiting for confirmations")
            }
            do { try tx.insertConfirmation(confirmation, ceremony: current, at: now) } catch let error as StoreError where error.isConstraint {
                throw ServiceError.conflict("ceremony.already-confirmed", "official \(index) has confirmed already")
            }
            try tx.appendLedger(try LedgerEntry(actor: actor, action: "ceremony.confirm", object: Self.object(current), tenderId: id,
                                                json: ["attempt": String(current.attempt), "official": String(index), "transcript": Hex.encode(digest)]), at: now)
        }
        return try await view(try await completeIfConfirmed(ceremony, dealings: dealings))
    }

    /// Once every official confirmed: the platform signs the transcript and the ceremony is complete.
    /// (Two last confirmations at once both get here; the second finds the work done.)
    private func completeIfConfirmed(_ ceremony: Ceremony, dealings: [KeyCeremony.Dealing]) async throws -> Ceremony {
        let now = environment.clock.now()
        let confirmations = try await store.read { try $0.confirmations(ceremony) }
        guard confirmations.count == ceremony.parameters.count else { return ceremony }
        // Made and signed outside the transaction, which only stores it.
        let transcript = try OpeningKeyFile.transcript(ceremony.parameters, dealings: dealings, confirmations: confirmations, createdAt: now,
                                                       platformKey: environment.platform.key, platformCertificate: environment.platform.certificate)
        let digest = Hex.encode(try transcript.transcriptDigest())
        let platform = environment.platformActor
        return try await store.write { tx -> Ceremony in
            guard var current = try tx.ceremony(tender: ceremony.tenderId, suite: ceremony.suite), current.attempt == ceremony.attempt,
                  current.status == .checking else { return try tx.ceremony(tender: ceremony.tenderId, suite: ceremony.suite) ?? ceremony }
            current.status = .complete
            current.completedAt = now
            current.keyId = transcript.keyId
            try tx.saveCeremony(current)
            try tx.setTranscript(transcript, ceremony: current)
            try tx.appendLedger(try LedgerEntry(actor: platform, action: "ceremony.complete", object: Self.object(current), tenderId: current.tenderId,
                                                json: ["attempt": String(current.attempt), "keyId": transcript.keyId, "transcript": digest]), at: now)
            return current
        }
    }

    /// An official's complaint against a dealer, with the evidence. Upheld: the ceremony fails and
    /// names the dealer (run it again without that official). Unfounded: refused and recorded.
    public func complain(tender id: String, suite: Suite, _ complaint: KeyCeremony.Complaint, by identity: Identity, address: String) async throws -> CeremonyView {
        let now = environment.clock.now()
        let (ceremony, index) = try await participant(id, suite, identity, expecting: .checking)
        guard complaint.complainant == index else {
            throw ServiceError.unprocessable("ceremony.complaint-invalid", "you are official \(index); the complaint says \(complaint.complainant)")
        }
        let dealings = try await store.read { try $0.dealings(ceremony) }
        let verdict: KeyCeremony.Verdict
        do { verdict = try KeyCeremony.verifyComplaint(complaint, dealings: dealings, ceremony.parameters) } catch let error as BidCoreError {
            throw ServiceError.unprocessable(error.code.rawValue, error.reason)
        }
        let actor = identity.actor(role: .official, address: address)
        let evidence = ComplaintPayload(attempt: ceremony.attempt, complaint: complaint)
        switch verdict {
        case .unfounded:
            _ = try await store.write { tx in
                try tx.appendLedger(try LedgerEntry(actor: actor, action: "ceremony.complaint.rejected", object: Self.object(ceremony), tenderId: id, json: evidence), at: now)
            }
            throw ServiceError.unprocessable("ceremony.complaint-unfounded",
                                             "official \(complaint.dealer)'s share for you decrypts and matches its commitments: the complaint is unfounded (recorded)")
        case .upheld(let finding):
            let faulty = ceremony.parameters.participants[complaint.dealer - 1]
            let updated = try await store.write { tx -> Ceremony in
                guard var current = try tx.ceremony(tender: id, suite: suite), current.attempt == ceremony.attempt, current.status == .checking else {
                    throw ServiceError.conflict("ceremony.not-checking", "the ceremony is no longer being checked")
                }
                current.status = .failed
                current.failure = CeremonyFailure(reason: finding, faultyDealer: complaint.dealer, faultyParty: faulty.party, complaint: complaint)
                try tx.saveCeremony(current)
                try tx.appendLedger(try LedgerEntry(actor: actor, action: "ceremony.failed", object: Self.object(current), tenderId: id, json: evidence), at: now)
                return current
            }
            return try await view(updated)
        }
    }

    // MARK: Reading

    public func view(tender id: String, suite: Suite, for identity: Identity) async throws -> CeremonyView {
        let ceremony = try await visible(id, suite, identity)
        return try await view(ceremony)
    }

    /// The signed transcript of a complete ceremony: the tender's opening key.
    public func transcript(tender id: String, suite: Suite, for identity: Identity) async throws -> OpeningKeyFile {
        let ceremony = try await visible(id, suite, identity)
        guard ceremony.status == .complete, let file = try await store.read({ try $0.completedTranscript(tender: id, suite: suite) }),
              file.keyId == ceremony.keyId else {
            throw ServiceError.conflict("ceremony.not-complete", "the ceremony of tender \(id) (\(suite.rawValue)) is \(ceremony.status.rawValue)")
        }
        return file
    }

    // MARK: Helpers

    package static func object(_ ceremony: Ceremony) -> String { "tender/\(ceremony.tenderId)/ceremonies/\(ceremony.suite.rawValue)/\(ceremony.attempt)" }

    /// The ceremony, for its starter, its officials and supervisors; to anyone else it does not exist.
    private func visible(_ id: String, _ suite: Suite, _ identity: Identity) async throws -> Ceremony {
        let (ceremony, mine) = try await store.read { tx in
            (try tx.ceremony(tender: id, suite: suite), Set(try tx.certificates(party: identity.party.id).map(\.fingerprint)))
        }
        guard let ceremony, ceremony.startedBy == identity.party.id || identity.party.roles.contains(.supervisor) || ceremony.index(of: mine) != nil else {
            throw ServiceError.notFound("ceremony.not-found", "there is no key ceremony for tender \(id) (\(suite.rawValue)) that you take part in")
        }
        return ceremony
    }

    /// The caller's share number in the ceremony, which must be in the state expected.
    private func participant(_ id: String, _ suite: Suite, _ identity: Identity, expecting status: CeremonyStatus?) async throws -> (Ceremony, Int) {
        let (ceremony, certificates) = try await store.read { tx in
            (try tx.ceremony(tender: id, suite: suite), try tx.certificates(party: identity.party.id))
        }
        guard let ceremony else { throw ServiceError.notFound("ceremony.not-found", "there is no key ceremony for tender \(id) (\(suite.rawValue))") }
        guard let index = ceremony.index(of: Set(certificates.map(\.fingerprint))) else {
            throw ServiceError.forbidden("ceremony.not-an-official", "\(identity.party.name) takes no part in this ceremony")
        }
        // The certificate it takes part with must still be valid (a revoked official cannot deal or confirm).
        let certificate = try ceremony.parameters.participants[index - 1].parsedCertificate()
        do {
            try environment.trust.verify(certificate, at: environment.clock.now(), for: .signing)
        } catch let error as BidCoreError {
            throw ServiceError.forbidden("ceremony.official-certificate", "your certificate is no longer valid: \(error.reason)")
        }
        if let status, ceremony.status != status {
            throw ServiceError.conflict("ceremony.\(ceremony.status.rawValue)", "the ceremony (attempt \(ceremony.attempt)) is \(ceremony.status.rawValue), not \(status.rawValue)")
        }
        return (ceremony, index)
    }

    private func view(_ ceremony: Ceremony) async throws -> CeremonyView {
        let (dealt, confirmed) = try await store.read { tx in
            (Set(try tx.dealings(ceremony).map(\.dealer)), Set(try tx.confirmations(ceremony).map(\.index)))
        }
        let parameters = ceremony.parameters
        return CeremonyView(tenderId: ceremony.tenderId, section: parameters.section, suite: parameters.suite, attempt: parameters.attempt,
                            status: ceremony.status, threshold: parameters.threshold, startedBy: ceremony.startedBy, startedAt: ceremony.startedAt,
                            completedAt: ceremony.completedAt,
                            officials: parameters.participants.map { .init(index: $0.index, party: $0.party, subject: $0.subject,
                                                                           certificateFingerprint: $0.certificateFingerprint,
                                                                           dealt: dealt.contains($0.index), confirmed: confirmed.contains($0.index)) },
                            failure: ceremony.failure, keyId: ceremony.keyId, parameters: parameters)
    }
}

private struct StartPayload: Encodable { var attempt: Int; var threshold: Int; var officials: [String] }
private struct ComplaintPayload: Encodable { var attempt: Int; var complaint: KeyCeremony.Complaint }
