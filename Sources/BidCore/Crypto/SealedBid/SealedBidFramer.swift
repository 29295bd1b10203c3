import Foundation

/// What the framer reports while it walks a sealed bid.
protocol SealedBidFramerDelegate {
    /// The header bytes (JSON). Returns the chunk size and tag size the header declares.
    mutating func framerDidReadHeader(_ header: [UInt8]) throws -> (chunkSize: Int, tagSize: Int)
    /// The header signature (over magic ‖ u32 H ‖ header).
    mutating func framerDidReadHeaderSignature(_ signature: [UInt8]) throws
    /// One whole chunk record (ciphertext ‖ tag). Only called when the framer delivers bodies.
    mutating func framerDidReadChunk(index: UInt32, final: Bool, record: UnsafeRawBufferPointer) throws
    /// Every byte consumed, in order, once each.
    mutating func framerBytes(_ bytes: UnsafeRawBufferPointer)
    /// The last chunk record ended: what follows is the final signature (not covered by it).
    mutating func framerDidEndSignedRegion() throws
    /// The final signature.
    mutating func framerDidReadFinalSignature(_ signature: [UInt8]) throws
}

/// An incremental parser of the container framing: feed it any fragments, in order. It checks
/// the magic, lengths and chunk framing and tells its delegate what it found. Memory: the header
/// and, when bodies are delivered, one chunk record.
struct SealedBidFramer {
    enum Stage: Equatable {
        case magic, headerLength, header, headerSignatureLength, headerSignature
        case chunkWord, chunkBody, finalSignatureLength, finalSignature, done
    }

    private(set) var stage: Stage = .magic
    private(set) var bytesConsumed: UInt64 = 0
    private(set) var chunkCount: UInt32 = 0
    private let deliverBodies: Bool
    private var need = SealedBidFormat.magic.count
    private var field: [UInt8] = []
    private var chunkSize = 0
    private var tagSize = 0
    private var chunkFinal = false
    private var chunkLength = 0
    private var body: UnsafeMutableRawBufferPointer?
    private var bodyFill = 0

    init(deliverBodies: Bool) {
        self.deliverBodies = deliverBodies
    }

    /// Frees the chunk buffer (the framer is a struct; its owner calls this when done).
    mutating func release() {
        body?.deallocate()
        body = nil
    }

    mutating func feed<D: SealedBidFramerDelegate>(_ input: UnsafeRawBufferPointer, to delegate: inout D) throws {
        var offset = 0
        while offset < input.count {
            if stage == .done {
                throw BidCoreError(.sealedTrailingData, "\(input.count - offset) bytes follow the final signature")
            }
            let take = min(need, input.count - offset)
            let slice = UnsafeRawBufferPointer(rebasing: input[offset..<(offset + take)])
            delegate.framerBytes(slice)
            if stage == .magic {
                // Refuse at the first byte that cannot start a sealed bid, however short the input.
                let offsetInMagic = field.count
                guard zip(slice, SealedBidFormat.magic[offsetInMagic...]).allSatisfy({ $0 == $1 }) else {
                    throw BidCoreError(.notASealedBid, "the file does not start with EBIDSB01: not an ebid sealed bid")
                }
            }
            if stage == .chunkBody {
                if deliverBodies, let body {
                    UnsafeMutableRawBufferPointer(rebasing: body[bodyFill..<(bodyFill + take)]).copyMemory(from: slice)
                    bodyFill += take
                }
            } else {
                field.append(contentsOf: slice)
            }
            offset += take
            need -= take
            bytesConsumed += UInt64(take)
            if need == 0 { try complete(&delegate) }
        }
    }

    /// Call at end of input: throws unless the whole package was read.
    func finish() throws {
        guard stage == .done else {
            let place: String
            switch stage {
            case .magic, .headerLength, .header, .headerSignatureLength, .headerSignature: place = "in the header"
            case .chunkWord, .chunkBody: place = "after \(chunkCount) chunks, before the final chunk"
            case .finalSignatureLength, .finalSignature: place = "in the final signature"
            case .done: place = ""
            }
            throw BidCoreError(.sealedTruncated, "the package ends \(place) (\(bytesConsumed) bytes read): it is truncated")
        }
    }

    private mutating func complete<D: SealedBidFramerDelegate>(_ delegate: inout D) throws {
        defer { field.removeAll(keepingCapacity: true) }
        switch stage {
        case .magic:
            guard field == SealedBidFormat.magic else {
                throw BidCoreError(.notASealedBid, "the file does not start with EBIDSB01: not an ebid sealed bid")
            }
            next(.headerLength, 4)
        case .headerLength:
            let length = Int(BigEndian.uint32(field))
            guard (2...SealedBidFormat.maxHeaderLength).contains(length) else {
                throw BidCoreError(.sealedHeaderMalformed, "header length \(length) is outside 2…\(SealedBidFormat.maxHeaderLength)")
            }
            next(.header, length)
        case .header:
            (chunkSize, tagSize) = try delegate.framerDidReadHeader(field)
            next(.headerSignatureLength, 4)
        case .headerSignatureLength:
            let length = Int(BigEndian.uint32(field))
            guard (1...SealedBidFormat.maxSignatureLength).contains(length) else {
                throw BidCoreError(.sealedFramingInvalid, "header signature length \(length) is outside 1…\(SealedBidFormat.maxSignatureLength)")
            }
            next(.headerSignature, length)
        case .headerSignature:
            try delegate.framerDidReadHeaderSignature(field)
            next(.chunkWord, 4)
        case .chunkWord:
            let word = BigEndian.uint32(field)
            chunkFinal = word & SealedBidFormat.finalFlag != 0
            chunkLength = Int(word & ~SealedBidFormat.finalFlag)
            let full = chunkSize + tagSize
            let valid = chunkFinal ? (tagSize + 1...full).contains(chunkLength) : chunkLength == full
            guard valid else {
                throw BidCoreError(.sealedFramingInvalid,
                                   "chunk \(chunkCount) declares \(chunkLength) bytes\(chunkFinal ? " (final)" : ""); expected \(chunkFinal ? "\(tagSize + 1)…\(full)" : "\(full)")")
            }
            guard chunkCount < UInt32.max else { throw BidCoreError(.sealedFramingInvalid, "too many chunks") }
            if deliverBodies, body == nil {
                body = UnsafeMutableRawBufferPointer.allocate(byteCount: full, alignment: 16)
            }
            bodyFill = 0
            next(.chunkBody, chunkLength)
        case .chunkBody:
            if deliverBodies, let body {
                try delegate.framerDidReadChunk(index: chunkCount, final: chunkFinal,
                                                record: UnsafeRawBufferPointer(rebasing: body[..<chunkLength]))
            }
            chunkCount += 1
            if chunkFinal {
                next(.finalSignatureLength, 4)
                try delegate.framerDidEndSignedRegion()
            } else {
                next(.chunkWord, 4)
            }
        case .finalSignatureLength:
            let length = Int(BigEndian.uint32(field))
            guard (1...SealedBidFormat.maxSignatureLength).contains(length) else {
                throw BidCoreError(.sealedFramingInvalid, "final signature length \(length) is outside 1…\(SealedBidFormat.maxSignatureLength)")
            }
            next(.finalSignature, length)
        case .finalSignature:
            try delegate.framerDidReadFinalSignature(field)
            next(.done, 0)
        case .done:
            break
        }
    }

    private mutating func next(_ stage: Stage, _ need: Int) {
        self.stage = stage
        self.need = need
    }
}

/// The header as the verifier and the opener read it: parsed, checked, its signer's key found,
/// and the file's digest started over magic ‖ u32 H ‖ header. The same digest, fed every later
/// byte, gives at the end of the last chunk record the digest D the final signature signs, and
/// at the end of the file the package digest: one pass for both.
struct ReadHeader {
    let header: SealedBidHeader
    let bytes: [UInt8]
    let signer: Certificate
    let digest: StreamingDigest
    /// D, once the signed region has ended.
    var signedDigest: [UInt8]?

    init(_ bytes: [UInt8]) throws {
        let header = try decodeHeader(bytes)
        let signer = try header.signerCertificate()
        let key = try signer.publicKey
        guard header.signer.scheme.keyType == key.type else {
            throw BidCoreError(.sealedHeaderMalformed, "the header names \(header.signer.scheme.rawValue) but the signer key is \(key.type.rawValue)")
        }
        digest = StreamingDigest(header.suite.hash)
        digest.update(headerSignedBytes(bytes))
        self.header = header
        self.bytes = bytes
        self.signer = signer
    }

    var framing: (chunkSize: Int, tagSize: Int) { (header.chunkSize, SealedBidFormat.tagSize(header.suite)) }

    /// Checks the header signature: nothing in the header may be trusted before this passes.
    func authenticate(_ signature: [UInt8]) throws {
        guard try signer.publicKey.isValidSignature(signature, for: headerSignedBytes(bytes), scheme: header.signer.scheme) else {
            throw BidCoreError(.sealedHeaderSignatureInvalid, "the header signature does not verify with the signer's key: the header was altered")
        }
    }

    /// Takes D from a copy of the digest (the original goes on to the package digest).
    mutating func endSignedRegion() { signedDigest = digest.copy().finalize() }

    /// Checks the final signature over D.
    func verifyFinalSignature(_ signature: [UInt8]) throws {
        guard let signedDigest, try signer.publicKey.isValidSignature(signature, for: signedDigest, scheme: header.signer.scheme) else {
            throw BidCoreError(.sealedSignatureInvalid, "the final signature does not verify: the package was altered after signing")
        }
    }
}

/// The verifier's and the opener's framer delegates both read the header the same way.
protocol ReadsSealedBidHeader: SealedBidFramerDelegate {
    var read: ReadHeader? { get set }
    var finalSignatureValid: Bool { get set }
}

extension ReadsSealedBidHeader {
    mutating func framerDidReadHeader(_ bytes: [UInt8]) throws -> (chunkSize: Int, tagSize: Int) {
        let read = try ReadHeader(bytes)
        self.read = read
        return read.framing
    }

    mutating func framerDidReadFinalSignature(_ signature: [UInt8]) throws {
        try read?.verifyFinalSignature(signature)
        finalSignatureValid = true
    }
}

/// Parses and checks the header JSON (shared by the verifier and the opener).
func decodeHeader(_ bytes: [UInt8]) throws -> SealedBidHeader {
    let header: SealedBidHeader
    do {
        header = try JSONDecoder.ebid.decodeStrict(SealedBidHeader.self, from: Data(bytes))
    } catch {
        throw BidCoreError(.sealedHeaderMalformed, "the header is not valid sealed-bid JSON: \(describeDecodingError(error))")
    }
    try header.validate()
    return header
}

/// magic ‖ u32be(H) ‖ header: the bytes the header signature covers.
func headerSignedBytes(_ header: [UInt8]) -> [UInt8] {
    SealedBidFormat.magic + [UInt8].uint32(UInt32(header.count)) + header
}

/// A short, human description of a JSON decoding failure (which field, what went wrong).
public func describeDecodingError(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): return "missing field \(key.stringValue)"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
    case DecodingError.dataCorrupted(let context):
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? "malformed JSON: \(context.debugDescription)" : "invalid value at \(path): \(context.debugDescription)"
    default: return "\(error)"
    }
}

extension SealedBidHeader {
    /// Reads a package's header from a file without checking anything but its form — to learn
    /// which tender a package is for before uploading it. Never trust it further than that.
    /// The package's signed beginning, `magic ‖ u32(Lh) ‖ header ‖ u32(Ls1) ‖ header signature`:
    /// enough for anyone to check that the header is the bidder's (`verifySigned`).
    public static func signedPrefix(file path: String) throws -> [UInt8] {
        let input = try FileInput(path: path)
        var prefix = [UInt8](repeating: 0, count: 12)
        guard try prefix.withUnsafeMutableBytes({ try input.readFully(into: $0) }) == 12, Array(prefix.prefix(8)) == SealedBidFormat.magic else {
            throw BidCoreError(.notASealedBid, "\(path) is not an ebid sealed bid")
        }
        let length = Int(BigEndian.uint32(prefix.dropFirst(8)))
        guard (2...SealedBidFormat.maxHeaderLength).contains(length) else { throw BidCoreError(.sealedHeaderMalformed, "header length \(length) is out of range") }
        var rest = [UInt8](repeating: 0, count: length + 4)
        guard try rest.withUnsafeMutableBytes({ try input.readFully(into: $0) }) == rest.count else {
            throw BidCoreError(.sealedTruncated, "\(path) ends inside its header")
        }
        let signatureLength = Int(BigEndian.uint32(rest.suffix(4)))
        guard (1...SealedBidFormat.maxSignatureLength).contains(signatureLength) else {
            throw BidCoreError(.sealedFramingInvalid, "header signature length \(signatureLength) is out of range")
        }
        var signature = [UInt8](repeating: 0, count: signatureLength)
        guard try signature.withUnsafeMutableBytes({ try input.readFully(into: $0) }) == signatureLength else {
            throw BidCoreError(.sealedTruncated, "\(path) ends inside its header signature")
        }
        return prefix + rest + signature
    }

    /// Parses a package's signed beginning and checks the header signature (and, with `trust`,
    /// the signer's chain at `time`): the header is then known to be the signer's, as sealed.
    public static func verifySigned(_ bytes: [UInt8], trust: TrustStore?, at time: Date) throws -> SealedBidHeader {
        guard bytes.count > 16, Array(bytes.prefix(8)) == SealedBidFormat.magic else { throw BidCoreError(.notASealedBid, "not the beginning of an ebid sealed bid") }
        let length = Int(BigEndian.uint32(bytes[8..<12]))
        guard (2...SealedBidFormat.maxHeaderLength).contains(length), bytes.count >= 12 + length + 4 else {
            throw BidCoreError(.sealedTruncated, "the signed header is cut short")
        }
        let signatureLength = Int(BigEndian.uint32(bytes[(12 + length)..<(16 + length)]))
        guard bytes.count == 16 + length + signatureLength, (1...SealedBidFormat.maxSignatureLength).contains(signatureLength) else {
            throw BidCoreError(.sealedFramingInvalid, "the signed header does not end with its signature")
        }
        let read = try ReadHeader(Array(bytes[12..<(12 + length)]))
        try read.authenticate(Array(bytes.suffix(signatureLength)))
        if let trust { try trust.verify(read.signer, intermediates: try read.header.signerChain(), at: time, for: .signing) }
        return read.header
    }

    public static func peek(file path: String) throws -> SealedBidHeader {
        let input = try FileInput(path: path)
        var prefix = [UInt8](repeating: 0, count: 12)
        let read = try prefix.withUnsafeMutableBytes { try input.readFully(into: $0) }
        guard read == 12, Array(prefix.prefix(8)) == SealedBidFormat.magic else {
            throw BidCoreError(.notASealedBid, "\(path) is not an ebid sealed bid")
        }
        let length = Int(BigEndian.uint32(prefix.dropFirst(8)))
        guard (2...SealedBidFormat.maxHeaderLength).contains(length) else { throw BidCoreError(.sealedHeaderMalformed, "header length \(length) is out of range") }
        var header = [UInt8](repeating: 0, count: length)
        guard try header.withUnsafeMutableBytes({ try input.readFully(into: $0) }) == length else {
            throw BidCoreError(.sealedTruncated, "\(path) ends inside its header")
        }
        return try decodeHeader(header)
    }
}
