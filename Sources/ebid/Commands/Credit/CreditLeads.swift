import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Credit {
    struct Leads: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Leads: process events that may call for a record (decryption failures, collusion signals…) — supervisors.",
            discussion: "Turn one into a record with `ebid credit add --lead ID`, or dismiss it with `ebid credit dismiss`."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "open, recorded, dismissed or all.")
        var status: String = "open"

        @Option(help: "Only leads from this tender.")
        var tender: String?

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                var parameters: [String] = []
                if status != "all" { parameters.append("status=\(status)") }
                if let tender { parameters.append("tender=\(EBidClient.queryValue(tender))") }
                let leads: [CreditLead] = try await client.login().get("/v1/credit/leads?" + parameters.joined(separator: "&"))
                if json { return try printJSON(leads) }
                if leads.isEmpty { print("no \(status == "all" ? "" : status + " ")leads") }
                for lead in leads { printLead(lead) }
            }
        }
    }
}
