import BidCore
import Foundation

/// The sealed-bid part of `ebid demo`: one suite, narrated.
struct SealedBidDemo {
    struct DemoTender: Decodable {
        let id: String
        let section: String
        let title: String
        let officials: [String]
        let threshold: Int
    }

    let root: String
    let suite: Suite
    let work: String
    let keys: String
    let tender: DemoTender
    let parties: [String: PartyRecord]
    let trust: TrustStore
    private let narrator = Narrator()

    init(root: String, suite: Suite, work: String) throws {
        self.root = root
        self.suite = suite
        self.work = work
        keys = "\(root)/keys/\(DemoPKI.directoryName(suite))"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        tender = try decodeJSON(DemoTender.self, from: "\(root)/seeds/tenders/demo-tender.json", what: "demo tender")
        parties = Dictionary(uniqueKeysWithValues: try PartiesFile.load(file: "\(root)/seeds/parties.json").parties.map { ($0.id, $0) })
        trust = try TrustStore(anchorFiles: ["\(keys)/ca.crt.pem"], crlFiles: ["\(keys)/crl.pem"], revocationPolicy: .required)
    }

    func name(_ id: String) -> String { parties[id]?.name ?? id }
    func certificate(_ id: String) -> String { "\(keys)/\(id).crt.pem" }
    func key(_ id: String) -> String { "\(keys)/\(id).key.pem" }

    /// Runs the walk-through; returns the number of steps that did not turn out as expected.
    func run() throws -> Int {
        let suiteName = suite == .gm ? "GM (国密: SM2 signatures and key wrap, SM3, SM4)" : "NIST (ECDSA P-256, SHA-256, AES-256-GCM, ECIES)"
        narrator.title("ebid demo — suite \(suiteName)")
        narrator.say("Tender \(tender.id) section \(tender.section): \(tender.title)")

        // 1. Key ceremony.
        let officials = tender.officials
        narrator.step("Key ceremony (开标密钥, distributed key generation). The opening officials \(officials.map(name).joined(separator: ", ")) make the tender's opening key together, each on its own machine: each deals a random polynomial of degree \(tender.threshold - 1) — its commitments, and one share encrypted to each official's certificate, signed — then checks what it received against the commitments and confirms. The key is the sum of secrets nobody ever puts together; any \(tender.threshold) officials can decrypt at the opening, never fewer.")
        let identities = try officials.map { try loadIdentity(certificate: certificate($0), key: key($0)) }
        let parameters = KeyCeremony.Parameters(tenderId: tender.id, section: tender.section, suite: suite, threshold: tender.threshold, attempt: 1,
                                                participants: identities.enumerated().map { .init(index: $0.offset + 1, party: officials[$0.offset], certificate: $0.element.0) })
        let dealings = try identities.enumerated().map { try KeyCeremony.deal(parameters, as: $0.offset + 1, key: $0.element.1) }
        var confirmations: [OpeningKeyFile.Confirmation] = []
        for (offset, identity) in identities.enumerated() {
            guard case .confirmed(let signature, _, _, _) = try KeyCeremony.check(parameters, dealings: dealings, as: offset + 1, key: identity.1) else {
                throw CLIError("official \(offset + 1) found a bad share")
            }
            confirmations.append(.init(index: offset + 1, signature: Data(signature).base64EncodedString()))
        }
        let (platformCertificate, platformKey) = try loadIdentity(certificate: "\(root)/keys/gm/platform.crt.pem", key: "\(root)/keys/gm/platform.key.pem")
        let openingKeyFile = try OpeningKeyFile.transcript(parameters, dealings: dealings, confirmations: confirmations, createdAt: Date(),
                                                           platformKey: platformKey, platformCertificate: platformCertificate)
        let openingKeyPath = "\(work)/opening-key.json"
        try JSONEncoder.ebidPretty.encode(openingKeyFile).write(to: URL(fileURLWithPath: openingKeyPath))
        narrator.result("opening key \(openingKeyFile.keyId.prefix(16))… written to \(openingKeyPath): the transcript (commitments, encrypted shares, verification keys, every official's confirmation)")
        var failures = narrator.expect((try? openingKeyFile.verifyCeremony(trust: trust, at: Date(), platformCertificate: platformCertificate)) != nil,
                                       "anyone can check the transcript offline: every dealing signed, every official confirmed")

        // 2. Sealing.
        let bidder = "bidder-01"
        let (bidderCertificate, bidderKey) = try loadIdentity(certificate: certificate(bidder), key: key(bidder))
        let summary = try decodeJSON(BidSummary.self, from: "\(root)/seeds/bids/\(bidder).summary.json", what: "bid summary")
        let bidPath = "\(work)/\(bidder).ebid"
        narrator.step("\(name(bidder)) seals its bid on its own machine: it signs the manifest (tender, bidder, bid summary, part digests, machine fingerprint), encrypts everything, and signs the package again. The bid is encrypted to the bidder's own certificate and to the opening key.")
        let sealed = try seal(bidder: bidder, certificate: bidderCertificate, key: bidderKey, summary: summary,
                              openingKey: try openingKeyFile.openingPublicKey, out: bidPath)
        narrator.result("\(bidPath): \(formatBytes(sealed.size)), \(sealed.manifest.parts.count) parts, \(sealed.chunkCount) encrypted chunk\(sealed.chunkCount == 1 ? "" : "s"), price sealed inside")

        // 3. Receipt-time check.
        narrator.step("The platform receives the package and checks it without decrypting anything: header signature, the bidder's certificate chain and CRL, every chunk's framing, the final signature.")
        let verified = try SealedBidVerifier.verify(file: bidPath, trust: trust, at: Date())
        narrator.result("intact; signed by \(verified.signerIdentity.name) (\(verified.signerIdentity.creditCode ?? "no credit code")); digest \(verified.packageDigestString)")

        // 4. Remote decryption by the bidder.
        narrator.step("At the opening the bidder decrypts its own bid remotely (远程解密): it unwraps the content key with its private key on its own machine and hands in only the content key. The platform checks the key against the package's key commitment, decrypts, and checks the inner signature and every part digest.")
        let contentKey = try SealedBidOpener.unwrapContentKey(header: verified.header, with: bidderKey)
        let byBidder = try SealedBidOpener.open(file: bidPath, key: .contentKey(contentKey), options: .init(trust: trust, time: Date(), expectedTenderId: tender.id),
                                                sink: try DirectoryPartSink(directory: "\(work)/opened-by-bidder"))
        narrator.result("price \(byBidder.manifest.summary.price) 元, \(byBidder.manifest.summary.durationDays) days, quality \(byBidder.manifest.summary.quality), project manager \(byBidder.manifest.summary.projectManager); parts in \(work)/opened-by-bidder")
        failures += narrator.expect(byBidder.manifest.summary == summary, "the opened summary equals the one sealed")

        // 5. Committee remedy with the officials' partial decryptions.
        let holders = [0, officials.count - 1]
        narrator.step("The remedy (补救方案): officials \(holders.map { name(officials[$0]) }.joined(separator: " and ")) each decrypt their own share on their own machine and compute a partial decryption of this bid's wrapped key, with a proof that it was made with their share. The platform checks both proofs and combines the partials into the key for this one bid; the opening key is never put together.")
        let partials = try holders.map { position -> PartialDecryption in
            let (officialCertificate, officialKey) = identities[position]
            var share = try openingKeyFile.share(officialKey: officialKey, officialCertificate: officialCertificate)
            defer { share.value.wipe() }
            return try CommitteeOpening.partial(for: verified.header, key: openingKeyFile, share: share.value, index: share.index)
        }
        let committeeKey = try CommitteeOpening.contentKey(header: verified.header, key: openingKeyFile, partials: partials)
        let byCommittee = try SealedBidOpener.open(file: bidPath, key: .contentKey(committeeKey), options: .init(trust: trust, time: Date()),
                                                   sink: try DirectoryPartSink(directory: "\(work)/opened-by-committee"))
        narrator.result("opened with \(partials.count) partial decryptions: the same signed manifest")
        failures += narrator.expect(byCommittee.manifestBytes == byBidder.manifestBytes, "both openings give the same signed manifest")
        failures += narrator.refused("one official's partial alone opens nothing", expecting: .notEnoughShares) {
            _ = try CommitteeOpening.contentKey(header: verified.header, key: openingKeyFile, partials: [partials[0]])
        }
        var forged = partials[1]
        forged.point = partials[0].point
        failures += narrator.refused("a partial that was not made with its official's share is caught by its proof", expecting: .partialInvalid) {
            _ = try CommitteeOpening.contentKey(header: verified.header, key: openingKeyFile, partials: [partials[0], forged])
        }

        // 6. Tampering.
        narrator.step("Someone changes one byte in the middle of the stored package.")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: bidPath)))
        bytes[bytes.count / 2] ^= 0x01
        let tamperedPath = "\(work)/\(bidder)-tampered.ebid"
        try Data(bytes).write(to: URL(fileURLWithPath: tamperedPath))
        failures += narrator.refused("the platform's check refuses it", expecting: .sealedSignatureInvalid) {
            _ = try SealedBidVerifier.verify(file: tamperedPath, trust: trust, at: Date())
        }
        failures += narrator.refused("opening it is refused too, naming the altered chunk", expecting: .sealedChunkAuthenticationFailed) {
            _ = try SealedBidOpener.open(file: tamperedPath, key: .privateKey(bidderKey), options: .init(trust: trust, time: Date()), sink: DiscardingPartSink())
        }

        // 7. Revoked and expired certificates.
        for (id, code, why) in [("bidder-09", BidCoreError.Code.certificateRevoked, "whose certificate was revoked on 2026-01-01 (listed in the CA's CRL)"),
                                ("bidder-10", .certificateExpired, "whose certificate expired in 2021")] {
            narrator.step("\(name(id)), \(why), seals a bid.")
            let (cert, privateKey) = try loadIdentity(certificate: certificate(id), key: key(id))
            let path = "\(work)/\(id).ebid"
            _ = try seal(bidder: id, certificate: cert, key: privateKey,
                         summary: try decodeJSON(BidSummary.self, from: "\(root)/seeds/bids/\(id).summary.json", what: "bid summary"),
                         openingKey: try openingKeyFile.openingPublicKey, out: path)
            failures += narrator.refused("the platform refuses the package", expecting: code) {
                _ = try SealedBidVerifier.verify(file: path, trust: trust, at: Date())
            }
        }
        return failures
    }

    private func seal(bidder: String, certificate: Certificate, key: PrivateKey, summary: BidSummary, openingKey: PublicKey, out: String) throws -> BidSealer.Result {
        let partsDirectory = "\(root)/seeds/bids/parts/\(bidder)"
        let parts: [BidSealer.PartInput] = BidPartKind.allCases.compactMap { kind in
            let path = "\(partsDirectory)/\(kind.rawValue).txt"
            return FileManager.default.fileExists(atPath: path) ? BidSealer.PartInput(kind: kind, path: path) : nil
        }
        let request = BidSealer.Request(tenderId: tender.id, section: tender.section, suite: suite, signerCertificate: certificate, signerKey: key,
                                        openingKey: openingKey, summary: summary, parts: parts,
                                        machineFingerprint: MachineFingerprint.current(environment: ["EBID_MACHINE_ID": "demo-\(bidder)"]))
        return try BidSealer.seal(request, toFile: out)
    }
}

/// Prints the demo's story: numbered steps, results, expected refusals.
final class Narrator {
    private var stepNumber = 0

    func title(_ text: String) {
        print("")
        print(text)
        print(String(repeating: "=", count: min(text.count + 8, 100)))
        stepNumber = 0
    }

    func say(_ text: String) { print(text) }

    func step(_ text: String) {
        stepNumber += 1
        print("")
        print(wrap("\(stepNumber). \(text)", indent: "   "))
    }

    func result(_ text: String) { print(wrap("   → \(text)", indent: "     ")) }

    /// Returns 1 (a failure) when `condition` is false.
    func expect(_ condition: Bool, _ what: String) -> Int {
        print("   \(condition ? "✓" : "✗") \(what)")
        return condition ? 0 : 1
    }

    /// Runs `body`, which must fail with `code`; prints the refusal. Returns 1 when it did not.
    func refused(_ what: String, expecting code: BidCoreError.Code, _ body: () throws -> Void) -> Int {
        do {
            try body()
            print("   ✗ \(what): it was NOT refused")
            return 1
        } catch let error as BidCoreError where error.code == code {
            print(wrap("   ✓ \(what): \(error.reason) [\(error.code)]", indent: "     "))
            return 0
        } catch {
            print("   ✗ \(what): refused for another reason: \(error)")
            return 1
        }
    }

    private func wrap(_ text: String, indent: String, width: Int = 100) -> String {
        let lead = String(text.prefix { $0 == " " })
        var lines: [String] = []
        var line = lead
        for word in text.dropFirst(lead.count).split(separator: " ") {
            if line.count + word.count + 1 > width, line.count > lead.count {
                lines.append(line)
                line = indent + word
            } else {
                line += (line.count == lead.count ? "" : " ") + word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }
}
