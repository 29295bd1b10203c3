import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Credit {
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Query the register: a subject's page, or the listings by category and date.",
            discussion: """
            Without --cert: what the public sees — published decisions (a subject's page also shows
            those no longer listed). With a supervisor's --cert/--key: everything, with each
            decision's history, the ledger events that recorded it and the leads about the subject.
            """
        )

        @Option(help: "The ebid service, e.g. http://127.0.0.1:8080.")
        var server: String

        @Option(help: "A supervisor's certificate (optional).")
        var cert: String?

        @Option(help: "The supervisor's private key (with --cert).")
        var key: String?

        @Option(help: "Unified social credit code or person id.")
        var subject: String?

        @Option(help: "collusion, fraud, failure-to-perform, decryption-failure, evaluator-misconduct, evaluator-bribery, other.")
        var category: String?

        @Option(help: "Decisions from this date (2026-01-01 or an ISO 8601 time).")
        var from: String?

        @Option(help: "Decisions before this date.")
        var to: String?

        @Option(help: "At most this many decisions (listings).")
        var limit: Int = 100

        @Flag(help: "Show every record of each decision (corrections, appeals, revocations, repairs).")
        var history = false

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let api = try await loggedInIfGiven(server: server, cert: cert, key: key)
                let supervisor = cert != nil
                if let subject {
                    let code = EBidClient.pathComponent(subject)
                    if supervisor {
                        let file: SupervisorSubjectFile = try await api.get("/v1/supervision/credit/subjects/\(code)")
                        if json { return try printJSON(file) }
                        printSupervisorFile(file)
                    } else {
                        let page: SubjectPage = try await api.get("/v1/credit/subjects/\(code)?history=\(history)")
                        if json { return try printJSON(page) }
                        printSubjectPage(page)
                    }
                    return
                }
                var parameters = ["limit=\(limit)"]
                if let category { parameters.append("category=\(category)") }
                if let from { parameters.append("from=\(EBidClient.queryValue(from))") }
                if let to { parameters.append("to=\(EBidClient.queryValue(to))") }
                let listing: CreditListing = try await api.get((supervisor ? "/v1/supervision/credit/records?" : "/v1/credit/records?") + parameters.joined(separator: "&"))
                if json { return try printJSON(listing) }
                print(supervisor ? "every decision, listed or not (\(displayTime(listing.at)))" : "published credit records (\(displayTime(listing.at)))")
                printEntries(listing.records)
                if let next = listing.next { print("  … more: beforeDate=\(iso8601(next.decisionDate))&beforeId=\(next.id)") }
            }
        }
    }
}
