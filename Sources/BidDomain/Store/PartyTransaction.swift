import BidCore
import Foundation

/// Parties, their certificates and their login sessions.
public protocol PartyTransaction {
    // Parties and certificates
    func party(id: String) throws -> Party?
    func party(reference: String) throws -> Party?
    func party(certificateFingerprint: String) throws -> Party?
    func party(subjectCode: String) throws -> Party?
    func parties(role: PartyRole) throws -> [Party]
    func certificates(party: String) throws -> [Certificate]
    func certificate(fingerprint: String) throws -> Certificate?
    func sessionCertificates(at time: Date) throws -> [Certificate]
    /// Every registered certificate (the CRL distribution points are read from them).
    func registeredCertificates() throws -> [Certificate]
    func endSessions(certificateFingerprint: String, at time: Date) throws -> Int
    func upsertParty(_ record: PartyRecord, certificates: [Certificate], at time: Date, status: PartyStatus) throws
    func addCertificate(_ certificate: Certificate, party: String, at time: Date) throws

    // Login
    func insertChallenge(id: String, nonce: String, certificate: Certificate, at time: Date, expiresAt: Date) throws
    func consumeChallenge(id: String, at time: Date) throws -> (nonce: String, certificate: Certificate)?
    func insertToken(hash: String, party: String, certificateFingerprint: String, issuedAt: Date, expiresAt: Date, address: String) throws
    func token(hash: String) throws -> (party: String, certificateFingerprint: String, expiresAt: Date)?
    func purgeExpired(before time: Date) throws
}
