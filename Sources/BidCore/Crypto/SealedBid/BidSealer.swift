import Foundation

/// Seals a bid (投标文件加密): sign, encrypt, sign again (DESIGN.md, "The sealed bid").
///
/// One pass over the parts: they are streamed through the part digests and the chunk cipher; the
/// inner manifest (with the digests) is signed and appended at the end of the plaintext, then
/// the final signature closes the file. Memory is a few batches of chunks, whatever the size.
public enum BidSealer {
    public struct PartInput: Sendable {
        public var kind: BidPartKind
        /// File name recorded in the manifest (defaults to the file's own name).
        public var name: String
        public var path: String

        public init(kind: BidPartKind, path: String, name: String? = nil) {
            self.kind = kind
            self.path = path
            self.name = name ?? URL(fileURLWithPath: path).lastPathComponent
        }
    }

    public struct Request: Sendable {
        public var tenderId: String
        public var section: String
        public var suite: Suite
        public var signerCertificate: Certificate
        public var signerKey: PrivateKey
        public var signerChain: [Certificate] = []
        /// The bidder's encryption certificate (双证书) for remote decryption; nil: the signing one.
        public var bidderEncryptionCertificate: Certificate?
        /// The tender's opening public key and, where present, more recipients.
        public var openingKey: PublicKey
        public var summary: BidSummary
        public var parts: [PartInput]
        public var machineFingerprint: String
        public var createdAt = Date()
        public var chunkSize = SealedBidFormat.defaultChunkSize

        public init(tenderId: String, section: String, suite: Suite, signerCertificate: Certificate, signerKey: PrivateKey,
                    openingKey: PublicKey, summary: BidSummary, parts: [PartInput], machineFingerprint: String) {
            self.tenderId = tenderId
            self.section = section
            self.suite = suite
            self.signerCertificate = signerCertificate
            self.signerKey = signerKey
            self.openingKey = openingKey
            self.summary = summary
            self.parts = parts
            self.machineFingerprint = machineFingerprint
        }
    }

    public struct Result: Sendable {
        public let header: SealedBidHeader
        public let manifest: BidManifest
        public let size: UInt64
        public let chunkCount: UInt32
    }

    /// Seals `request` into `sink`.
    public static func seal(_ request: Request, to sink: ByteSink) throws -> Result {
        try seal(request, to: sink, contentKey: SecureRandom.bytes(SealedBidFormat.contentKeyLength),
                 packageId: SecureRandom.bytes(SealedBidFormat.packageIdLength))
    }

    /// Seals into a file: written to `path.partial`, fsynced, then renamed.
    public static func seal(_ request: Request, toFile path: String) throws -> Result {
        let temporary = path + ".partial"
        let output = try FileOutput(path: temporary, mode: 0o644)
        do {
            let result = try seal(request, to: output)
            try output.close(sync: true)
            guard rename(temporary, path) == 0 else { throw BidCoreError(.ioFailed, "cannot rename \(temporary) to \(path)") }
            return result
        } catch {
            try? output.close()
            unlink(temporary)
            throw error
        }
    }

    /// Test hooks: build packages that are well-formed outside but wrong inside, to prove the
    /// opener refuses them. Never used outside tests.
    struct Overrides {
        var innerSigner: (Certificate, PrivateKey)?
        var mutateManifest: ((inout BidManifest) -> Void)?
        var corruptInnerSignature = false
        var bidderRecipientKey: PublicKey?
        /// Rewrites the header's or the manifest's JSON bytes before they are signed (tests: a
        /// signer who signs a document with a repeated key).
        var rewriteHeaderJSON: (([UInt8]) -> [UInt8])?
        var rewriteManifestJSON: (([UInt8]) -> [UInt8])?
    }

    /// Deterministic core (content key and package id given): used by the test vectors.
    static func seal(_ request: Request, to sink: ByteSink, contentKey: [UInt8], packageId: [UInt8],
                     overrides: Overrides = Overrides()) throws -> Result {
        let suite = request.suite
        let scheme = SignatureScheme.preferred(for: request.signerKey.type)
        try checkRequest(request, scheme: scheme)

        // Recipients: the bidder (remote decryption) and the tender's opening key.
        let keys = try PayloadKeys(contentKey: contentKey, packageId: packageId, suite: suite)
        let context = PayloadKeys.wrapContext(packageId: packageId)
        let bidderKey = try overrides.bidderRecipientKey ?? (request.bidderEncryptionCertificate ?? request.signerCertificate).publicKey
        var recipients: [SealedBidHeader.Recipient] = []
        for (role, key) in [(RecipientRole.bidder, bidderKey), (.opening, request.openingKey)] {
            let (algorithm, wrapped) = try KeyWrap.wrap(contentKey, to: key, context: context)
            recipients.append(.init(role: role, keyId: key.keyID(suite.hash), algorithm: algorithm, wrappedKey: Data(wrapped).base64EncodedString()))
        }
        let createdAt = Date(timeIntervalSince1970: request.createdAt.timeIntervalSince1970.rounded(.down))
        let header = SealedBidHeader(
            suite: suite, packageId: Hex.encode(packageId), tenderId: request.tenderId, section: request.section,
            createdAt: createdAt, chunkSize: request.chunkSize,
            signer: .init(certificate: Data(request.signerCertificate.der).base64EncodedString(),
                          chain: request.signerChain.map { Data($0.der).base64EncodedString() }, scheme: scheme),
            recipients: recipients, keyCommitment: Hex.encode(keys.commitment))
        try header.validate()
        var headerBytes = [UInt8](try JSONEncoder.ebid.encode(header))
        if let rewrite = overrides.rewriteHeaderJSON { headerBytes = rewrite(headerBytes) }
        let signedHeader = headerSignedBytes(headerBytes)
        let headerSignature = try request.signerKey.sign(signedHeader, scheme: scheme)

        // One digest over every byte before the final signature: D, which the final signature signs.
        let fileDigest = StreamingDigest(suite.hash)
        let preamble = signedHeader + [UInt8].uint32(UInt32(headerSignature.count)) + headerSignature
        fileDigest.update(preamble)
        try sink.write(preamble)

        // Plaintext: magic ‖ u32 n ‖ (u64 size ‖ bytes)… ‖ u32 M ‖ manifest ‖ u32 G ‖ inner signature.
        let pipeline = try SealingPipeline(keys: keys, headerDigest: StreamingDigest.hash(signedHeader, using: suite.hash),
                                           chunkSize: request.chunkSize, partCount: request.parts.count,
                                           hash: suite.hash, fileDigest: fileDigest, sink: sink)
        try pipeline.append(SealedBidFormat.plaintextMagic + [UInt8].uint32(UInt32(request.parts.count)), part: nil)
        var manifestParts: [BidManifest.Part] = []
        for (index, part) in request.parts.enumerated() {
            let input = try FileInput(path: part.path)
            let size = try input.size
            try pipeline.append({ var b: [UInt8] = []; b.appendUInt64(size); return b }(), part: nil)
            var read: UInt64 = 0
            try input.forEachChunk(bufferSize: 1 << 20) { bytes in
                read += UInt64(bytes.count)
                guard read <= size else { throw BidCoreError(.sealedPartChanged, "\(part.path) grew while it was being sealed") }
                try pipeline.append(bytes, part: index)
            }
            guard read == size else { throw BidCoreError(.sealedPartChanged, "\(part.path) shrank while it was being sealed") }
            manifestParts.append(.init(kind: part.kind, name: part.name, size: size, digest: ""))
        }
        let digests = try pipeline.finishPartDigests()
        for index in manifestParts.indices { manifestParts[index].digest = Hex.encode(digests[index]) }

        let (innerCertificate, innerKey) = overrides.innerSigner ?? (request.signerCertificate, request.signerKey)
        let identity = SignerIdentity(innerCertificate)
        var manifest = BidManifest(
            packageId: header.packageId, tenderId: request.tenderId, section: request.section, suite: suite,
            bidder: .init(name: identity.name, creditCode: identity.creditCode, certificateFingerprint: identity.certificateFingerprint),
            signerCertificate: Data(innerCertificate.der).base64EncodedString(), signatureScheme: scheme, summary: request.summary,
            parts: manifestParts, machineFingerprint: request.machineFingerprint, createdAt: createdAt)
        overrides.mutateManifest?(&manifest)
        if overrides.mutateManifest == nil {
            try manifest.validate()
            try manifest.requireBidder(is: innerCertificate)
        }
        var manifestBytes = [UInt8](try JSONEncoder.ebid.encode(manifest))
        if let rewrite = overrides.rewriteManifestJSON { manifestBytes = rewrite(manifestBytes) }
        var innerSignature = try innerKey.sign(manifestBytes, scheme: scheme)
        if overrides.corruptInnerSignature { innerSignature[innerSignature.count / 2] ^= 0x01 }
        try pipeline.append([UInt8].uint32(UInt32(manifestBytes.count)) + manifestBytes
                            + [UInt8].uint32(UInt32(innerSignature.count)) + innerSignature, part: nil)
        let chunkCount = try pipeline.finish()

        let finalSignature = try request.signerKey.sign(fileDigest.finalize(), scheme: scheme)
        try sink.write([UInt8].uint32(UInt32(finalSignature.count)) + finalSignature)
        return Result(header: header, manifest: manifest,
                      size: UInt64(preamble.count) + pipeline.recordBytesWritten + 4 + UInt64(finalSignature.count),
                      chunkCount: chunkCount)
    }

    private static func checkRequest(_ request: Request, scheme: SignatureScheme) throws {
        let suite = request.suite
        guard try request.signerCertificate.publicKey == request.signerKey.publicKey else {
            throw BidCoreError(.invalidKey, "the signing key does not belong to \(request.signerCertificate.subject)")
        }
        guard suite.signatureSchemes.contains(scheme) else {
            throw BidCoreError(.schemeMismatch, "a \(request.signerKey.type.rawValue) signing key cannot seal a \(suite.rawValue) bid")
        }
        if let usage = request.signerCertificate.keyUsage, usage.isDisjoint(with: [.digitalSignature, .nonRepudiation]) {
            throw BidCoreError(.certificateKeyUsage, "the signing certificate may not be used for signatures")
        }
        let bidderCertificate = request.bidderEncryptionCertificate ?? request.signerCertificate
        let bidderKey = try bidderCertificate.publicKey
        if let usage = bidderCertificate.keyUsage, usage.isDisjoint(with: [.keyEncipherment, .dataEncipherment, .keyAgreement]) {
            throw BidCoreError(.certificateKeyUsage, "\(bidderCertificate.subject) may not be used for encryption: give --enc-cert")
        }
        for (what, key) in [("the bidder's encryption key", bidderKey), ("the opening key", request.openingKey)] {
            guard key.type.suite == suite, !(suite == .gm && key.type != .sm2) else {
                throw BidCoreError(.schemeMismatch, "\(what) is \(key.type.rawValue), which the \(suite.rawValue) suite cannot use")
            }
        }
        guard request.openingKey.type != .rsa else { throw BidCoreError(.schemeMismatch, "an opening key is SM2 or P-256") }
        try SealedBidHeader.validateIdentifier(request.tenderId, what: "tender id", maxLength: 128)
        try SealedBidHeader.validateIdentifier(request.section, what: "section", maxLength: 64)
        guard (SealedBidFormat.minChunkSize...SealedBidFormat.maxChunkSize).contains(request.chunkSize) else {
            throw BidCoreError(.invalidInput, "chunk size must be \(SealedBidFormat.minChunkSize)…\(SealedBidFormat.maxChunkSize)")
        }
        guard !request.parts.isEmpty, request.parts.count <= SealedBidFormat.maxParts else {
            throw BidCoreError(.invalidInput, "a bid needs 1…\(SealedBidFormat.maxParts) parts")
        }
        for part in request.parts where !BidManifest.isSafeFileName(part.name) {
            throw BidCoreError(.invalidInput, "part name \(part.name.debugDescription) is not a plain file name")
        }
        guard Set(request.parts.map(\.name)).count == request.parts.count else {
            throw BidCoreError(.invalidInput, "two parts have the same file name")
        }
        try request.summary.validate()
    }
}

/// Chunks, encrypts, hashes and writes the plaintext in batches, using all cores: the chunks of a
/// batch are encrypted in parallel while the previous batch is hashed into the file digest (D,
/// which the final signature signs) and written, and this batch's part bytes are hashed into their digests.
final class SealingPipeline {
    /// Chunks per batch: enough to keep every core busy, few enough to keep memory small
    /// (a batch costs about 3 × batchChunks × chunkSize bytes).
    static let batchChunks = max(4, min(8, ProcessInfo.processInfo.activeProcessorCount))
    private let chunkSize: Int
    private let tagSize: Int
    private let recordStride: Int
    private let ciphers: [ChunkCipher]
    private let plaintext: ByteBuffer
    private var records: [ByteBuffer]
    private var current = 0
    private var pendingRecords: Int?
    /// Part-byte ranges of the current plaintext batch not yet hashed: (part, range).
    private var segments: [(part: Int, range: Range<Int>)] = []
    private let partDigests: [StreamingDigest]
    private let fileDigest: StreamingDigest
    private let sink: ByteSink
    private var nextChunk: UInt32 = 0
    private(set) var recordBytesWritten: UInt64 = 0

    init(keys: PayloadKeys, headerDigest: [UInt8], chunkSize: Int, partCount: Int, hash: HashAlgorithm,
         fileDigest: StreamingDigest, sink: ByteSink) throws {
        self.chunkSize = chunkSize
        tagSize = SealedBidFormat.tagSize(keys.suite)
        recordStride = 4 + chunkSize + tagSize
        ciphers = try (0..<Self.batchChunks).map { _ in try ChunkCipher(keys: keys, headerDigest: headerDigest) }
        plaintext = ByteBuffer(capacity: Self.batchChunks * chunkSize)
        records = [ByteBuffer(capacity: Self.batchChunks * recordStride), ByteBuffer(capacity: Self.batchChunks * recordStride)]
        partDigests = (0..<partCount).map { _ in StreamingDigest(hash) }
        self.fileDigest = fileDigest
        self.sink = sink
    }

    /// Adds plaintext; `part` names the part the bytes belong to (for its digest).
    func append(_ bytes: UnsafeRawBufferPointer, part: Int?) throws {
        var offset = 0
        while offset < bytes.count {
            // A full batch is only flushed once more bytes arrive: the last chunk must be final.
            if plaintext.count == plaintext.capacity { try flush(isLast: false) }
            let take = min(bytes.count - offset, plaintext.capacity - plaintext.count)
            let start = plaintext.count
            plaintext.append(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
            if let part { segments.append((part, start..<(start + take))) }
            offset += take
        }
    }

    func append(_ bytes: [UInt8], part: Int?) throws { try bytes.withUnsafeBytes { try append($0, part: part) } }

    /// Hashes what is still pending and returns the part digests.
    func finishPartDigests() throws -> [[UInt8]] {
        hashSegments()
        return partDigests.map { $0.finalize() }
    }

    /// Encrypts and writes everything left; returns the number of chunks.
    func finish() throws -> UInt32 {
        try flush(isLast: true)
        if let pending = pendingRecords { try emit(records[pending]) }
        pendingRecords = nil
        return nextChunk
    }

    private func hashSegments() {
        for segment in segments { partDigests[segment.part].update(plaintext.slice(segment.range)) }
        segments.removeAll(keepingCapacity: true)
    }

    private func emit(_ buffer: ByteBuffer) throws {
        try Parallel.run([
            { self.fileDigest.update(buffer.bytes) },
            { try self.sink.write(buffer.bytes) },
        ])
        recordBytesWritten += UInt64(buffer.count)
    }

    private func flush(isLast: Bool) throws {
        let filled = plaintext.count
        let count = isLast ? max(1, (filled + chunkSize - 1) / chunkSize) : Self.batchChunks
        let output = records[current]
        var tasks: [() throws -> Void] = []
        for slot in 0..<count {
            let start = slot * chunkSize
            let length = min(chunkSize, filled - start)
            let final = isLast && slot == count - 1
            let index = nextChunk + UInt32(slot)
            let recordStart = slot * recordStride
            let cipher = ciphers[slot]
            tasks.append {
                let word = UInt32(length + self.tagSize) | (final ? SealedBidFormat.finalFlag : 0)
                output.storeUInt32(word, at: recordStart)
                try cipher.seal(index: index, final: final, plaintext: self.plaintext.slice(start..<(start + length)),
                                into: output.mutableSlice((recordStart + 4)..<(recordStart + 4 + length + self.tagSize)))
            }
        }
        tasks.append { self.hashSegments() }
        if let pending = pendingRecords {
            let previous = records[pending]
            tasks.append { self.fileDigest.update(previous.bytes) }
            tasks.append { try self.sink.write(previous.bytes) }
        }
        try Parallel.run(tasks)
        if let pending = pendingRecords { recordBytesWritten += UInt64(records[pending].count) }
        output.count = (count - 1) * recordStride + 4 + (filled - (count - 1) * chunkSize) + tagSize
        pendingRecords = current
        current ^= 1
        nextChunk += UInt32(count)
        plaintext.count = 0
    }
}
