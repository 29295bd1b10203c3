import BidCore
import Foundation
import Testing
import TestSupport

/// Issue 14, drafts and mistakes, through a real `ebid serve`: a refused `tender publish` leaves a
/// draft that the next run updates (not silently keeps), that can be shown, edited and
/// discarded; a refused amendment can be published with a corrected deadline or discarded.
@Suite("Drafts that can be fixed: tender draft show/edit/discard, publish updating a draft, amendment publish/discard", .serialized)
struct TenderDraftCLITests {
    typealias CLI = ServiceCLITests

    @Test("a refused publication leaves a draft the next publish updates; drafts shown, edited, discarded; a refused amendment published later or discarded")
    func drafts() throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"))
        defer { server.stop() }
        let agency = ["--server", server.url] + CLI.identity("agency-01")
        dir.write("招标文件.txt", Array("招标文件（演示）".utf8))
        try CLI.keygen(in: dir)
        let keys = ["--opening-key", dir.file("opening-gm.json"), "--opening-key", dir.file("opening-nist.json")]
        let publish = ["tender", "publish"] + agency + ["--file", "\(CLI.seeds)/tenders/demo-tender.json", "--document", dir.file("招标文件.txt")] + keys

        // Too short a bid period (demo: 20 "days" of a second): refused, and the draft stays.
        let refused = try ebid(publish + ["--deadline", "+5s"])
        #expect(refused.status != 0 && refused.stderr.contains("tender.bid-period-too-short"), "\(refused.stderr)")
        let anonymous = try ebid(["tender", "show", "FZGC-2026-0001", "--server", server.url])
        #expect(anonymous.status != 0 && anonymous.stderr.contains("tender.not-found"), "a draft is visible to others: \(anonymous.text)")
        let draft = try ebid(["tender", "draft", "show", "--tender", "FZGC-2026-0001"] + agency)
        #expect(draft.status == 0 && draft.text.contains("draft") && draft.text.contains("招标文件.txt"), "\(draft.text) \(draft.stderr)")
        // Someone else's draft does not exist for them.
        let other = try ebid(["tender", "draft", "show", "--tender", "FZGC-2026-0001", "--server", server.url] + CLI.identity("bidder-01"))
        #expect(other.status != 0 && other.stderr.contains("tender.not-found"), "\(other.stderr)")

        // An edit with a changed suite set is refused (the keys are fixed); a title edit is kept.
        var spec = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(CLI.seeds)/tenders/demo-tender.json"))) as! [String: Any]
        spec["acceptedSuites"] = ["GM"]
        spec["bidDeadline"] = ISO8601DateFormatter().string(from: Date().addingTimeInterval(400))
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: dir.file("suites.json")))
        let suites = try ebid(["tender", "draft", "edit", "--file", dir.file("suites.json")] + agency)
        #expect(suites.status != 0 && suites.stderr.contains("tender.suites-fixed"), "\(suites.stderr)")
        spec["acceptedSuites"] = ["GM", "NIST"]
        spec["title"] = "改正后的标题（演示）"
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: dir.file("edited.json")))
        let edited = try ebid(["tender", "draft", "edit", "--file", dir.file("edited.json")] + agency)
        #expect(edited.status == 0 && edited.text.contains("改正后的标题"), "\(edited.text) \(edited.stderr)")

        // The same publish again, with a good deadline: the draft is updated from the file and flags, then published.
        let again = try ebid(publish + ["--deadline", "+300s"])
        #expect(again.status == 0 && again.text.contains("is updated from") && again.text.contains("published"), "\(again.text) \(again.stderr)")
        let shown = try ebid(["tender", "show", "FZGC-2026-0001", "--server", server.url, "--json"])
        #expect(!shown.text.contains("改正后的标题"), "the re-run must take the file's title, not the old draft's: \(shown.text.prefix(400))")
        let discardPublished = try ebid(["tender", "draft", "discard", "--tender", "FZGC-2026-0001"] + agency)
        #expect(discardPublished.status != 0 && discardPublished.stderr.contains("tender.already-published"), "\(discardPublished.stderr)")

        // An amendment that would move the deadline earlier: refused, left as a draft, then published right.
        let amend = ["tender", "amend", "--tender", "FZGC-2026-0001", "--title", "澄清一", "--text", "工期调整"] + agency
        let badAmend = try ebid(amend + ["--new-deadline", "+100s"])
        #expect(badAmend.status != 0 && badAmend.stderr.contains("amendment.deadline-earlier") && badAmend.stderr.contains("tender amendment publish"), "\(badAmend.stderr)")
        let blocked = try ebid(amend)
        #expect(blocked.status != 0 && blocked.stderr.contains("amendment.draft-open"), "\(blocked.stderr)")
        let fixed = try ebid(["tender", "amendment", "publish", "--tender", "FZGC-2026-0001", "--number", "1", "--new-deadline", "+600s"] + agency)
        #expect(fixed.status == 0 && fixed.text.contains("amendment 1 published"), "\(fixed.text) \(fixed.stderr)")
        // Another refused one, discarded: the next takes its number.
        let second = try ebid(amend + ["--new-deadline", "+100s"])
        #expect(second.status != 0)
        let discarded = try ebid(["tender", "amendment", "discard", "--tender", "FZGC-2026-0001", "--number", "2"] + agency)
        #expect(discarded.status == 0, "\(discarded.stderr)")
        let publishedOne = try ebid(["tender", "amendment", "discard", "--tender", "FZGC-2026-0001", "--number", "1"] + agency)
        #expect(publishedOne.status != 0 && publishedOne.stderr.contains("amendment.already-published"), "\(publishedOne.stderr)")
        let third = try ebid(amend)
        #expect(third.status == 0 && third.text.contains("amendment 2 published"), "\(third.text) \(third.stderr)")

        // A second tender's draft discarded: gone, and its id free again.
        try CLI.keygen(in: dir, tender: "FZGC-2026-0099")
        spec["id"] = "FZGC-2026-0099"
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: dir.file("second.json")))
        let secondKeys = ["--opening-key", dir.file("opening-gm-FZGC-2026-0099.json"), "--opening-key", dir.file("opening-nist-FZGC-2026-0099.json")]
        let secondPublish = ["tender", "publish"] + agency + ["--file", dir.file("second.json"), "--document", dir.file("招标文件.txt")] + secondKeys
        #expect(try ebid(secondPublish + ["--deadline", "+5s"]).status != 0)
        let gone = try ebid(["tender", "draft", "discard", "FZGC-2026-0099"] + agency)
        #expect(gone.status == 0 && gone.text.contains("discarded"), "\(gone.stderr)")
        #expect(try ebid(["tender", "draft", "show", "FZGC-2026-0099"] + agency).status != 0)
        // The discarded draft's keys stay used (one key, one tender, for ever): the id takes new ones.
        let reused = try ebid(secondPublish + ["--deadline", "+300s"])
        #expect(reused.status != 0 && reused.stderr.contains("tender.opening-key-reused"), "\(reused.stderr)")
        try CLI.keygen(in: dir, tender: "FZGC-2026-0099")
        let remade = try ebid(secondPublish + ["--deadline", "+300s"])
        #expect(remade.status == 0 && !remade.text.contains("is updated from"), "\(remade.text) \(remade.stderr)")

        #expect(server.stop() == 0)
        let audit = try ebid(["audit", "verify", "--data", dir.file("data"), "--platform-cert", "\(CLI.keys)/gm/platform.crt.pem"])
        #expect(audit.status == 0, "\(audit.text) \(audit.stderr)")
    }
}
