@testable import BidCore
import Foundation
import TestSupport

/// Seals small bids into a temporary directory for the sealed-bid tests.
struct SealingFixture {
    let pki: TestPKI
    let directory = TemporaryDirectory()
    let openingKey: PrivateKey
    let parts: [(kind: BidPartKind, name: String, bytes: [UInt8])]

    static let summary = BidSummary(price: "12345678.90", durationDays: 365, quality: "合格", projectManager: "张工",
                                    bidSecurityAccount: "6222 0000 1111 2222")

    init(suite: Suite, partSizes: [Int] = [5000, 70_000, 3]) throws {
        pki = TestPKI.forSuite(suite)
        openingKey = try PrivateKey.generate(suite == .gm ? .sm2 : .p256)
        let kinds: [BidPartKind] = [.commercial, .technical, .qualification]
        parts = partSizes.enumerated().map { index, size in
            (kinds[index % 3], "part-\(index)-\(kinds[index % 3].rawValue).pdf", testBytes(size, seed: UInt64(index + 1)))
        }
    }

    func request(tender: String = "T-2026-001", signer: TestPKI.Party? = nil, chunkSize: Int = 4096) -> BidSealer.Request {
        let signer = signer ?? pki.bidderA
        var request = BidSealer.Request(
            tenderId: tender, section: "1", suite: pki.suite, signerCertificate: signer.certificate, signerKey: signer.key,
            openingKey: openingKey.publicKey, summary: Self.summary,
            parts: parts.map { BidSealer.PartInput(kind: $0.kind, path: directory.write($0.name, $0.bytes), name: $0.name) },
            machineFingerprint: "machine-A")
        request.chunkSize = chunkSize
        request.createdAt = TestPKI.now
        return request
    }

    /// Seals and returns the package bytes.
    func seal(_ request: BidSealer.Request? = nil, overrides: BidSealer.Overrides = .init()) throws -> [UInt8] {
        let name = "bid-\(UUID().uuidString).ebid"
        let output = try FileOutput(path: directory.file(name))
        _ = try BidSealer.seal(request ?? self.request(), to: output, contentKey: SecureRandom.bytes(32),
                               packageId: SecureRandom.bytes(16), overrides: overrides)
        try output.close()
        return directory.read(name)
    }

    func verify(_ bytes: [UInt8], headerCheck: SealedBidVerifier.HeaderCheck? = nil, feedSize: Int = 1000) throws -> VerifiedSealedBid {
        let verifier = SealedBidVerifier(trust: pki.trust, at: TestPKI.now, headerCheck: headerCheck)
        var index = 0
        while index < bytes.count {
            let end = min(index + feedSize, bytes.count)
            try verifier.feed(Array(bytes[index..<end]))
            index = end
        }
        return try verifier.finish()
    }

    /// Opens bytes; returns the opened bid and the files written.
    func open(_ bytes: [UInt8], key: SealedBidOpener.KeySource, expectedTender: String? = nil, feedSize: Int = 777) throws -> (OpenedBid, TemporaryDirectory) {
        let out = TemporaryDirectory()
        let opener = SealedBidOpener(key: key, options: .init(trust: pki.trust, time: TestPKI.now, expectedTenderId: expectedTender),
                                     sink: try DirectoryPartSink(directory: out.path))
        var index = 0
        while index < bytes.count {
            let end = min(index + feedSize, bytes.count)
            try opener.feed(Array(bytes[index..<end]))
            index = end
        }
        return (try opener.finish(), out)
    }
}

/// Byte offsets of the parts of a package, for tampering tests.
struct PackageLayout {
    let headerRange: Range<Int>
    let headerSignatureRange: Range<Int>
    let chunks: [Range<Int>]   // each record's body (after the length word)
    let finalSignatureRange: Range<Int>

    init(_ bytes: [UInt8]) {
        func u32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        let headerLength = u32(8)
        headerRange = 12..<(12 + headerLength)
        let s1 = u32(headerRange.upperBound)
        headerSignatureRange = (headerRange.upperBound + 4)..<(headerRange.upperBound + 4 + s1)
        var cursor = headerSignatureRange.upperBound
        var chunks: [Range<Int>] = []
        while true {
            let word = u32(cursor)
            let length = word & 0x7fff_ffff
            chunks.append((cursor + 4)..<(cursor + 4 + length))
            cursor += 4 + length
            if word & 0x8000_0000 != 0 { break }
        }
        self.chunks = chunks
        let s2 = u32(cursor)
        finalSignatureRange = (cursor + 4)..<(cursor + 4 + s2)
    }
}
