import Foundation

/// The one error type of BidCore: a stable, machine-readable `code` and a human `reason`.
///
/// Codes are strings so that new ones can be added without breaking callers (the HTTP layer maps
/// them to problem+json `code` values; the CLI prints them). Tests match on `code`.
public struct BidCoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}

extension BidCoreError.Code {
    // Primitives and keys
    public static let openssl: Self = "crypto.openssl"
    public static let invalidInput: Self = "crypto.invalid-input"
    public static let unsupportedKey: Self = "key.unsupported"
    public static let invalidKey: Self = "key.invalid"
    public static let schemeMismatch: Self = "signature.scheme-mismatch"
    public static let signatureInvalid: Self = "signature.invalid"
    public static let keyUnwrapFailed: Self = "keywrap.unwrap-failed"
    public static let authenticationFailed: Self = "cipher.authentication-failed"

    // Certificates, chains, CRLs
    public static let certificateMalformed: Self = "cert.malformed"
    public static let certificateUntrusted: Self = "cert.untrusted"
    public static let certificateExpired: Self = "cert.expired"
    public static let certificateNotYetValid: Self = "cert.not-yet-valid"
    public static let certificateRevoked: Self = "cert.revoked"
    public static let certificateSignatureInvalid: Self = "cert.signature-invalid"
    public static let certificateInvalidCA: Self = "cert.invalid-ca"
    public static let certificateKeyUsage: Self = "cert.key-usage"
    public static let certificateVerifyFailed: Self = "cert.verify-failed"
    public static let crlMalformed: Self = "crl.malformed"
    public static let crlSignatureInvalid: Self = "crl.signature-invalid"
    public static let crlExpired: Self = "crl.expired"
    public static let crlMissing: Self = "crl.missing"
    public static let crlUnknownIssuer: Self = "crl.unknown-issuer"
    public static let crlNotNewer: Self = "crl.not-newer"

    // Identity
    public static let invalidCreditCode: Self = "identity.invalid-credit-code"
}

/// Reads OpenSSL's thread-local error queue. Call it right after the failing call, before anything
/// else can run on this thread (style rule 9), so the message belongs to that failure.
enum OpenSSLErrors {
    static func drain() -> String {
        var messages: [String] = []
        while true {
            let code = ERRQueue.next()
            if code == 0 { break }
            messages.append(ERRQueue.describe(code))
        }
        return messages.isEmpty ? "no detail from OpenSSL" : messages.joined(separator: "; ")
    }

    static func failure(_ code: BidCoreError.Code = .openssl, _ what: String) -> BidCoreError {
        BidCoreError(code, "\(what) failed (\(drain()))")
    }

    /// Throws when an OpenSSL call did not return 1; drains the queue into the error.
    static func check(_ rc: Int32, _ what: @autoclosure () -> String, code: BidCoreError.Code = .openssl) throws {
        guard rc == 1 else { throw failure(code, what()) }
    }

    /// Clears the queue after an expected failure whose detail is not needed.
    static func clear() { _ = drain() }
}
