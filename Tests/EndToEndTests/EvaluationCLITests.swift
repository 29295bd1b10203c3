import BidCore
import Foundation
import Testing
import TestSupport

/// Sealed evaluation through a real `ebid serve` and the real CLI: the draw, two sealed rounds,
/// the report signed by every member, publicity and the award — and the offline checks (`ebid draw
/// verify`, openssl on the report's signature), and the `ebid eval preview` contract.
@Suite("Sealed evaluation end to end", .serialized)
struct EvaluationCLITests {
    typealias CLI = ServiceCLITests
    static let tender = "FZGC-2026-0001"

    func run(_ arguments: [String], _ party: String? = nil, suite: String = "gm", expect status: Int32 = 0,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResult {
        let result = try ebid(arguments + (party.map { CLI.identity($0, suite: suite) } ?? []))
        #expect(result.status == status, "ebid \(arguments.prefix(3).joined(separator: " ")) as \(party ?? "-"): \(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    @Test("a tender evaluated through the CLI: draw, declarations, sealed rounds, report, signatures, publicity, award")
    func wholeEvaluation() throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"))
        defer { server.stop() }
        let s = server.url
        try CLI.keygen(in: dir)
        dir.write("招标文件.txt", Array("招标文件（演示）".utf8))
        _ = try run(["tender", "publish", "--server", s, "--file", "\(CLI.seeds)/tenders/demo-tender.json", "--document", dir.file("招标文件.txt"),
                     "--document", "\(CLI.seeds)/tenders/bill-of-quantities.csv", "--deadline", "+300s",
                     "--opening-key", dir.file("opening-gm.json"), "--opening-key", dir.file("opening-nist.json")], "agency-01")
        let bidders: [(String, String)] = [("bidder-01", "gm"), ("bidder-02", "nist"), ("bidder-03", "gm"), ("bidder-04", "gm"), ("bidder-05", "gm")]
        for (bidder, suite) in bidders {
            _ = try run(["bid", "seal", "--server", s, "--tender", Self.tender, "--suite", suite.uppercased(), "--summary", "\(CLI.seeds)/bids/\(bidder).summary.json",
                         "--out", dir.file("\(bidder).ebid"), "--part", "commercial=\(CLI.seeds)/bids/parts/\(bidder)/bill-of-quantities.csv"] + CLI.parts(bidder), bidder, suite: suite)
            _ = try run(["bid", "submit", "--server", s, "--in", dir.file("\(bidder).ebid")], bidder, suite: suite)
        }
        _ = try run(["admin", "clock", "--server", s, "--advance", "400"], "admin-01")
        // No draw before the opening record.
        let early = try run(["draw", "run", "--server", s, "--tender", Self.tender, "--representative", "expert-15"], "agency-01", expect: 1)
        #expect(early.stderr.contains("draw.not-opened"))
        _ = try run(["opening", "start", "--server", s, "--tender", Self.tender], "agency-01")
        for (bidder, suite) in bidders { _ = try run(["bid", "decrypt", "--server", s, "--tender", Self.tender], bidder, suite: suite) }
        var completed = false
        for _ in 0..<100 where !completed {
            completed = try ebid(["opening", "status", "--server", s, Self.tender]).text.contains("completed")
            if !completed { usleep(200_000) }
        }
        #expect(completed)

        // The draw: set up, commit, reveal; the record verifies offline and a changed one does not.
        let setup = try run(["draw", "run", "--server", s, "--tender", Self.tender, "--representative", "expert-15"], "agency-01")
        #expect(setup.text.contains("expert-03") && setup.text.contains("banned from evaluation"), "\(setup.text)")
        for party in ["agency-01", "supervisor-01"] {
            _ = try run(["draw", "commit", "--server", s, "--tender", Self.tender, "--secret", dir.file("\(party)-draw.json")], party)
        }
        for party in ["agency-01", "supervisor-01"] {
            _ = try run(["draw", "reveal", "--server", s, "--tender", Self.tender, "--secret", dir.file("\(party)-draw.json")], party)
        }
        let members = try run(["draw", "show", "--server", s, "--tender", Self.tender, "--members"], "supervisor-01").text
            .split(separator: "\n").map(String.init)
        #expect(members.count == 7)
        _ = try run(["draw", "show", "--server", s, "--tender", Self.tender, "--out", dir.file("draw.json")], "agency-01")
        let verified = try run(["draw", "verify", "--in", dir.file("draw.json")])
        #expect(verified.text.contains("the draw verifies"))
        var record = String(decoding: dir.read("draw.json"), as: UTF8.self)
        record = record.replacingOccurrences(of: "\"expert\" : \"\(members[0])\"", with: "\"expert\" : \"expert-99\"")
        dir.write("draw-changed.json", Array(record.utf8))
        #expect(try run(["draw", "verify", "--in", dir.file("draw-changed.json")], expect: 1).stderr.contains("draw.mismatch"))
        // A member cannot read the draw record (the committee list is for the host and supervisors).
        _ = try run(["draw", "show", "--server", s, "--tender", Self.tender], members[0], expect: 1)

        // Declarations, then the technical round under codes.
        let sealed = try run(["eval", "bids", "--server", s, "--tender", Self.tender], members[0], expect: 1)
        #expect(sealed.stderr.contains("evaluation.declaration-missing"))
        for member in members { _ = try run(["eval", "declare", "--server", s, "--tender", Self.tender], member) }
        let bids = try run(["eval", "bids", "--server", s, "--tender", Self.tender, "--download", dir.file("parts-\(members[0])")], members[0]).text
        #expect(bids.contains("under codes") && !bids.contains("福建闽江") && !bids.contains("36880000"), "\(bids)")
        for round in ["technical", "commercial"] {
            if round == "commercial" {
                for member in members { _ = try run(["eval", "compliance", "--server", s, "--tender", Self.tender], member) }
            }
            for (index, member) in members.enumerated() {
                let sheet = dir.file("\(member)-\(round).csv")
                _ = try run(["eval", "bids", "--server", s, "--tender", Self.tender, "--template", sheet, "--round", round], member)
                // One member marks every T1 one point down; the others keep the maxima.
                if index == 1 {
                    let text = String(decoding: dir.read("\(member)-\(round).csv"), as: UTF8.self)
                    dir.write("\(member)-\(round).csv", Array(text.replacingOccurrences(of: ",T1,25", with: ",T1,24").utf8))
                }
                _ = try run(["eval", "commit", "--server", s, "--tender", Self.tender, "--round", round, "--scores", sheet,
                             "--secret", dir.file("\(member)-\(round).secret")], member)
                if index == 0 {
                    // Nobody reveals before every member committed.
                    let tooEarly = try run(["eval", "reveal", "--server", s, "--tender", Self.tender, "--round", round, "--secret", dir.file("\(member)-\(round).secret")],
                                           member, expect: 1)
                    #expect(tooEarly.stderr.contains("evaluation.round-not-revealing"))
                }
            }
            for member in members {
                _ = try run(["eval", "reveal", "--server", s, "--tender", Self.tender, "--round", round, "--secret", dir.file("\(member)-\(round).secret")], member)
            }
        }
        // Bid cleaning, as a member sees it once names are shown: bidder-05's unbalanced unit price.
        let cleaning = try run(["eval", "clean", "--server", s, "--tender", Self.tender], members[0]).text
        #expect(cleaning.contains("unbalanced-high"), "\(cleaning)")
        let scores = try run(["eval", "scores", "--server", s, "--tender", Self.tender], "supervisor-01").text
        #expect(scores.contains("technical: locked") && scores.contains("commercial: locked"), "\(scores)")

        // The report, every member's signature, checked with the platform certificate.
        #expect(try runCommand(["curl", "-sf", "\(s)/v1/platform/certificate", "-o", dir.file("platform.pem")]).status == 0)
        _ = try run(["eval", "report", "--server", s, "--tender", Self.tender, "--generate", "--deadline-minutes", "60"], "agency-01")
        for member in members {
            _ = try run(["eval", "sign", "--server", s, "--tender", Self.tender, "--platform-cert", dir.file("platform.pem")], member)
        }
        let report = try run(["eval", "report", "--server", s, "--tender", Self.tender, "--finalize", "--platform-cert", dir.file("platform.pem"),
                              "--out", dir.file("report.json")], "agency-01").text
        #expect(report.contains("#1") && report.contains("candidate"), "\(report)")
        // The final report verifies offline: the platform's signatures and every member's signed opinion.
        let offline = try run(["eval", "verify", "--in", dir.file("report.json"), "--platform-cert", dir.file("platform.pem"), "--trust", "\(CLI.keys)/gm/ca.crt.pem"])
        #expect(offline.text.contains("the report verifies") && offline.text.contains("\(members.count) member(s) signed"), "\(offline.text)")
        _ = try run(["eval", "verify", "--in", dir.file("report.json"), "--platform-cert", "\(CLI.keys)/nist/platform.crt.pem"], expect: 1)
        // openssl checks the report's signature on its own.
        struct Served: Decodable { struct Wire: Decodable { var document: String; var signature: String }; var signed: Wire }
        let served = try JSONDecoder().decode(Served.self, from: Data(dir.read("report.json")))
        dir.write("report.doc", [UInt8](Data(base64Encoded: served.signed.document)!))
        dir.write("report.sig", [UInt8](Data(base64Encoded: served.signed.signature)!))
        try openssl(["x509", "-in", "platform.pem", "-pubkey", "-noout", "-out", "platform.pub"], in: dir)
        #expect(try openssl(["dgst", "-sm3", "-verify", "platform.pub", "-sigopt", "distid:1234567812345678", "-signature", "report.sig", "report.doc"], in: dir)
            .text.contains("Verified OK"))

        // Publicity, an objection and its answer, the award; then the committee is public.
        _ = try run(["result", "publish", "--server", s, "--tender", Self.tender, "--days", "3"], "agency-01")
        let hidden = try run(["result", "show", "--server", s, "--tender", Self.tender, "--platform-cert", dir.file("platform.pem")])
        #expect(!members.contains { hidden.text.contains($0) } && !hidden.text.contains("committee"))
        _ = try run(["result", "object", "--server", s, "--tender", Self.tender, "--text", "请复核"], "bidder-04")
        let blocked = try run(["result", "award", "--server", s, "--tender", Self.tender], "agency-01", expect: 1)
        #expect(blocked.stderr.contains("result.publicity-running") || blocked.stderr.contains("result.objections-open"))
        _ = try run(["result", "answer", "--server", s, "--tender", Self.tender, "--number", "1", "--text", "已复核"], "agency-01")
        _ = try run(["admin", "clock", "--server", s, "--advance", "5"], "admin-01")
        _ = try run(["result", "award", "--server", s, "--tender", Self.tender], "agency-01")
        let shown = try run(["result", "show", "--server", s, "--tender", Self.tender, "--platform-cert", dir.file("platform.pem"), "--draw-out", dir.file("public-draw.json")])
        #expect(shown.text.contains("awarded") && shown.text.contains("draw record verifies"), "\(shown.text)")
        #expect(try run(["draw", "verify", "--in", dir.file("public-draw.json")]).text.contains("the draw verifies"))
        // The audit checks the evaluation's rows too.
        server.stop()
        let audit = try run(["audit", "verify", "--data", dir.file("data"), "--platform-cert", dir.file("platform.pem"),
                             "--trust", "\(CLI.keys)/gm/ca.crt.pem", "--trust", "\(CLI.keys)/nist/ca.crt.pem"])
        #expect(audit.text.contains("intact"), "\(audit.text)")
        // Against another CA's roots, the members' statements do not pass.
        let foreign = TemporaryDirectory()
        _ = try run(["keys", "demo-pki", "--out", foreign.path, "--parties", "\(CLI.seeds)/parties.json"])
        let wrongRoots = try run(["audit", "verify", "--data", dir.file("data"), "--platform-cert", dir.file("platform.pem"), "--trust", foreign.file("gm/ca.crt.pem")], expect: 1)
        #expect(wrongRoots.stderr.contains("does not chain to the trusted CA roots"), "\(wrongRoots.stderr)")
    }

    /// `ebid eval preview` (a contract): ID,PRICE lines in, ID,PRICE,SCORE lines out. The rubric is
    /// the first worked example of BidCoreTests/PriceScoringTests (huatuo0.cn), figures by hand.
    @Test("eval preview prints ID,PRICE,SCORE for a rubric; bad input is refused with a message")
    func preview() throws {
        let dir = TemporaryDirectory()
        dir.write("rubric.json", Array(#"""
            {"method": "comprehensive", "rubric": {"places": 2, "criteria": [{"id": "P", "name": "投标报价", "kind": "price", "part": "commercial", "maximum": "100"}],
             "price": {"formula": "benchmark", "drop": [{"whenAtLeast": 6, "highest": 1, "lowest": 0}, {"whenAtLeast": 7, "highest": 1, "lowest": 1}],
                       "delta": {"fixed": "0.05"}, "benchmarkPlaces": 2, "slopeAbove": "1.2", "slopeBelow": "0.8", "floor": "0"}}}
            """#.utf8))
        dir.write("prices.csv", Array("ID,PRICE\nA,10000000\nB,9800000\nC,9600000\nD,10200000\nE,9400000\nF,10500000\nG,9000000\n".utf8))
        let out = try run(["eval", "preview", "--rubric", dir.file("rubric.json"), "--prices", dir.file("prices.csv")])
        #expect(out.text == "A,10000000,91.11\nB,9800000,93.68\nC,9600000,96.26\nD,10200000,88.53\nE,9400000,98.84\nF,10500000,84.66\nG,9000000,97.34\n", "\(out.text)")
        // The demo tender's rubric draws δ: it must be given, and from the published set.
        let drawn = try run(["eval", "preview", "--rubric", "\(CLI.seeds)/tenders/demo-tender.json", "--prices", dir.file("prices.csv")], expect: 1)
        #expect(drawn.stderr.contains("--delta"))
        _ = try run(["eval", "preview", "--rubric", "\(CLI.seeds)/tenders/demo-tender.json", "--prices", dir.file("prices.csv"), "--delta", "0.07"], expect: 1)
        for (name, text) in [("bad-price", "A,12.345\n"), ("bad-line", "A\n"), ("twice", "A,1\nA,2\n"), ("empty", "\n")] {
            dir.write("\(name).csv", Array(text.utf8))
            let bad = try run(["eval", "preview", "--rubric", dir.file("rubric.json"), "--prices", dir.file("\(name).csv")], expect: 1)
            #expect(bad.stderr.contains("error:"), "\(name): \(bad.stderr)")
        }
        dir.write("bad-rubric.json", Array(#"{"method": "comprehensive", "rubric": {"criteria": [{"id": "P", "name": "价", "kind": "price", "maximum": 40}]}}"#.utf8))
        #expect(try run(["eval", "preview", "--rubric", dir.file("bad-rubric.json"), "--prices", dir.file("prices.csv")], expect: 1).stderr.contains("rubric.invalid"))
    }
}
