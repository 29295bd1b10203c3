import Foundation

/// A bid that was decrypted and passed every check.
public struct OpenedBid: Sendable {
    public let header: SealedBidHeader
    public let manifest: BidManifest
    /// The manifest exactly as signed.
    public let manifestBytes: [UInt8]
    public let innerSignature: [UInt8]
    public let signer: Certificate
    public let signerIdentity: SignerIdentity
    /// Which recipient entry opened it (nil when a content key was handed in directly).
    public let openedBy: RecipientRole?
    public let size: UInt64
    /// `H` of the whole file, as the verifier computes it at upload.
    public let packageDigest: [UInt8]

    public var packageDigestString: String { "\(header.suite.hash.label):\(Hex.encode(packageDigest))" }
}

/// Decrypts a sealed bid and checks everything: header signature, key commitment, every chunk's
/// authentication, the final signature, the inner manifest's signature and that it names the same
/// package, tender and signer, and every part's size and digest. Push-based like the verifier.
///
/// Work is spread over all cores: the chunks of a batch are decrypted in parallel while the
/// final-signature hash and the previous batch's parsing, digests and writes run beside them.
public final class SealedBidOpener {
    public enum KeySource: Sendable {
        /// A recipient's private key: the matching wrapped key in the header is unwrapped.
        case privateKey(PrivateKey)
        /// The content key itself (remote decryption: the bidder unwrapped it on its machine).
        case contentKey([UInt8])
        /// The content key, derived from the header once it is authenticated (the committee:
        /// `CommitteeOpening.contentKey` from the officials' partial decryptions).
        case derived(@Sendable (SealedBidHeader) throws -> [UInt8])
    }

    public struct Options: Sendable {
        /// Verify the signer's chain at `time` (the receipt time for stored bids).
        public var trust: TrustStore?
        public var time: Date
        /// Refuse a package sealed for another tender / section.
        public var expectedTenderId: String?
        public var expectedSection: String?

        public init(trust: TrustStore?, time: Date, expectedTenderId: String? = nil, expectedSection: String? = nil) {
            self.trust = trust
            self.time = time
            self.expectedTenderId = expectedTenderId
            self.expectedSection = expectedSection
        }
    }

    private var framer = SealedBidFramer(deliverBodies: true)
    private var state: State
    private var finished = false

    public init(key: KeySource, options: Options, sink: OpenedPartSink) {
        state = State(key: key, options: options, sink: sink)
    }

    deinit {
        framer.release()
        if !finished { state.sink.abort() }
    }

    /// The header, once read and authenticated.
    public var header: SealedBidHeader? { state.pipeline == nil ? nil : state.header }

    public func feed(_ input: UnsafeRawBufferPointer) throws {
        do { try framer.feed(input, to: &state) } catch { fail(); throw error }
    }

    public func feed(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try feed($0) } }

    public func finish() throws -> OpenedBid {
        do {
            try framer.finish()
            let opened = try state.finish(size: framer.bytesConsumed)
            finished = true
            return opened
        } catch {
            fail()
            throw error
        }
    }

    private func fail() {
        finished = true
        state.sink.abort()
    }

    /// Opens a whole file.
    public static func open(file path: String, key: KeySource, options: Options, sink: OpenedPartSink) throws -> OpenedBid {
        let opener = SealedBidOpener(key: key, options: options, sink: sink)
        try FileInput(path: path).forEachChunk { try opener.feed($0) }
        return try opener.finish()
    }

    /// Unwraps the content key for `key` from a header (for remote decryption on the bidder's
    /// machine: only the content key is sent back, never the private key).
    public static func unwrapContentKey(header: SealedBidHeader, with key: PrivateKey) throws -> [UInt8] {
        guard let recipient = header.recipient(for: key.publicKey) else {
            throw BidCoreError(.sealedNoRecipient, "this key is not a recipient of package \(header.packageId)")
        }
        guard let wrapped = Data(base64Encoded: recipient.wrappedKey) else {
            throw BidCoreError(.sealedHeaderMalformed, "wrapped key is not base64")
        }
        return try KeyWrap.unwrap([UInt8](wrapped), algorithm: recipient.algorithm, with: key,
                                  context: PayloadKeys.wrapContext(packageId: header.packageIdBytes))
    }

    /// Checks a content key against a header's key commitment without decrypting anything.
    public static func contentKeyMatches(_ contentKey: [UInt8], header: SealedBidHeader) -> Bool {
        guard let keys = try? PayloadKeys(contentKey: contentKey, packageId: header.packageIdBytes, suite: header.suite),
              let commitment = Hex.decode(header.keyCommitment) else { return false }
        return constantTimeEqual(keys.commitment, commitment)
    }

    private struct State: ReadsSealedBidHeader {
        let key: KeySource
        let options: Options
        let sink: OpenedPartSink
        var read: ReadHeader?
        var pipeline: OpeningPipeline?
        var openedBy: RecipientRole?
        var finalSignatureValid = false
        /// After the last chunk record: the trailer still goes into the package digest.
        var signedRegionEnded = false

        var header: SealedBidHeader? { read?.header }

        init(key: KeySource, options: Options, sink: OpenedPartSink) {
            self.key = key
            self.options = options
            self.sink = sink
        }

        mutating func framerDidReadHeaderSignature(_ signature: [UInt8]) throws {
            guard let read else { return }
            try read.authenticate(signature)
            let header = read.header, signer = read.signer
            if let trust = options.trust {
                try trust.verify(signer, intermediates: try header.signerChain(), at: options.time, for: .signing)
            }
            if let expected = options.expectedTenderId, expected != header.tenderId {
                throw BidCoreError(.sealedWrongTender, "the package was sealed for tender \(header.tenderId), not \(expected)")
            }
            if let expected = options.expectedSection, expected != header.section {
                throw BidCoreError(.sealedWrongTender, "the package was sealed for section \(header.section), not \(expected)")
            }
            var contentKey: [UInt8]
            switch key {
            case .contentKey(let given):
                contentKey = given
            case .derived(let derive):
                contentKey = try derive(header)
            case .privateKey(let privateKey):
                contentKey = try SealedBidOpener.unwrapContentKey(header: header, with: privateKey)
                openedBy = header.recipient(for: privateKey.publicKey)?.role
            }
            defer { wipe(&contentKey) }
            guard SealedBidOpener.contentKeyMatches(contentKey, header: header) else {
                throw BidCoreError(.sealedContentKeyMismatch, "the content key does not match the package's key commitment")
            }
            let keys = try PayloadKeys(contentKey: contentKey, packageId: header.packageIdBytes, suite: header.suite)
            pipeline = try OpeningPipeline(keys: keys, headerDigest: StreamingDigest.hash(headerSignedBytes(read.bytes), using: header.suite.hash),
                                           chunkSize: header.chunkSize, hash: header.suite.hash, fileDigest: read.digest, sink: sink)
        }

        mutating func framerDidReadChunk(index: UInt32, final: Bool, record: UnsafeRawBufferPointer) throws {
            try pipeline?.add(index: index, final: final, record: record)
        }

        mutating func framerBytes(_ bytes: UnsafeRawBufferPointer) {
            // Header bytes were added by ReadHeader; chunk records are hashed by the pipeline
            // (beside the decryption); here only the header-signature field and the trailer remain.
            guard pipeline == nil || signedRegionEnded else { return }
            read?.digest.update(bytes)
        }

        mutating func framerDidEndSignedRegion() throws {
            try pipeline?.finishChunks()
            read?.endSignedRegion()
            signedRegionEnded = true
        }


        func finish(size: UInt64) throws -> OpenedBid {
            guard let header, let signer = read?.signer, let pipeline, finalSignatureValid else {
                throw BidCoreError(.sealedTruncated, "the package is incomplete")
            }
            let inner = try pipeline.inner.finish()
            let manifest: BidManifest
            do {
                manifest = try JSONDecoder.ebid.decodeStrict(BidManifest.self, from: Data(inner.manifest))
            } catch {
                throw BidCoreError(.sealedManifestMalformed, "the inner manifest is not valid: \(describeDecodingError(error))")
            }
            // The inner signature first: nothing in the manifest counts before it verifies.
            guard let innerDER = Data(base64Encoded: manifest.signerCertificate),
                  let innerSigner = try? Certificate(der: [UInt8](innerDER)) else {
                throw BidCoreError(.sealedManifestMalformed, "the manifest's signer certificate does not parse")
            }
            guard innerSigner == signer else {
                throw BidCoreError(.sealedSignerMismatch,
                                   "the inner manifest was signed by \(innerSigner.subject), the package by \(signer.subject)")
            }
            guard header.suite.signatureSchemes.contains(manifest.signatureScheme),
                  try innerSigner.publicKey.type == manifest.signatureScheme.keyType,
                  try innerSigner.publicKey.isValidSignature(inner.signature, for: inner.manifest, scheme: manifest.signatureScheme) else {
                throw BidCoreError(.sealedInnerSignatureInvalid, "the inner manifest's signature does not verify")
            }
            try manifest.validate()
            try manifest.requireBidder(is: signer)
            for (field, inner, outer) in [("package id", manifest.packageId, header.packageId), ("tender", manifest.tenderId, header.tenderId),
                                          ("section", manifest.section, header.section), ("suite", manifest.suite.rawValue, header.suite.rawValue)]
            where inner != outer {
                throw BidCoreError(.sealedManifestMismatch, "the inner manifest names \(field) \(inner), the header \(outer)")
            }
            guard manifest.parts.count == inner.partSizes.count else {
                throw BidCoreError(.sealedManifestMismatch, "the manifest lists \(manifest.parts.count) parts, the package holds \(inner.partSizes.count)")
            }
            for (index, part) in manifest.parts.enumerated() {
                guard part.size == inner.partSizes[index] else {
                    throw BidCoreError(.sealedPartDigestMismatch, "part \(part.name) is \(inner.partSizes[index]) bytes, the manifest says \(part.size)")
                }
                guard part.digest == Hex.encode(inner.partDigests[index]) else {
                    throw BidCoreError(.sealedPartDigestMismatch, "part \(part.name) does not match its digest in the manifest")
                }
            }
            try sink.commit(manifest: manifest, manifestBytes: inner.manifest, innerSignature: inner.signature)
            return OpenedBid(header: header, manifest: manifest, manifestBytes: inner.manifest, innerSignature: inner.signature,
                             signer: signer, signerIdentity: SignerIdentity(signer), openedBy: openedBy, size: size,
                             packageDigest: read!.digest.finalize())
        }
    }
}

/// Collects chunk records into batches and opens each batch in parallel (see SealedBidOpener).
final class OpeningPipeline {
    private let chunkSize: Int
    private let tagSize: Int
    private let recordStride: Int
    private let ciphers: [ChunkCipher]
    private let records: ByteBuffer
    private var recordLayout: [(index: UInt32, final: Bool, offset: Int, length: Int)] = []
    private var plaintexts: [ByteBuffer]
    private var current = 0
    private var pendingPlaintext: Int?
    private let fileDigest: StreamingDigest
    let inner: InnerPayloadParser

    init(keys: PayloadKeys, headerDigest: [UInt8], chunkSize: Int, hash: HashAlgorithm, fileDigest: StreamingDigest, sink: OpenedPartSink) throws {
        self.chunkSize = chunkSize
        tagSize = SealedBidFormat.tagSize(keys.suite)
        recordStride = 4 + chunkSize + tagSize
        ciphers = try (0..<SealingPipeline.batchChunks).map { _ in try ChunkCipher(keys: keys, headerDigest: headerDigest) }
        records = ByteBuffer(capacity: SealingPipeline.batchChunks * recordStride)
        plaintexts = [ByteBuffer(capacity: SealingPipeline.batchChunks * chunkSize), ByteBuffer(capacity: SealingPipeline.batchChunks * chunkSize)]
        self.fileDigest = fileDigest
        inner = InnerPayloadParser(hash: hash, sink: sink)
    }

    func add(index: UInt32, final: Bool, record: UnsafeRawBufferPointer) throws {
        let offset = records.count
        // Keep the length word too: the final signature covers it.
        records.append([UInt8].uint32(UInt32(record.count) | (final ? SealedBidFormat.finalFlag : 0)))
        records.append(record)
        recordLayout.append((index, final, offset + 4, record.count))
        if recordLayout.count == SealingPipeline.batchChunks || final { try openBatch() }
    }

    /// After the final chunk: parse what is still pending.
    func finishChunks() throws {
        if !recordLayout.isEmpty { try openBatch() }
        if let pending = pendingPlaintext { try inner.feed(plaintexts[pending].bytes) }
        pendingPlaintext = nil
    }

    private func openBatch() throws {
        let output = plaintexts[current]
        var tasks: [() throws -> Void] = []
        var plaintextOffset = 0
        for (slot, layout) in recordLayout.enumerated() {
            let cipher = ciphers[slot]
            let start = plaintextOffset
            let length = layout.length - tagSize
            tasks.append {
                try cipher.open(index: layout.index, final: layout.final,
                                record: self.records.slice(layout.offset..<(layout.offset + layout.length)),
                                into: output.mutableSlice(start..<(start + length)))
            }
            plaintextOffset += length
        }
        tasks.append { self.fileDigest.update(self.records.bytes) }
        if let pending = pendingPlaintext {
            let previous = plaintexts[pending]
            tasks.append { try self.inner.feed(previous.bytes) }
        }
        try Parallel.run(tasks)
        output.count = plaintextOffset
        pendingPlaintext = current
        current ^= 1
        records.count = 0
        recordLayout.removeAll(keepingCapacity: true)
    }
}

/// Push parser of the decrypted plaintext:
/// magic ‖ u32 n ‖ (u64 size ‖ bytes)×n ‖ u32 M ‖ manifest ‖ u32 G ‖ inner signature.
/// Part bytes stream to the sink and their digests; nothing else is buffered but the manifest.
final class InnerPayloadParser {
    struct Result {
        let manifest: [UInt8]
        let signature: [UInt8]
        let partSizes: [UInt64]
        let partDigests: [[UInt8]]
    }

    private enum Stage { case magic, partCount, partSize, partBody, manifestLength, manifest, signatureLength, signature, done }
    private var stage = Stage.magic
    private var need: UInt64 = UInt64(SealedBidFormat.plaintextMagic.count)
    private var field: [UInt8] = []
    private var partCount = 0
    private var partSizes: [UInt64] = []
    private var partDigests: [[UInt8]] = []
    private var digest: StreamingDigest?
    private var manifest: [UInt8] = []
    private let hash: HashAlgorithm
    private let sink: OpenedPartSink

    init(hash: HashAlgorithm, sink: OpenedPartSink) {
        self.hash = hash
        self.sink = sink
    }

    private func malformed(_ reason: String) -> BidCoreError { BidCoreError(.sealedPlaintextMalformed, reason) }

    func feed(_ input: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < input.count {
            guard stage != .done else { throw malformed("\(input.count - offset) bytes follow the inner signature") }
            let take = Int(min(need, UInt64(input.count - offset)))
            let slice = UnsafeRawBufferPointer(rebasing: input[offset..<(offset + take)])
            if stage == .partBody {
                digest!.update(slice)
                try sink.writePart(slice)
            } else {
                field.append(contentsOf: slice)
            }
            offset += take
            need -= UInt64(take)
            if need == 0 { try complete() }
        }
    }

    func finish() throws -> Result {
        guard stage == .done else { throw malformed("the decrypted content ends early") }
        return Result(manifest: manifest, signature: field, partSizes: partSizes, partDigests: partDigests)
    }

    private func complete() throws {
        switch stage {
        case .magic:
            guard field == SealedBidFormat.plaintextMagic else { throw malformed("the decrypted content does not start with EBIDPT01") }
            advance(.partCount, 4)
        case .partCount:
            partCount = Int(BigEndian.uint32(field))
            guard (1...SealedBidFormat.maxParts).contains(partCount) else { throw malformed("\(partCount) parts (1…\(SealedBidFormat.maxParts) allowed)") }
            advance(.partSize, 8)
        case .partSize:
            let size = BigEndian.uint64(field)
            partSizes.append(size)
            digest = StreamingDigest(hash)
            try sink.beginPart(index: partSizes.count - 1, size: size)
            if size == 0 { try endPart() } else { advance(.partBody, size) }
        case .partBody:
            try endPart()
        case .manifestLength:
            let length = UInt64(BigEndian.uint32(field))
            guard (2...UInt64(SealedBidFormat.maxManifestLength)).contains(length) else { throw malformed("manifest length \(length) is out of range") }
            advance(.manifest, length)
        case .manifest:
            manifest = field
            advance(.signatureLength, 4)
        case .signatureLength:
            let length = UInt64(BigEndian.uint32(field))
            guard (1...UInt64(SealedBidFormat.maxSignatureLength)).contains(length) else { throw malformed("inner signature length \(length) is out of range") }
            advance(.signature, length)
        case .signature:
            stage = .done
            need = 0
            return  // keep `field`: it is the signature
        case .done:
            break
        }
    }

    private func endPart() throws {
        partDigests.append(digest!.finalize())
        digest = nil
        try sink.endPart()
        if partDigests.count == partCount { advance(.manifestLength, 4) } else { advance(.partSize, 8) }
    }

    private func advance(_ stage: Stage, _ need: UInt64) {
        self.stage = stage
        self.need = need
        field.removeAll(keepingCapacity: true)
    }
}
