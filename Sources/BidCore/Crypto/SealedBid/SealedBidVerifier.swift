import Foundation

/// Who signed a package, as read from the signer certificate.
public struct SignerIdentity: Sendable, Equatable, Codable {
    /// Organisation name (subject O, else CN).
    public var name: String
    /// 统一社会信用代码 from subject serialNumber, when it is a valid one.
    public var creditCode: String?
    /// SHA-256 of the certificate (DER), hex.
    public var certificateFingerprint: String
    public var subject: String

    public init(_ certificate: Certificate) {
        let subject = certificate.subject
        name = subject.organization ?? subject.commonName ?? subject.description
        creditCode = subject.serialNumber.flatMap { try? UnifiedSocialCreditCode($0).value }
        certificateFingerprint = certificate.fingerprint
        self.subject = subject.description
    }
}

/// A package whose outer signatures and signer chain checked out.
public struct VerifiedSealedBid: Sendable {
    public let header: SealedBidHeader
    public let signer: Certificate
    public let signerIdentity: SignerIdentity
    /// Signer certificate up to its trust anchor.
    public let chain: [Certificate]
    public let size: UInt64
    /// Suite hash of the whole file.
    public let packageDigest: [UInt8]
    public let chunkCount: UInt32

    /// `sm3:…` or `sha256:…`.
    public var packageDigestString: String { "\(header.suite.hash.label):\(Hex.encode(packageDigest))" }
}

/// Checks a sealed bid without decrypting it: the header, the header signature, the signer's
/// chain at `time`, the chunk framing and the final signature; computes the package digest.
/// Push-based: `feed` any fragments in order (an HTTP body, a file), then `finish`.
/// Memory: the header plus small buffers, whatever the package size.
public final class SealedBidVerifier {
    /// Called once the header is authentic and its signer trusted, before any chunk is read, so a
    /// service can refuse a package for the wrong tender or signer without reading the rest.
    public typealias HeaderCheck = (SealedBidHeader, Certificate) throws -> Void

    private var framer = SealedBidFramer(deliverBodies: false)
    private var state: State

    public init(trust: TrustStore, at time: Date, headerCheck: HeaderCheck? = nil) {
        state = State(trust: trust, time: time, headerCheck: headerCheck)
    }

    deinit { framer.release() }

    /// The header once it has been read and authenticated.
    public var header: SealedBidHeader? { state.headerAuthenticated ? state.read?.header : nil }
    public var bytesConsumed: UInt64 { framer.bytesConsumed }

    public func feed(_ input: UnsafeRawBufferPointer) throws {
        try framer.feed(input, to: &state)
    }

    public func feed(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try feed($0) } }

    /// Ends the input and returns the verified package.
    public func finish() throws -> VerifiedSealedBid {
        try framer.finish()
        guard let read = state.read, state.finalSignatureValid else {
            throw BidCoreError(.sealedTruncated, "the package is incomplete")
        }
        return VerifiedSealedBid(header: read.header, signer: read.signer, signerIdentity: SignerIdentity(read.signer), chain: state.chain,
                                 size: framer.bytesConsumed, packageDigest: read.digest.finalize(), chunkCount: framer.chunkCount)
    }

    /// Verifies a whole file.
    public static func verify(file path: String, trust: TrustStore, at time: Date, headerCheck: HeaderCheck? = nil) throws -> VerifiedSealedBid {
        let verifier = SealedBidVerifier(trust: trust, at: time, headerCheck: headerCheck)
        try FileInput(path: path).forEachChunk { try verifier.feed($0) }
        return try verifier.finish()
    }

    private struct State: ReadsSealedBidHeader {
        let trust: TrustStore
        let time: Date
        let headerCheck: HeaderCheck?
        var read: ReadHeader?
        var headerAuthenticated = false
        var chain: [Certificate] = []
        var finalSignatureValid = false

        init(trust: TrustStore, time: Date, headerCheck: HeaderCheck?) {
            self.trust = trust
            self.time = time
            self.headerCheck = headerCheck
        }

        mutating func framerDidReadHeaderSignature(_ signature: [UInt8]) throws {
            guard let read else { return }
            try read.authenticate(signature)
            // Authentic header: now judge the signer and let the caller judge the header.
            chain = try trust.verify(read.signer, intermediates: try read.header.signerChain(), at: time, for: .signing)
            headerAuthenticated = true
            try headerCheck?(read.header, read.signer)
        }

        mutating func framerDidReadChunk(index: UInt32, final: Bool, record: UnsafeRawBufferPointer) throws {}

        mutating func framerBytes(_ bytes: UnsafeRawBufferPointer) {
            // Bytes up to the end of the header were added by ReadHeader.
            read?.digest.update(bytes)
        }

        mutating func framerDidEndSignedRegion() throws { read?.endSignedRegion() }

    }
}
