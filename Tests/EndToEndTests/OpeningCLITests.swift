import BidCore
import Foundation
import Testing
import TestSupport

/// The opening with nobody in the room (不见面开标), through a real `ebid serve` and the real CLI.
@Suite("Opening end to end: remote decryption, committee remedy, the signed record", .serialized)
struct OpeningCLITests {
    typealias CLI = ServiceCLITests
    static let tender = "FZGC-2026-0001"

    @Test("five bidders; four decrypt remotely, the fifth is opened by the committee; the record verifies offline, with openssl too")
    func remoteOpening() throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"))
        defer { server.stop() }
        // The opening keys are made by the officials' key ceremony, through the CLI.
        try CLI.publishDemoTender(server, in: dir, ceremony: true)
        for folder in ["gm", "nist"] {
            let verify = try ebid(["opening", "ceremony", "verify", "--in", dir.file("transcript-\(folder).json"), "--trust", "\(CLI.keys)/\(folder)/ca.crt.pem",
                                   "--platform-cert", "\(CLI.keys)/gm/platform.crt.pem"])
            #expect(verify.status == 0 && verify.text.contains("verifies"), "\(verify.stderr)")
        }
        // A transcript changed after the fact, and a key made on one machine, do not pass as ceremonies.
        var forged = dir.read("transcript-gm.json")
        let text = String(decoding: forged, as: UTF8.self).replacingOccurrences(of: "\"attempt\" : 1", with: "\"attempt\" : 2")
        #expect(text != String(decoding: forged, as: UTF8.self))
        forged = Array(text.utf8)
        dir.write("transcript-forged.json", forged)
        let forgedVerify = try ebid(["opening", "ceremony", "verify", "--in", dir.file("transcript-forged.json"), "--trust", "\(CLI.keys)/gm/ca.crt.pem"])
        #expect(forgedVerify.status == 1 && forgedVerify.stderr.contains("ceremony.dealing-invalid"), "\(forgedVerify.stderr)")
        try CLI.keygen(in: dir)
        let dealerVerify = try ebid(["opening", "ceremony", "verify", "--in", dir.file("opening-gm.json"), "--trust", "\(CLI.keys)/gm/ca.crt.pem"])
        #expect(dealerVerify.status == 1 && dealerVerify.stderr.contains("ceremony.unverified"), "\(dealerVerify.stderr)")
        let bidders: [(String, String)] = [("bidder-01", "gm"), ("bidder-02", "nist"), ("bidder-04", "gm"), ("bidder-05", "gm"), ("bidder-06", "gm")]
        for (bidder, suite) in bidders {
            #expect(try CLI.seal(bidder, server: server, out: dir.file("\(bidder).ebid"), suite: suite).status == 0)
            let submit = try ebid(["bid", "submit", "--server", server.url] + CLI.identity(bidder, suite: suite) + ["--in", dir.file("\(bidder).ebid")])
            #expect(submit.status == 0, "\(submit.stderr)")
        }
        // Before the deadline: the opening, a content key and a share are all refused.
        let early = try ebid(["opening", "start", "--server", server.url, "--tender", Self.tender] + CLI.identity("agency-01"))
        #expect(early.status == 1 && early.stderr.contains("opening.before-deadline"), "\(early.stderr)")
        let earlyShare = try ebid(["opening", "share", "--server", server.url, "--tender", Self.tender] + CLI.identity("official-01"))
        #expect(earlyShare.status == 1 && earlyShare.stderr.contains("opening.before-deadline"), "\(earlyShare.stderr)")
        let earlyDecrypt = try ebid(["bid", "decrypt", "--server", server.url, "--tender", Self.tender] + CLI.identity("bidder-01"))
        #expect(earlyDecrypt.status == 1 && earlyDecrypt.stderr.contains("opening.before-deadline"), "\(earlyDecrypt.stderr)")

        #expect(try ebid(["admin", "clock", "--server", server.url, "--advance", "400"] + CLI.identity("admin-01")).status == 0)
        let start = try ebid(["opening", "start", "--server", server.url, "--tender", Self.tender] + CLI.identity("agency-01"))
        #expect(start.status == 0, "\(start.stderr)")
        #expect(start.text.contains("decrypting"))

        // Four bidders decrypt on their own machines; a bidder cannot use someone else's key.
        let stranger = try ebid(["bid", "decrypt", "--server", server.url, "--tender", Self.tender] + CLI.identity("bidder-03"))
        #expect(stranger.status == 1 && stranger.stderr.contains("opening.no-bid"), "\(stranger.stderr)")
        for (bidder, suite) in bidders.prefix(4) {
            let decrypt = try ebid(["bid", "decrypt", "--server", server.url, "--tender", Self.tender] + CLI.identity(bidder, suite: suite))
            #expect(decrypt.status == 0, "\(bidder): \(decrypt.stderr)")
            #expect(decrypt.text.contains("decrypted and opened"))
        }
        // Two officials hand in their shares (GM: bidder-06's suite); a bidder cannot.
        for official in ["official-01", "official-03"] {
            let share = try ebid(["opening", "share", "--server", server.url, "--tender", Self.tender] + CLI.identity(official))
            #expect(share.status == 0, "\(share.stderr)")
        }
        let notOfficial = try ebid(["opening", "share", "--server", server.url, "--tender", Self.tender] + CLI.identity("bidder-01"))
        #expect(notOfficial.status == 1)
        // The window (30 s in the demo profile) passes: the remedy opens bidder-06's bid.
        #expect(try ebid(["admin", "clock", "--server", server.url, "--advance", "60"] + CLI.identity("admin-01")).status == 0)
        var completed = false
        for _ in 0..<100 where !completed {
            let status = try ebid(["opening", "status", "--server", server.url, Self.tender])
            completed = status.text.contains("completed")
            if !completed { usleep(200_000) }
        }
        #expect(completed)

        // The record: printed as a table, written with its signature, checked offline by ebid and by openssl.
        let record = try ebid(["opening", "record", "--server", server.url, Self.tender, "--out", dir.file("record.json")])
        #expect(record.status == 0, "\(record.stderr)")
        #expect(record.text.contains("authentic"))
        for name in ["泉州", "committee", "38000000.00"] { #expect(record.text.contains(name), "record lacks \(name): \(record.text)") }
        #expect(try runCommand(["curl", "-sf", "\(server.url)/v1/platform/certificate", "-o", dir.file("platform.pem")]).status == 0)
        let verify = try ebid(["record", "verify", "--in", dir.file("record.json"), "--platform-cert", dir.file("platform.pem"),
                               "--opening-key", dir.file("transcript-gm.json"), "--opening-key", dir.file("transcript-nist.json")])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.text.contains("1 committee opening(s) recomputed"), "\(verify.text)")
        // Checked against another key (keygen's, never used), the record's verification keys do not match.
        let wrongKey = try ebid(["record", "verify", "--in", dir.file("record.json"), "--platform-cert", dir.file("platform.pem"),
                                 "--opening-key", dir.file("opening-gm.json")])
        #expect(wrongKey.status == 1, "\(wrongKey.text)")
        try openssl(["x509", "-in", "platform.pem", "-pubkey", "-noout", "-out", "platform.pub"], in: dir)
        #expect(try openssl(["dgst", "-sm3", "-verify", "platform.pub", "-sigopt", "distid:1234567812345678", "-signature", "record.json.sig", "record.json"], in: dir)
            .text.contains("Verified OK"))
        var altered = dir.read("record.json")
        altered[altered.count / 2] ^= 1
        dir.write("record-altered.json", altered)
        #expect(try ebid(["record", "verify", "--in", dir.file("record-altered.json"), "--sig", dir.file("record.json.sig"),
                          "--platform-cert", dir.file("platform.pem")]).status == 1)
        let parsed = try JSONDecoder.ebid.decode(RecordProbe.self, from: Data(dir.read("record.json")))
        #expect(parsed.bids.count == 5)
        #expect(parsed.bids.filter { $0.openedBy == "committee" }.count == 1)
        #expect(parsed.bids.allSatisfy { $0.state == "opened" })

        // Confirm, object, answer; signals for the supervisor, not for bidders.
        #expect(try ebid(["bid", "confirm", "--server", server.url, "--tender", Self.tender] + CLI.identity("bidder-01")).status == 0)
        let object = try ebid(["bid", "object", "--server", server.url, "--tender", Self.tender, "--text", "我方工期读取有误"] + CLI.identity("bidder-04"))
        #expect(object.status == 0, "\(object.stderr)")
        let answer = try ebid(["opening", "answer", "--server", server.url, "--tender", Self.tender, "--number", "1", "--text", "已核对，工期以投标文件为准"]
                              + CLI.identity("agency-01"))
        #expect(answer.status == 0, "\(answer.stderr)")
        let objections = try ebid(["opening", "objections", "--server", server.url, "--tender", Self.tender] + CLI.identity("supervisor-01"))
        #expect(objections.text.contains("已核对"))
        let signals = try ebid(["opening", "signals", "--server", server.url, "--tender", Self.tender] + CLI.identity("supervisor-01"))
        #expect(signals.status == 0, "\(signals.stderr)")
        #expect(signals.text.contains("same-project-manager") && signals.text.contains("identical-documents"), "\(signals.text)")
        let peek = try ebid(["opening", "signals", "--server", server.url, "--tender", Self.tender] + CLI.identity("bidder-05"))
        #expect(peek.status == 1 && peek.stderr.contains("auth.role-forbidden"), "\(peek.stderr)")

        // The signals are leads for the credit register: a supervisor dismisses one, with the reason.
        let leads = try ebid(["credit", "leads", "--server", server.url, "--tender", Self.tender, "--json"] + CLI.identity("supervisor-01"))
        #expect(leads.status == 0, "\(leads.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(leads.text.utf8)) as? [[String: Any]])
        let manager = try #require(list.first { ($0["summary"] as? String)?.contains("same-project-manager") == true }?["id"] as? String)
        let dismiss = try ebid(["credit", "dismiss", "--server", server.url, "--lead", manager, "--reason", "同名项目经理，身份证号不同"] + CLI.identity("supervisor-01"))
        #expect(dismiss.status == 0, "\(dismiss.stderr)")
        let dismissed = try ebid(["credit", "leads", "--server", server.url, "--status", "dismissed"] + CLI.identity("supervisor-01"))
        #expect(dismissed.text.contains(manager) && dismissed.text.contains("身份证号不同"), "\(dismissed.text)")

        // The audit checks the bid events against the checkpoint that sealed them at the deadline.
        let audit = try ebid(["audit", "verify", "--data", dir.file("data"), "--platform-cert", "\(CLI.keys)/gm/platform.crt.pem"])
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(audit.text.contains("1 tender(s) checked"), "\(audit.text)")
    }

    struct RecordProbe: Decodable {
        struct Bid: Decodable { var state: String; var openedBy: String? }
        var bids: [Bid]
    }
}
