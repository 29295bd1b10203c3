import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// The evaluation part of the service demo (评标全封闭): the verifiable draw, sealed scoring by
/// the committee in two rounds, the report and its signatures, publicity, an objection, the award.
extension ServiceDemo {
    func evaluation(server: String, platform: Certificate) async throws -> Int {
        var failures = 0
        let path = EvalWork.tenderPath(tenderId)
        let agency = try await client(server, "agency-01", suite: "gm")
        let supervisor = try await client(server, "supervisor-01", suite: "gm")
        let admin = try await client(server, "admin-01", suite: "gm")
        struct Advance: Encodable { var seconds: Double }
        struct Now: Decodable { var now: Date }

        narrator.step("The expert draw (抽取专家, Reg. art. 46). The agency sets it up: the pool snapshot (45 experts, some registered by other cities' centres) and every exclusion with its reason are fixed by digest before any value is revealed.")
        // The tender seats one tenderer's representative (at most a third, Law art. 37): 杨文彬 of the
        // tenderer's staff, expert-15, named by the agency; the other six are drawn.
        struct Start: Encodable { var representatives: [String] }
        let started: EvaluationRoom.DrawView = try await agency.send("POST", "\(path)/draw", json: Start(representatives: ["expert-15"]))
        for exclusion in started.record?.excluded ?? [] {
            narrator.result("\(exclusion.expert) excluded: \(exclusion.reasons.map(\.detail).joined(separator: "; "))")
        }
        narrator.step("The agency and a supervisor each commit to a secret value made on their own machine, then reveal it. The seed is the hash of both values, the opening record's digest, the pool and the exclusions: neither could choose it, and anyone can recompute the committee from the published record.")
        for (party, api) in [("agency-01", agency), ("supervisor-01", supervisor)] {
            try await DrawWork.commit(api, tender: tenderId, party: party, secretPath: "\(work)/\(party)-draw.secret.json")
        }
        var drawn: EvaluationRoom.DrawView?
        for (party, api) in [("agency-01", agency), ("supervisor-01", supervisor)] {
            drawn = try await DrawWork.reveal(api, secretPath: "\(work)/\(party)-draw.secret.json")
        }
        guard let record = drawn?.record else { throw CLIError("the draw did not complete") }
        let members = record.members.map(\.expert) + (record.representatives ?? [])
        failures += narrator.expect((try? record.verify().map(\.expert)) == record.members.map(\.expert),
                                    "committee of \(members.count): \(record.members.count) drawn by specialty (2 from other cities' pools, 异地评标) and the tenderer's representative \(record.representatives?.joined(separator: ", ") ?? "—"): \(members.joined(separator: ", ")); δ = \(record.delta?.description ?? "—"); the record verifies offline")
        narrator.result("the list stays with the agency and the supervisors until the award (Law art. 37)")

        // The members, each on its own machine.
        var clients: [String: (EBidClient, PrivateKey)] = [:]
        for member in members {
            let (certificate, key) = try loadIdentity(certificate: "\(root)/keys/gm/\(member).crt.pem", key: "\(root)/keys/gm/\(member).key.pem")
            let api = try EBidClient(server: server)
            try await api.login(certificate: certificate, key: key)
            clients[member] = (api, key)
            _ = try await EvalWork.declare(api, tender: tenderId, section: "1", member: member, recuse: false, text: "本人与本项目投标人不存在利害关系，承诺客观公正评标。", key: key)
        }
        stage("evaluating")
        narrator.step("Each member signs its no-conflict declaration (回避承诺) and sees the bids under codes: the technical parts only, with no name, price or certificate data (暗标).")
        let (firstClient, _) = clients[members[0]]!
        let view: EvaluationRoom.BidsView = try await firstClient.get("\(path)/evaluation/bids")
        failures += narrator.expect(!view.namesShown && view.bids.allSatisfy { $0.bidder == nil && $0.parts.allSatisfy { $0.kind == "technical" } },
                                    "\(view.bids.count) bids: \(view.bids.map(\.code).joined(separator: ", ")) — technical parts only, no names")

        narrator.step("Sealed scoring, technical round. Each member's machine checks its scores against the rubric, then sends only a signed hash of them and a secret salt. Nobody — the agency and the platform's operators included — can see a score until every member has committed; then each reveals, and the service checks every sheet against its commitment.")
        let rubric = view.evaluation.rubric
        let odd = members[1]
        try await scoreRound(.technical, clients: clients, rubric: rubric, path: path, odd: odd)
        let scores: EvaluationRoom.ScoresView = try await agency.get("\(path)/evaluation/scores")
        let flags = scores.rounds.first { $0.round == .technical }?.flags ?? []
        failures += narrator.expect(flags.count == 1, "technical scores locked; one score lies more than 30 % from the others' mean and needs its member's written explanation")
        for flag in flags {
            let input = EvaluationRoom.ExplanationInput(round: .technical, code: flag.bid, criterion: flag.criterion, text: "该投标人施工组织设计对交通疏导考虑不足，故评分较低。")
            let _: EvaluationRoom.ScoresView.Round = try await clients[flag.member]!.0.send("POST", "\(path)/evaluation/explanations", json: input)
            narrator.result("\(flag.bid) \(flag.criterion): \(flag.score) against a mean of \(flag.othersMean) — explained")
        }

        narrator.step("With the technical scores locked, names, prices and every part are shown. Bid cleaning (清标) checks each priced bill of quantities — evidence, never a rejection by itself; the members review compliance (Reg. art. 51) with the opening's collusion signals before them, and score the commercial round the same way.")
        struct CleaningLine: Decodable { var code: String; var report: CleaningReport }
        let cleaning: [CleaningLine] = try await firstClient.get("\(path)/evaluation/cleaning")
        for line in cleaning where !line.report.findings.isEmpty {
            narrator.result("\(line.code): " + line.report.findings.map { "\($0.kind.rawValue) \($0.item)" }.joined(separator: ", "))
        }
        let named: EvaluationRoom.BidsView = try await firstClient.get("\(path)/evaluation/bids")
        // The opening's collusion signals (the same project manager, an identical document) are
        // before the committee: deemed collusion (Reg. art. 40), so rejected (Reg. art. 51(7)).
        let colluding = Set(named.bids.filter { ["漳州九龙江水利水电工程有限公司", "莆田木兰溪建设有限公司"].contains($0.bidder ?? "") }.map(\.code))
        for member in members {
            struct Body: Encodable { var opinions: [ComplianceOpinion] }
            let opinions = named.technicalCodes.map { code in
                colluding.contains(code) ? ComplianceOpinion(code: code, reject: true, reasons: ["与另一投标人项目经理相同、投标文件相同，视为串通投标（条例第40条），否决其投标（条例第51条）"])
                    : ComplianceOpinion(code: code, reject: false)
            }
            let _: EvaluationRoom.TaskView = try await clients[member]!.0.send("POST", "\(path)/evaluation/compliance", json: Body(opinions: opinions))
        }
        narrator.result("compliance review: \(colluding.sorted().joined(separator: " and ")) rejected by the committee — the same project manager and an identical document (Reg. arts. 40, 51)")
        try await scoreRound(.commercial, clients: clients, rubric: rubric, path: path, odd: nil)

        narrator.step("The report (评标报告, Reg. art. 53): the platform signs the ranking, every member's revealed scores, the compliance decisions, the cleaning findings, the explanation and the collusion signals considered. Each member signs it with its own key; one dissents with reasons; one stays silent past the deadline, which counts as agreeing.")
        struct Served: Codable { var signed: SignedDocument.Wire; var final: SignedDocument.Wire? }
        let _: Served = try await agency.send("POST", "\(path)/evaluation/report", json: ["deadlineMinutes": 1])
        for (index, member) in members.enumerated() where index < members.count - 1 {
            _ = try await EvalWork.sign(clients[member]!.0, tender: tenderId, member: member, dissent: index == 0 ? "对T1评分标准的适用有不同意见。" : nil, key: clients[member]!.1, platform: platform)
        }
        let _: Now = try await admin.send("POST", "/v1/demo/clock", json: Advance(seconds: 61))
        let _: Served = try await agency.send("POST", "\(path)/evaluation/report/final")
        let served: Served = try await agency.get("\(path)/evaluation/report")
        guard let signedReport = served.signed.signed, try signedReport.verify(with: platform) else { throw CLIError("the report does not verify") }
        let report = try signedReport.decode(EvaluationRoom.Report.self)
        printReport(report, final: try served.final?.signed?.decode(EvaluationRoom.FinalReport.self))
        failures += narrator.expect(report.candidates.count == 3 && report.bids.filter(\.rejected).count == 2,
                                    "the report names 3 ranked candidates (Reg. art. 53); the 2 rejected bids are not ranked")

        narrator.step("Publicity (公示, Reg. art. 54): the candidates are published for 3 days (3 seconds here). 厦门海沧市政 objects; the agency answers; only then the award.")
        // Pausing for page checks needs a publicity longer than 3 demo days (3 seconds).
        let publicityDays = pauses ? 30 : 3
        let _: Served = try await agency.send("POST", "\(path)/result/publicity", json: ["days": publicityDays])
        stage("publicity")
        let objector = try await client(server, "bidder-03", suite: "nist")
        let _: Objection = try await objector.send("POST", "\(path)/result/objections", json: ["text": "请复核第一中标候选人的类似工程业绩。"])
        let _: Objection = try await agency.send("POST", "\(path)/result/objections/1/answer", json: ["text": "经复核，第一中标候选人业绩真实有效。"])
        let _: Now = try await admin.send("POST", "/v1/demo/clock", json: Advance(seconds: Double(publicityDays + 1)))
        let awarded: Served = try await agency.send("POST", "\(path)/result/award", json: [String: String]())
        let award = try awarded.signed.signed!.decode(EvaluationRoom.Award.self)
        narrator.result("award notice (中标通知书) to \(award.winner.bidder) at \(award.winner.price) yuan; \(award.notices.count) result notices; all signed by the platform")

        let result: EvaluationRoom.ResultView = try await EBidClient(server: server).get("\(path)/result")
        let publicMembers = try result.drawRecord.map { try $0.verify().map(\.expert) + ($0.representatives ?? []) }
        failures += narrator.expect(publicMembers == members && award.winner.bidder == report.bids.first { $0.rank == 1 }?.bidder,
                                    "now public: the committee and the draw record, which anyone recomputes; the winner is the first-ranked candidate")
        stage("awarded")
        return failures
    }

    /// Every member commits to plausible scores (between 90 % and 100 % of each maximum, in whole
    /// points), then all reveal; `odd` gives one score far below the others.
    private func scoreRound(_ round: ScoringRound, clients: [String: (EBidClient, PrivateKey)], rubric: Rubric, path: String, odd: String?) async throws {
        let criteria = EvaluationRoom.criteria(round, rubric)
        for (member, (api, key)) in clients.sorted(by: { $0.key < $1.key }) {
            let view: EvaluationRoom.BidsView = try await api.get("\(path)/evaluation/bids")
            let codes = round == .technical ? view.technicalCodes : (view.commercialCodes ?? [])
            var scores: [String: [String: ExactDecimal]] = [:]
            for code in codes {
                for criterion in criteria {
                    let byte = Int(StreamingDigest.hash(Array("\(member)/\(code)/\(criterion.id)".utf8), using: .sha256)[0])
                    // Within 10 % of the maximum: with the odd score (40 %) among them, no other score can lie
                    // 30 % from the others' mean (worst case 22 % for 7 members), so exactly one is flagged.
                    let band = criterion.maximum * ExactDecimal("0.1")!
                    let cut = (band * ExactDecimal(byte % 5)).divided(by: ExactDecimal(4), places: 0, .down)!  // 0…band, whole points
                    var score = criterion.maximum - ExactDecimal.min(cut, band)
                    if member == odd, code == codes.first, criterion.id == criteria.first?.id { score = (criterion.maximum * ExactDecimal("0.4")!).rounded(places: 0) }
                    scores[code, default: [:]][criterion.id] = score
                }
            }
            try await EvalWork.commit(api, tender: tenderId, member: member, round: round, scores: scores, key: key,
                                      secretPath: "\(work)/\(member)-\(round.rawValue).secret.json")
        }
        for (member, (api, _)) in clients.sorted(by: { $0.key < $1.key }) {
            try await EvalWork.reveal(api, secretPath: "\(work)/\(member)-\(round.rawValue).secret.json")
        }
    }
}
