import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// The opening part of the service demo (不见面开标): the host starts it, four bidders decrypt
/// remotely, the fifth cannot and the committee remedy opens its bid, the signed record is
/// printed and checked, the collusion signals go to the supervisor, a bidder objects.
extension ServiceDemo {
    func opening(server: String, platform: Certificate, receipts: [String: BidDesk.ReceiptResult]) async throws -> Int {
        var failures = 0
        let path = "/v1/tenders/\(tenderId)/opening"
        let agency = try await client(server, "agency-01", suite: "gm")

        narrator.step("The opening (开标) at the deadline, with nobody in the room. The agency starts it; the platform first signs a checkpoint that seals every bid received, then counts the bids (three at least, Law art. 28) and opens a decryption window (30 minutes; 30 seconds in the demo profile).")
        let started: OpeningView = try await agency.send("POST", path)
        narrator.result("\(started.bidCount) bids; decryption window until \(displayTime(started.windowEndsAt)); policy \(started.decryptionPolicy.rawValue)")

        narrator.step("Remote decryption (远程解密). Each bidder fetches the header of its own bid, unwraps the content key with its private key on its own machine, and sends back only the content key. The platform checks it against the package's key commitment, decrypts, and checks the inner signature and manifest.")
        let wrongClient = try await client(server, "bidder-02", suite: "gm")
        failures += await narrator.refusedByService("福州榕城路桥 first sends a wrong key: refused, its bid still waits", expecting: "opening.content-key-mismatch") {
            struct Body: Encodable { var contentKey: String }
            let _: OpeningBidView = try await wrongClient.send("POST", "\(path)/decrypt", json: Body(contentKey: Data(SecureRandom.bytes(32)).base64EncodedString()))
        }
        for (bidder, suite) in Self.bidders where bidder != "bidder-06" {
            let opened = try await decryptRemotely(server: server, bidder: bidder, suite: suite)
            failures += narrator.expect(opened.state == .opened, "\(receipts[bidder]?.receipt.bidder.name ?? bidder) decrypted its bid remotely")
        }

        narrator.step("莆田木兰溪建设有限公司 cannot decrypt: its certificate's key is not at hand. The remedy (补救方案): officials 陈明 and 黄伟 each decrypt their own share on their own machines and compute, for the bid still waiting, a partial decryption with a proof that it was made with their share — never the share itself. When the window closes, the service checks the proofs and combines the two partials into the key for that one bid. The opening key is never put together.")
        for official in ["official-01", "official-03"] {
            let (certificate, key) = try loadIdentity(certificate: "\(root)/keys/gm/\(official).crt.pem", key: "\(root)/keys/gm/\(official).key.pem")
            let holder = try await client(server, official, suite: "gm")
            let files: [OpeningKeyFile] = try await holder.get("/v1/tenders/\(tenderId)/opening-keys")
            let requests: [OpeningRoom.CommitteeRequest] = try await holder.get("\(path)/committee")
            for request in requests {
                // The same official holds a share of the NIST key with its NIST certificate; no NIST bid waits.
                guard let file = files.first(where: { $0.keyId == request.keyId && $0.official(for: certificate) != nil }) else { continue }
                let partials = try CommitteeWork.partials(for: request, key: file, tender: tenderId, certificate: certificate, privateKey: key,
                                                          trust: try TrustStore(anchorFiles: ["\(root)/keys/gm/ca.crt.pem"]))
                guard !partials.isEmpty else { continue }
                let receipt: OpeningRoom.PartialsReceipt = try await holder.send("POST", "\(path)/partials",
                                                                                 json: OpeningRoom.PartialsInput(keyId: file.keyId, index: request.index, partials: partials))
                narrator.result("\(certificate.subject.commonName ?? official): share \(receipt.index): \(partials.count) partial decryption(s) with proofs handed in (\(receipt.officials) of \(receipt.threshold) officials)")
            }
        }
        let admin = try await client(server, "admin-01", suite: "gm")
        struct Advance: Encodable { var seconds: Double }
        struct Now: Decodable { var now: Date }
        let _: Now = try await admin.send("POST", "/v1/demo/clock", json: Advance(seconds: 40))
        let view = try await waitForCompletion(agency, path: path)
        failures += narrator.expect(view.status == .completed && view.bids?.first { $0.bidderParty == "bidder-06" }?.openedBy == .committee,
                                    "the window closed; the committee's partials opened 莆田木兰溪's bid")

        narrator.step("The opening record (开标记录, Law art. 36): every bid received by the deadline, how it was opened and the items the tender lists, signed by the platform. Anyone can fetch it and check it offline with the platform certificate (or with openssl).")
        let public_ = try EBidClient(server: server)
        struct Served: Decodable { var signed: SignedDocument.Wire }
        let served: Served = try await public_.get("\(path)/record")
        guard let signed = served.signed.signed else { throw CLIError("the record is not well-formed") }
        let record = try verifiedRecord(signed, certificate: platform)
        printRecord(record)
        stage("opened")
        failures += narrator.expect(record.bids.count == 5 && record.bids.allSatisfy { $0.state == .opened },
                                    "the record's signature verifies with the platform certificate; five bids, all opened")
        failures += narrator.expect(record.bids.filter { $0.committee != nil }.count == 1,
                                    "the committee's opening is recomputed from the record alone: both proofs check, and the two partials combine to the key the package committed to")

        narrator.step("Collusion signals (Reg. art. 40), computed when the opening completed: for the host, the committee and supervisors with their evidence — never for bidders, never an automatic rejection.")
        let supervisor = try await client(server, "supervisor-01", suite: "gm")
        let signals: [CollusionSignal] = try await supervisor.get("\(path)/signals")
        printSignals(signals.filter { $0.kind != .sameUploadAddress && $0.kind != .sameDecryptionAddress && $0.kind != .clusteredUploads })
        narrator.say("     (\(signals.filter { [.sameUploadAddress, .sameDecryptionAddress, .clusteredUploads].contains($0.kind) }.count) more about addresses and timing: in this demo every bidder runs on this machine)")
        failures += narrator.expect(signals.contains { $0.kind == .sameProjectManager } && signals.contains { $0.kind == .identicalDocuments },
                                    "漳州九龙江 and 莆田木兰溪 name the same project manager and hand in the same technical proposal")
        let curious = try await client(server, "bidder-05", suite: "gm")
        failures += await narrator.refusedByService("a bidder asking for the signals is refused", expecting: "auth.role-forbidden") {
            let _: [CollusionSignal] = try await curious.get("\(path)/signals")
        }

        narrator.step("Bidders confirm the record or object to it within the confirmation window (Reg. art. 44); the host answers; everything is recorded.")
        try await client(server, "bidder-01", suite: "gm").sendExpectingNoContent("POST", "\(path)/confirmation")
        struct Text: Encodable { var text: String }
        let objection: Objection = try await curious.send("POST", "\(path)/objections", json: Text(text: "我方投标工期应为 500 日历天，开标记录读作 510 日历天，请核对。"))
        let answered: Objection = try await agency.send("POST", "\(path)/objections/\(objection.number)/answer",
                                                        json: Text(text: "经核对，贵方投标文件签名清单载明工期为 510 日历天，开标记录读取无误。"))
        printObjection(answered)
        failures += narrator.expect(answered.answer != nil, "the objection and its answer are on record")
        return failures
    }

    /// What `ebid bid decrypt` does.
    private func decryptRemotely(server: String, bidder: String, suite: Suite) async throws -> OpeningBidView {
        let folder = DemoPKI.directoryName(suite)
        let (_, key) = try loadIdentity(certificate: "\(root)/keys/\(folder)/\(bidder).crt.pem", key: "\(root)/keys/\(folder)/\(bidder).key.pem")
        let api = try await client(server, bidder, suite: folder)
        let view: BidHeaderView = try await api.get("/v1/tenders/\(tenderId)/opening/my-bid-header")
        let contentKey = try SealedBidOpener.unwrapContentKey(header: view.header, with: key)
        struct Body: Encodable { var contentKey: String }
        return try await api.send("POST", "/v1/tenders/\(tenderId)/opening/decrypt", json: Body(contentKey: Data(contentKey).base64EncodedString()))
    }

    private func waitForCompletion(_ api: EBidClient, path: String) async throws -> OpeningView {
        for _ in 0..<100 {
            let view: OpeningView = try await api.get(path)
            if view.status != .decrypting { return view }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CLIError("the opening did not complete")
    }
}
