import BidCore
import Foundation

/// The platform's signing identity: receipts, checkpoints and records are signed with it.
public struct PlatformSigner: Sendable {
    public let certificate: Certificate
    public let key: PrivateKey

    public init(certificate: Certificate, key: PrivateKey) throws {
        guard try certificate.publicKey == key.publicKey else {
            throw ServiceError(status: 500, code: "platform.key-mismatch", title: "Configuration error",
                               detail: "the platform key does not belong to \(certificate.subject)")
        }
        self.certificate = certificate
        self.key = key
    }

    public var scheme: SignatureScheme { .preferred(for: key.type) }

    public func sign(_ bytes: [UInt8]) throws -> [UInt8] { try key.sign(bytes, scheme: scheme) }

    /// Encodes `value` as canonical JSON and signs exactly those bytes.
    public func signDocument<T: Encodable>(_ value: T) throws -> SignedDocument {
        let bytes = [UInt8](try JSONEncoder.ebid.encode(value))
        return SignedDocument(document: bytes, signature: try sign(bytes), scheme: scheme, certificateFingerprint: certificate.fingerprint)
    }
}

/// A document signed by the platform (电子签名法 arts. 13–14): the exact JSON bytes and a
/// detached signature over them. Verifiable offline with the platform certificate — with ebid
/// (`ebid receipt verify`) or with the openssl command line alone (docs/http-api.md).
public struct SignedDocument: Sendable, Equatable {
    public var document: [UInt8]
    public var signature: [UInt8]
    public var scheme: SignatureScheme
    public var certificateFingerprint: String

    public init(document: [UInt8], signature: [UInt8], scheme: SignatureScheme, certificateFingerprint: String) {
        self.document = document
        self.signature = signature
        self.scheme = scheme
        self.certificateFingerprint = certificateFingerprint
    }

    public func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder.ebid.decodeStrict(T.self, from: Data(document)) }

    /// Checks the signature with `certificate` (which must be the one named).
    public func verify(with certificate: Certificate) throws -> Bool {
        guard certificate.fingerprint == certificateFingerprint else { return false }
        return try certificate.publicKey.isValidSignature(signature, for: document, scheme: scheme)
    }

    /// The JSON form used in HTTP responses.
    public var wire: Wire {
        Wire(document: Data(document).base64EncodedString(), signature: Data(signature).base64EncodedString(),
             scheme: scheme, certificateFingerprint: certificateFingerprint)
    }

    public struct Wire: Codable, Sendable {
        /// The signed JSON bytes, base64.
        public var document: String
        /// DER signature over those bytes, base64.
        public var signature: String
        public var scheme: SignatureScheme
        /// SHA-256 of the platform certificate.
        public var certificateFingerprint: String

        public var signed: SignedDocument? {
            guard let document = Data(base64Encoded: document), let signature = Data(base64Encoded: signature) else { return nil }
            return SignedDocument(document: [UInt8](document), signature: [UInt8](signature), scheme: scheme, certificateFingerprint: certificateFingerprint)
        }
    }
}
