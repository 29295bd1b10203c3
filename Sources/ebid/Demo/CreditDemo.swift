import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// The credit register in the service demo: the decision that barred 龙岩闽西, as the public and a
/// supervisor see it; after the opening, the leads it raised.
extension ServiceDemo {
    func creditQueries(server: String) async throws -> Int {
        var failures = 0
        let code = "91350800MATWMFMA1M"
        narrator.step("Anyone may look the company up in the credit register (信用 / 不良行为记录), free of charge: the decision that bars it, its legal basis and term. Only decisions bar a party — there is no credit score.")
        let page: SubjectPage = try await EBidClient(server: server).get("/v1/credit/subjects/\(code)")
        printSubjectPage(page)
        failures += narrator.expect(page.activeRestrictions.map(\.id) == ["CR-2026-FZ-0007"], "the public page shows the debarment in force")

        narrator.step("A supervisor (叶振宇) opens the full file: the decision's history, and the ledger events that recorded it, each with the signed checkpoint that covers it.")
        let supervisor = try await client(server, "supervisor-01", suite: "gm")
        let file: SupervisorSubjectFile = try await supervisor.get("/v1/supervision/credit/subjects/\(code)")
        printSupervisorFile(file)
        failures += narrator.expect(file.decisions.first?.events.first?.event.object == "credit/CR-2026-FZ-0007", "the ledger event of the record is in the file")
        return failures
    }

    func leads(server: String) async throws -> Int {
        var failures = 0
        narrator.step("What the opening found becomes leads for the supervisors — never records by themselves. A supervisor reviews them: the shared address and timing are explained (in this demo every bidder runs on one machine) and dismissed with that reason; the shared project manager and the identical proposal stay open for investigation.")
        let supervisor = try await client(server, "supervisor-01", suite: "gm")
        let leads: [CreditLead] = try await supervisor.get("/v1/credit/leads?status=open&tender=\(tenderId)")
        struct Reason: Encodable { var reason: String }
        var dismissed = 0
        for lead in leads where ["same-upload-address", "same-decryption-address", "clustered-uploads", "same-machine"].contains(where: lead.summary.contains) {
            let _: CreditLead = try await supervisor.send("POST", "/v1/credit/leads/\(lead.id)/dismiss",
                                                          json: Reason(reason: "演示环境：所有投标人在同一台机器上操作"))
            dismissed += 1
        }
        let open: [CreditLead] = try await supervisor.get("/v1/credit/leads?status=open&tender=\(tenderId)")
        for lead in open { printLead(lead, indent: "     ") }
        failures += narrator.expect(dismissed > 0 && open.count == 4 && Set(open.compactMap(\.partyId)) == ["bidder-05", "bidder-06"],
                                    "\(dismissed) leads dismissed with their reason; 4 remain open, about 漳州九龙江 and 莆田木兰溪")
        return failures
    }
}
