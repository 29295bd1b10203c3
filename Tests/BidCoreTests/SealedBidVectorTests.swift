@testable import BidCore
import Foundation
import Testing
import TestSupport

/// The sealed-bid test vectors of docs/sealed-bid-format.md (Tests/BidCoreTests/Vectors/sealed-bid/):
/// fixed keys and content give fixed bytes, and the committed sample packages still verify and open.
/// `EBID_WRITE_VECTORS=1 swift test --filter SealedBidVectorTests` regenerates them (format changes only).
@Suite("Sealed-bid test vectors")
struct SealedBidVectorTests {
    struct VectorFile: Codable {
        struct Suite_: Codable {
            var suite: String
            var contentKey: String
            var packageId: String
            var encryptionKey: String
            var macKey: String
            var keyCommitment: String
            var headerDigest: String
            var chunks: [Chunk]
            var unwrap: Unwrap
            var sample: Sample
        }
        struct Chunk: Codable {
            var index: UInt32
            var final: Bool
            var nonce: String
            var plaintext: String
            var record: String
        }
        struct Unwrap: Codable {
            var algorithm: KeyWrapAlgorithm
            var recipientKeyFile: String
            var context: String
            var wrapped: String
            var secret: String
        }
        struct Sample: Codable {
            var file: String
            var verifyAt: Date
            var caFile: String
            var bidderCertificateFile: String
            var bidderKeyFile: String
            var openingKeyFile: String
            var tenderId: String
            var packageDigest: String
            var summary: BidSummary
            var parts: [String: String]
        }
        var note: String
        var suites: [Suite_]
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/sealed-bid").path
    static let writeVectors = ProcessInfo.processInfo.environment["EBID_WRITE_VECTORS"] == "1"

    func load() throws -> VectorFile {
        try JSONDecoder.ebid.decode(VectorFile.self, from: Data(contentsOf: URL(fileURLWithPath: "\(Self.directory)/vectors.json")))
    }

    @Test("key schedule and chunk records match the vectors", .enabled(if: !writeVectors))
    func chunkVectors() throws {
        for vector in try load().suites {
            let suite = try #require(Suite(caseInsensitive: vector.suite))
            let keys = try PayloadKeys(contentKey: hex(vector.contentKey), packageId: hex(vector.packageId), suite: suite)
            #expect(hexString(keys.encryptionKey) == vector.encryptionKey)
            #expect(hexString(keys.macKey) == vector.macKey)
            #expect(hexString(keys.commitment) == vector.keyCommitment)
            let cipher = try ChunkCipher(keys: keys, headerDigest: hex(vector.headerDigest))
            for chunk in vector.chunks {
                #expect(hexString(ChunkCipher.nonce(index: chunk.index, final: chunk.final)) == chunk.nonce)
                let plaintext = hex(chunk.plaintext)
                var record = [UInt8](repeating: 0, count: plaintext.count + cipher.tagSize)
                try plaintext.withUnsafeBytes { p in try record.withUnsafeMutableBytes { try cipher.seal(index: chunk.index, final: chunk.final, plaintext: p, into: $0) } }
                #expect(hexString(record) == chunk.record, "\(vector.suite) chunk \(chunk.index)")
                var opened = [UInt8](repeating: 0, count: plaintext.count)
                try record.withUnsafeBytes { r in try opened.withUnsafeMutableBytes { try cipher.open(index: chunk.index, final: chunk.final, record: r, into: $0) } }
                #expect(opened == plaintext)
            }
            let recipient = try PrivateKey(pemFile: "\(Self.directory)/\(vector.unwrap.recipientKeyFile)")
            #expect(try KeyWrap.unwrap(hex(vector.unwrap.wrapped), algorithm: vector.unwrap.algorithm, with: recipient,
                                       context: hex(vector.unwrap.context)) == hex(vector.unwrap.secret))
        }
    }

    @Test("the committed sample packages verify and open, with the bidder's and the opening key", .enabled(if: !writeVectors))
    func samplePackages() throws {
        for vector in try load().suites {
            let sample = vector.sample
            let path = "\(Self.directory)/\(sample.file)"
            let trust = try TrustStore(anchorFiles: ["\(Self.directory)/\(sample.caFile)"])
            let verified = try SealedBidVerifier.verify(file: path, trust: trust, at: sample.verifyAt)
            #expect(verified.packageDigestString == sample.packageDigest)
            #expect(verified.header.tenderId == sample.tenderId)
            #expect(verified.header.packageId == vector.packageId)
            for keyFile in [sample.bidderKeyFile, sample.openingKeyFile] {
                let key = try PrivateKey(pemFile: "\(Self.directory)/\(keyFile)")
                let out = TemporaryDirectory()
                let opened = try SealedBidOpener.open(file: path, key: .privateKey(key), options: .init(trust: trust, time: sample.verifyAt),
                                                      sink: try DirectoryPartSink(directory: out.path))
                #expect(opened.manifest.summary == sample.summary)
                for (name, content) in sample.parts {
                    #expect(String(decoding: out.read(name), as: UTF8.self) == content)
                }
            }
        }
    }

    /// Writes the vector files (run with EBID_WRITE_VECTORS=1 after a deliberate format change).
    @Test("regenerate the vectors", .enabled(if: writeVectors))
    func regenerate() throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: Self.directory)
        try fm.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
        let from = Date(timeIntervalSince1970: 1_735_689_600), to = Date(timeIntervalSince1970: 4_102_444_800)  // 2025 … 2100
        let verifyAt = Date(timeIntervalSince1970: 1_795_000_000)
        var suites: [VectorFile.Suite_] = []
        for suite in Suite.allCases {
            let name = suite.rawValue.lowercased()
            try fm.createDirectory(atPath: "\(Self.directory)/\(name)", withIntermediateDirectories: true)
            func save(_ file: String, _ text: String) throws { try text.write(toFile: "\(Self.directory)/\(name)/\(file)", atomically: true, encoding: .utf8) }
            let type: KeyType = suite == .gm ? .sm2 : .p256
            let ca = try CertificateAuthority.root(subject: DistinguishedName(commonName: "ebid Test Vector \(suite.rawValue) CA"),
                                                   key: try PrivateKey.generate(type), notBefore: from, notAfter: to)
            let bidderKey = try PrivateKey.generate(type)
            let bidder = try ca.issue(subject: DistinguishedName(commonName: "示例投标人有限公司", organization: "示例投标人有限公司", serialNumber: "91350100M000100Y43"),
                                      publicKey: bidderKey.publicKey, notBefore: from, notAfter: to, profile: .dualUse)
            let openingKey = try PrivateKey.generate(type)
            try save("ca.crt.pem", ca.certificate.pem)
            try save("bidder.crt.pem", bidder.pem)
            try save("bidder.key.pem", try bidderKey.pemPKCS8())
            try save("opening.key.pem", try openingKey.pemPKCS8())

            let contentKey = Array(0..<32 as Range<UInt8>)
            let packageId = Array(0xa0...0xaf as ClosedRange<UInt8>)
            let keys = try PayloadKeys(contentKey: contentKey, packageId: packageId, suite: suite)
            let headerDigest = StreamingDigest.hash(Array("ebid sealed-bid test vector header".utf8), using: suite.hash)
            let cipher = try ChunkCipher(keys: keys, headerDigest: headerDigest)
            var chunks: [VectorFile.Chunk] = []
            for (index, final, text) in [(UInt32(0), false, "第一块：投标报价 12345678.90 元 / chunk zero"), (1, true, "last chunk")] {
                let plaintext = Array(text.utf8)
                var record = [UInt8](repeating: 0, count: plaintext.count + cipher.tagSize)
                try plaintext.withUnsafeBytes { p in try record.withUnsafeMutableBytes { try cipher.seal(index: index, final: final, plaintext: p, into: $0) } }
                chunks.append(.init(index: index, final: final, nonce: hexString(ChunkCipher.nonce(index: index, final: final)),
                                    plaintext: hexString(plaintext), record: hexString(record)))
            }
            let context = PayloadKeys.wrapContext(packageId: packageId)
            let (algorithm, wrapped) = try KeyWrap.wrap(contentKey, to: openingKey.publicKey, context: context)

            let parts = ["commercial.txt": "商务标示例：投标报价 12345678.90 元\n", "technical.txt": "技术标示例\n"]
            let partsDirectory = TemporaryDirectory()
            let summary = BidSummary(price: "12345678.90", durationDays: 365, quality: "合格", projectManager: "张工", bidSecurityAccount: "6222000011112222")
            var request = BidSealer.Request(tenderId: "TV-2026-0001", section: "1", suite: suite, signerCertificate: bidder, signerKey: bidderKey,
                                            openingKey: openingKey.publicKey, summary: summary,
                                            parts: parts.keys.sorted().map { BidSealer.PartInput(kind: $0.hasPrefix("commercial") ? .commercial : .technical,
                                                                                                 path: partsDirectory.write($0, Array(parts[$0]!.utf8))) },
                                            machineFingerprint: "test-vector-machine")
            request.createdAt = verifyAt
            request.chunkSize = 4096
            let samplePath = "\(Self.directory)/\(name)/sample.ebid"
            let output = try FileOutput(path: samplePath, mode: 0o644)
            _ = try BidSealer.seal(request, to: output, contentKey: contentKey, packageId: packageId)
            try output.close()
            let digest = StreamingDigest.hash([UInt8](try Data(contentsOf: URL(fileURLWithPath: samplePath))), using: suite.hash)
            suites.append(.init(suite: suite.rawValue, contentKey: hexString(contentKey), packageId: hexString(packageId),
                                encryptionKey: hexString(keys.encryptionKey), macKey: hexString(keys.macKey), keyCommitment: hexString(keys.commitment),
                                headerDigest: hexString(headerDigest), chunks: chunks,
                                unwrap: .init(algorithm: algorithm, recipientKeyFile: "\(name)/opening.key.pem", context: hexString(context),
                                              wrapped: hexString(wrapped), secret: hexString(contentKey)),
                                sample: .init(file: "\(name)/sample.ebid", verifyAt: verifyAt, caFile: "\(name)/ca.crt.pem",
                                              bidderCertificateFile: "\(name)/bidder.crt.pem", bidderKeyFile: "\(name)/bidder.key.pem",
                                              openingKeyFile: "\(name)/opening.key.pem", tenderId: "TV-2026-0001",
                                              packageDigest: "\(suite.hash.label):\(hexString(digest))", summary: summary, parts: parts)))
        }
        let file = VectorFile(note: "ebid sealed bid v1 test vectors; see docs/sealed-bid-format.md. Keys here are test keys only.", suites: suites)
        try JSONEncoder.ebidPretty.encode(file).write(to: URL(fileURLWithPath: "\(Self.directory)/vectors.json"))
    }
}
