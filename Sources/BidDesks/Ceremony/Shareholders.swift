import BidCore
import BidDomain
import Foundation

/// Who may hold a share of an opening key: a registered opening official of this trading centre,
/// with a certificate registered to it that chains to the trust store, is valid and not revoked —
/// and who bids on nothing (a shareholder who is also a bidder could open its rivals' bids).
package struct Shareholders: Sendable {
    package let environment: ServiceEnvironment

    /// The certificate an official takes part with for `suite`: its newest registered certificate
    /// on the suite's curve that is valid now for signing and encryption.
    package func certificate(of party: Party, suite: Suite, registered: [Certificate], at time: Date) throws -> Certificate {
        try check(party)
        let type = Curve.of(suite).keyType
        var reasons: [String] = []
        let usable = registered.filter { certificate in
            guard (try? certificate.publicKey.type) == type else { return false }
            do {
                try verify(certificate, at: time)
                return true
            } catch let error as BidCoreError {
                reasons.append(error.reason)
                return false
            } catch { return false }
        }
        guard let chosen = usable.max(by: { $0.notBefore < $1.notBefore }) else {
            throw ServiceError.unprocessable("ceremony.official-certificate",
                                             "\(party.name) (\(party.id)) has no valid \(type.rawValue) certificate registered\(reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; "))")
        }
        return chosen
    }

    /// Checks one shareholder certificate of an opening key: registered, to an official, valid now.
    /// Returns the party that holds it.
    package func holder(of certificate: Certificate, share index: Int, tx: any CeremonyDeskTransaction, at time: Date) throws -> Party {
        guard let party = try tx.party(certificateFingerprint: certificate.fingerprint) else {
            throw ServiceError.unprocessable("tender.unknown-official",
                                             "share \(index) is held by \(certificate.subject), whose certificate is not registered with this trading centre")
        }
        try check(party)
        guard try !tx.isCertificateRetired(fingerprint: certificate.fingerprint) else {
            throw ServiceError.unprocessable("tender.official-certificate", "share \(index) is held by \(party.name), whose certificate was retired from the registry")
        }
        do { try verify(certificate, at: time) } catch let error as BidCoreError {
            throw ServiceError.unprocessable("tender.official-certificate", "share \(index) is held by \(party.name), whose certificate is not valid: \(error.reason)")
        }
        return party
    }

    private func check(_ party: Party) throws {
        guard party.status == .active else {
            throw ServiceError.unprocessable("tender.official-inactive", "\(party.name) (\(party.id)) is \(party.status.rawValue) in the registry")
        }
        guard party.roles.contains(.official) else {
            throw ServiceError.unprocessable("tender.unknown-official", "\(party.name) (\(party.id)) is not a registered opening official")
        }
        guard party.roles.isDisjoint(with: [.bidder, .tenderer, .agency]) else {
            throw ServiceError.unprocessable("tender.shareholder-conflict",
                                             "\(party.name) (\(party.id)) also acts as \(party.roles.intersection([.bidder, .tenderer, .agency]).map(\.rawValue).sorted().joined(separator: ", ")): a shareholder of an opening key may not")
        }
    }

    private func verify(_ certificate: Certificate, at time: Date) throws {
        try environment.trust.verify(certificate, at: time, for: .signing)
        try environment.trust.verify(certificate, at: time, for: .encryption)
    }
}
