internal import COpenSSL
import Foundation

/// What a verified certificate is going to be used for; checked against its keyUsage extension.
public enum KeyPurpose: Sendable {
    /// Signing bids, manifests, login challenges, receipts: digitalSignature or nonRepudiation.
    case signing
    /// Receiving wrapped keys: keyEncipherment, dataEncipherment or keyAgreement.
    case encryption
    /// No key-usage requirement.
    case any
}

/// Owns one X509_STORE holding the trust anchors. X509_STORE is documented as safe to share
/// between threads for verification (each verification uses its own X509_STORE_CTX), and nothing
/// is added after construction, hence `@unchecked Sendable`.
final class X509StoreBox: @unchecked Sendable {
    let store: OpaquePointer
    init(_ store: OpaquePointer) { self.store = store }
    deinit { X509_STORE_free(store) }
}

/// Trust anchors plus CRLs: verifies a certificate chain at a given time.
///
/// Chain building, signatures, validity periods and basic constraints are OpenSSL's
/// `X509_verify_cert`; revocation is checked here against the CRLs (see CertificateRevocationList
/// for why); key usage is checked here against the purpose.
public struct TrustStore: Sendable {
    public enum RevocationPolicy: Sendable {
        /// Check against a CRL when one from the issuer is configured.
        case whereAvailable
        /// Every certificate below an anchor must be covered by a current CRL from its issuer.
        case required
    }

    public let anchors: [Certificate]
    public let crls: [CertificateRevocationList]
    public let revocationPolicy: RevocationPolicy
    private let storeBox: X509StoreBox

    public init(anchors: [Certificate], crls: [CertificateRevocationList] = [], revocationPolicy: RevocationPolicy = .whereAvailable) throws {
        guard !anchors.isEmpty else { throw BidCoreError(.invalidInput, "a trust store needs at least one trust anchor") }
        guard let store = X509_STORE_new() else { throw OpenSSLErrors.failure(.openssl, "X509_STORE_new") }
        let box = X509StoreBox(store)
        for anchor in anchors {
            try OpenSSLErrors.check(X509_STORE_add_cert(store, anchor.box.x509), "adding trust anchor \(anchor.subject)")
        }
        self.anchors = anchors
        self.crls = crls
        self.revocationPolicy = revocationPolicy
        self.storeBox = box
    }

    /// Loads anchors from PEM/DER files (a PEM file may hold several) and CRLs from files.
    public init(anchorFiles: [String], crlFiles: [String] = [], revocationPolicy: RevocationPolicy = .whereAvailable) throws {
        var anchors: [Certificate] = []
        for path in anchorFiles {
            let text = try readText(path, what: "trust anchor")
            let found = text.contains("-----BEGIN") ? try Certificate.all(pem: text) : [try Certificate(file: path)]
            guard !found.isEmpty else { throw BidCoreError(.certificateMalformed, "no certificate in \(path)") }
            anchors += found
        }
        let crls = try crlFiles.map { try CertificateRevocationList(file: $0) }
        try self.init(anchors: anchors, crls: crls, revocationPolicy: revocationPolicy)
    }

    /// Verifies `certificate` (with optional untrusted intermediates) at `time` for `purpose`.
    /// Returns the chain from the certificate up to and including its trust anchor.
    @discardableResult
    public func verify(_ certificate: Certificate, intermediates: [Certificate] = [], at time: Date,
                       for purpose: KeyPurpose = .any) throws -> [Certificate] {
        let chain = try buildChain(certificate, intermediates: intermediates, at: time)
        try checkRevocation(chain, at: time)
        try checkKeyUsage(certificate, purpose)
        return chain
    }

    /// Whether a trust anchor issued `certificate` (its chain builds at the start of its validity;
    /// revocation and key usage are not looked at). What a CRL distribution point is taken from.
    public func isAnchored(_ certificate: Certificate) -> Bool {
        (try? buildChain(certificate, intermediates: [], at: certificate.notBefore.addingTimeInterval(1))) != nil
    }

    private func buildChain(_ certificate: Certificate, intermediates: [Certificate], at time: Date) throws -> [Certificate] {
        guard let ctx = X509_STORE_CTX_new() else { throw OpenSSLErrors.failure(.openssl, "X509_STORE_CTX_new") }
        defer { X509_STORE_CTX_free(ctx) }
        guard let untrusted = ebid_sk_x509_new() else { throw OpenSSLErrors.failure(.openssl, "sk_X509_new") }
        defer { ebid_sk_x509_free(untrusted) }
        for intermediate in intermediates { _ = ebid_sk_x509_push(untrusted, intermediate.box.x509) }

        return try withExtendedLifetime(intermediates) {
            try OpenSSLErrors.check(X509_STORE_CTX_init(ctx, storeBox.store, certificate.box.x509, untrusted), "X509_STORE_CTX_init")
            X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), time_t(time.timeIntervalSince1970.rounded(.down)))
            guard X509_verify_cert(ctx) == 1 else {
                OpenSSLErrors.clear()
                throw Self.mapVerifyError(X509_STORE_CTX_get_error(ctx), depth: X509_STORE_CTX_get_error_depth(ctx), subject: certificate.subject)
            }
            guard let chain = X509_STORE_CTX_get1_chain(ctx) else { throw OpenSSLErrors.failure(.openssl, "reading the chain") }
            defer { ebid_sk_x509_free(chain) }
            // get1_chain took a reference on each certificate; each Certificate takes one over.
            return try (0..<ebid_sk_x509_num(chain)).map { try Certificate(taking: ebid_sk_x509_value(chain, $0)) }
        }
    }

    /// This trust store with `crl` in place of its issuer's older CRL. The CRL must be signed by one
    /// of the anchors (`crl.unknown-issuer`, `crl.signature-invalid`) and be newer than the one it
    /// replaces (`crl.not-newer`): an older CRL would bring revoked certificates back.
    public func updating(with crl: CertificateRevocationList) throws -> TrustStore {
        guard let issuer = anchors.first(where: { $0.subject == crl.issuer }) else {
            throw BidCoreError(.crlUnknownIssuer, "the CRL's issuer \(crl.issuer) is not a trust anchor")
        }
        try crl.verifySignature(issuer: issuer)
        let same = crls.filter { $0.issuer == crl.issuer }
        if let newest = same.map(\.thisUpdate).max(), newest >= crl.thisUpdate {
            throw BidCoreError(.crlNotNewer, "the CRL of \(crl.issuer) issued \(ISO8601DateFormatter().string(from: crl.thisUpdate)) is not newer than the one in use (\(ISO8601DateFormatter().string(from: newest)))")
        }
        return try TrustStore(anchors: anchors, crls: crls.filter { $0.issuer != crl.issuer } + [crl], revocationPolicy: revocationPolicy)
    }

    private func checkRevocation(_ chain: [Certificate], at time: Date) throws {
        for (index, subject) in chain.dropLast().enumerated() {
            let issuer = chain[index + 1]
            let relevant = crls.filter { $0.covers(issuerOf: subject) }
            if relevant.isEmpty {
                if revocationPolicy == .required {
                    throw BidCoreError(.crlMissing, "no CRL from \(issuer.subject) to check \(subject.subject)")
                }
                continue
            }
            var current = false
            for crl in relevant {
                try crl.verifySignature(issuer: issuer)
                if let next = crl.nextUpdate, next < time { continue }
                current = true
                if let revokedAt = crl.revocationDate(of: subject), revokedAt <= time {
                    throw BidCoreError(.certificateRevoked,
                                       "certificate \(subject.subject) (serial \(subject.serialNumber)) was revoked on \(ISO8601DateFormatter().string(from: revokedAt))")
                }
            }
            if !current {
                throw BidCoreError(.crlExpired, "the CRL from \(issuer.subject) was out of date at \(ISO8601DateFormatter().string(from: time))")
            }
        }
    }

    private func checkKeyUsage(_ certificate: Certificate, _ purpose: KeyPurpose) throws {
        guard let usage = certificate.keyUsage else { return }
        switch purpose {
        case .any:
            return
        case .signing:
            guard !usage.isDisjoint(with: [.digitalSignature, .nonRepudiation]) else {
                throw BidCoreError(.certificateKeyUsage, "certificate \(certificate.subject) may not be used for signatures")
            }
        case .encryption:
            guard !usage.isDisjoint(with: [.keyEncipherment, .dataEncipherment, .keyAgreement]) else {
                throw BidCoreError(.certificateKeyUsage, "certificate \(certificate.subject) may not be used for key encipherment")
            }
        }
    }

    private static func mapVerifyError(_ error: Int32, depth: Int32, subject: DistinguishedName) -> BidCoreError {
        let text = String(cString: X509_verify_cert_error_string(Int(error)))
        let whose = depth == 0 ? "certificate \(subject)" : "issuer certificate at depth \(depth) of \(subject)"
        let code: BidCoreError.Code
        switch error {
        case X509_V_ERR_CERT_HAS_EXPIRED: code = .certificateExpired
        case X509_V_ERR_CERT_NOT_YET_VALID: code = .certificateNotYetValid
        case X509_V_ERR_CERT_SIGNATURE_FAILURE, X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE: code = .certificateSignatureInvalid
        case X509_V_ERR_INVALID_CA, X509_V_ERR_PATH_LENGTH_EXCEEDED, X509_V_ERR_KEYUSAGE_NO_CERTSIGN: code = .certificateInvalidCA
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
             X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
             X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            code = .certificateUntrusted
        default: code = .certificateVerifyFailed
        }
        return BidCoreError(code, "\(whose): \(text)")
    }
}
