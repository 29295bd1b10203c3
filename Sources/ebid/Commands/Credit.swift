import ArgumentParser
import BidCore
import BidService
import Foundation

/// `ebid credit`: the credit / bad-behaviour register (信用 / 不良行为记录).
struct Credit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The credit register: decisions about parties, their publication, leads for supervisors.",
        subcommands: [Add.self, Query.self, Get.self, Import.self, Leads.self, Dismiss.self]
    )
}

extension Credit {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a decision (or a correction, appeal outcome, revocation or repair) — supervisors.",
            discussion: """
            FILE is one record (see docs/http-api.md, credit register). The service checks the term
            against the law's bounds for the category, signs the record and enters it in the ledger.
            With --lead ID the record resolves that open lead.
            """
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "The record (JSON).")
        var file: String

        @Option(help: "The open lead this record resolves.")
        var lead: String?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                struct Body: Encodable { var record: CreditRecordInput; var lead: String? }
                let input = try decodeJSON(CreditRecordInput.self, from: file, what: "credit record")
                let result: CreditRegister.Signed = try await client.login().send("POST", "/v1/credit/records", json: Body(record: input, lead: lead))
                if json { return try printJSON(result) }
                print("credit record \(result.record.id) recorded (\(result.record.input.kind.rawValue)), signed by the platform")
                printRecordInput(result.record.input, id: result.record.id)
            }
        }
    }

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

        @Flag(help: "Print JSON.")
        var json = false

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

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch one record with its platform signature; --out writes FILE and FILE.sig for `ebid record verify`."
        )

        @Option(help: "The ebid service, e.g. http://127.0.0.1:8080.")
        var server: String

        @Option(help: "A supervisor's certificate (for records no longer published).")
        var cert: String?

        @Option(help: "The supervisor's private key (with --cert).")
        var key: String?

        @Option(help: "Write the signed record here (and the signature to <file>.sig).")
        var out: String?

        @Flag(help: "Print JSON.")
        var json = false

        @Argument(help: "Record id.")
        var id: String

        func run() async throws {
            try await reportingErrors {
                let api = try await loggedInIfGiven(server: server, cert: cert, key: key)
                let result: CreditRegister.Signed = try await api.get("/v1/credit/records/\(EBidClient.pathComponent(id))")
                guard let signed = result.signed.signed else { throw CLIError("the record is not well-formed base64") }
                if let out { try writeSigned(signed, to: out, what: "credit record") }
                if json { return try printJSON(result) }
                printRecordInput(result.record.input, id: result.record.id)
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import records from a JSON file (records whose id exists are skipped, so it can be re-run) — supervisors.",
            discussion: """
            The file: {"format": "ebid-credit-records", "version": 1, "records": [...]} — seeds/credit-records.json
            is one. Records go in batches of --batch, each all or none; if one fails, the batches before
            it stay imported and the error names the record: fix it and run the import again.
            """
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "The records file.")
        var file: String

        @Option(help: "Records per request (each batch is all or none).")
        var batch: Int = 5000

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                guard batch >= 1 else { throw CLIError("--batch must be at least 1") }
                let file = try decodeJSON(CreditRegister.File.self, from: file, what: "credit records file")
                struct Result: Codable { var imported: Int; var skipped: Int }
                let api = try await client.login()
                var total = Result(imported: 0, skipped: 0)
                for start in stride(from: 0, to: file.records.count, by: batch) {
                    let part = CreditRegister.File(records: Array(file.records[start..<min(start + batch, file.records.count)]))
                    let result: Result
                    do { result = try await api.send("POST", "/v1/credit/import", json: part) } catch let problem as ServiceProblem {
                        if total.imported + total.skipped > 0 { printError("note: the first \(start) record(s) are imported; the rest are not") }
                        throw ServiceProblem(status: problem.status, code: problem.code,
                                             detail: "in the batch from record \(start + 1) of the file: \(problem.detail)", extra: problem.extra)
                    }
                    total.imported += result.imported
                    total.skipped += result.skipped
                }
                if json { return try printJSON(total) }
                print("\(total.imported) record(s) imported, \(total.skipped) already present")
            }
        }
    }

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

        @Flag(help: "Print JSON.")
        var json = false

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

    struct Dismiss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Dismiss a lead, with the reason — supervisors.")

        @OptionGroup var client: ClientOptions

        @Option(help: "The lead's id.")
        var lead: String

        @Option(help: "Why no record is called for.")
        var reason: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                struct Body: Encodable { var reason: String }
                let result: CreditLead = try await client.login().send("POST", "/v1/credit/leads/\(EBidClient.pathComponent(lead))/dismiss", json: Body(reason: reason))
                if json { return try printJSON(result) }
                print("lead \(result.id) dismissed")
            }
        }
    }
}

extension Audit {
    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The ledger by tender, actor, action and time, each event with the checkpoint that covers it — supervisors.",
            discussion: "A tender's bid events stay withheld until its deadline (Law art. 22)."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String?

        @Option(help: "Actor (party id).")
        var actor: String?

        @Option(help: "Action, e.g. bid.submit, opening.decrypt, credit.decision.")
        var action: String?

        @Option(help: "From this time (2026-11-21 or an ISO 8601 time).")
        var since: String?

        @Option(help: "Before this time.")
        var until: String?

        @Option(help: "Continue after this cursor (a page's `more: --after …`).")
        var after: String?

        @Option(help: "At most this many events.")
        var limit: Int = 100

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                var parameters = ["limit=\(limit)"]
                for (name, value) in [("tender", tender), ("actor", actor), ("action", action), ("since", since), ("until", until)] {
                    if let value { parameters.append("\(name)=\(EBidClient.queryValue(value))") }
                }
                if let after { parameters.append("after=\(EBidClient.queryValue(after))") }
                let page: LedgerPage = try await client.login().get("/v1/ledger/events?" + parameters.joined(separator: "&"))
                if json { return try printJSON(page) }
                if page.events.isEmpty { print("no events") }
                for view in page.events { printEvent(view) }
                if let next = page.next { print("  … more: --after \(next)") }
            }
        }
    }
}

// MARK: - Printing

func printJSON<T: Encodable>(_ value: T) throws {
    print(String(decoding: try JSONEncoder.ebidPretty.encode(value), as: UTF8.self))
}

func iso8601(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

func penaltyText(_ penalty: CreditRecordInput.Penalty) -> String {
    switch penalty.kind {
    case .none: return "none"
    case .warning: return "warning"
    case .fine: return "fine \(penalty.fineAmount ?? "?") yuan"
    default:
        let from = penalty.start.map { displayDate($0) } ?? "?"
        let until = penalty.permanent == true ? "permanently" : "until \(penalty.end.map { displayDate($0) } ?? "?")"
        return "\(penalty.kind.rawValue) from \(from) \(until)"
    }
}

func displayDate(_ date: Date) -> String { String(displayTime(date).prefix(10)) }

func printRecordInput(_ input: CreditRecordInput, id: String) { printTable(recordRows(input, id: id), indent: "  ") }

func recordRows(_ input: CreditRecordInput, id: String) -> [(String, String)] {
    var rows: [(String, String)] = [
        ("record", "\(id) (\(input.kind.rawValue)\(input.outcome.map { ": " + $0.rawValue } ?? ""))"),
        ("subject", "\(input.subject.name) \(input.subject.code)"),
        ("category", input.category.rawValue),
        ("decision", "\(input.decisionNumber), \(input.authority), \(displayDate(input.decisionDate))"),
        ("legal basis", input.legalBasis),
        ("penalty", penaltyText(input.penalty)),
        ("facts", input.facts),
    ]
    if let references = input.references { rows.insert(("references", references), at: 1) }
    if let tender = input.tenderId { rows.append(("tender", tender)) }
    return rows
}

func printEntries(_ entries: [CreditEntry]) {
    if entries.isEmpty { print("  no records") }
    var rows = [["record", "subject", "category", "decision", "penalty", "status"]]
    for entry in entries {
        let input = entry.current
        let status = entry.status.rawValue + (entry.restricting ? ", restricting now" : "") + (entry.listed ? "" : ", not listed")
        rows.append([entry.id, "\(input.subject.name) \(input.subject.code)", input.category.rawValue,
                     "\(input.decisionNumber) \(displayDate(input.decisionDate))", penaltyText(input.penalty), status])
    }
    if !entries.isEmpty { printGrid(rows, indent: "  ") }
}

func printSubjectPage(_ page: SubjectPage) {
    print("\(page.name ?? page.subject) (\(page.subject)), \(displayTime(page.at))")
    if page.activeRestrictions.isEmpty {
        print("  no restriction in force")
    } else {
        for restriction in page.activeRestrictions {
            let penalty = CreditRecordInput.Penalty(kind: restriction.kind, start: restriction.start, end: restriction.end, permanent: restriction.permanent)
            print("  IN FORCE: \(penaltyText(penalty)) — decision \(restriction.decisionNumber) of \(restriction.authority) (record \(restriction.id))")
        }
    }
    print("  published decisions:")
    printEntries(page.records)
    for entry in page.records where entry.history != nil {
        print("  history of \(entry.id):")
        for record in entry.history ?? [] {
            print("    \(record.id)  \(record.input.kind.rawValue)\(record.input.outcome.map { " (\($0.rawValue))" } ?? "")  \(record.input.decisionNumber)  \(displayDate(record.input.decisionDate))  \(penaltyText(record.input.penalty))")
        }
    }
}

func printSupervisorFile(_ file: SupervisorSubjectFile) {
    print("supervisor's file on \(file.subject), \(displayTime(file.at))")
    if file.decisions.isEmpty { print("  no decisions") }
    for decision in file.decisions {
        let entry = decision.entry
        print("")
        printTable(recordRows(entry.current, id: entry.id) + [
            ("status", entry.status.rawValue + (entry.restricting ? ", restricting now" : "")),
            ("published", (entry.listed ? "listed" : "not listed") + " \(displayDate(entry.listedFrom)) → \(entry.listedUntil.map(displayDate) ?? "permanent")"),
        ], indent: "  ")
        print("  history:")
        for record in entry.history ?? [] {
            print("    \(record.id)  \(record.input.kind.rawValue)  recorded \(displayTime(record.recordedAt)) by \(record.recordedBy)  \(penaltyText(record.input.penalty))")
        }
        print("  ledger:")
        for view in decision.events { printEvent(view, indent: "    ") }
    }
    if !file.leads.isEmpty {
        print("")
        print("  leads:")
        for lead in file.leads { printLead(lead, indent: "    ") }
    }
}

func printEvent(_ view: LedgerEventView, indent: String = "  ") {
    let event = view.event
    let checkpoint = view.checkpoint.map { "checkpoint \($0.number) (\(displayTime($0.at)))" } ?? "no checkpoint yet"
    print("\(indent)\(displayTime(event.at))  \(event.action)  \(event.object)  by \(event.actor.party) (\(event.actor.role), \(event.actor.address))  \(event.hash.prefix(12))…  — \(checkpoint)")
}

func printLead(_ lead: CreditLead, indent: String = "  ") {
    print("\(indent)\(lead.id)  [\(lead.kind.rawValue), \(lead.status.rawValue)]  \(lead.subject.name) \(lead.subject.code)\(lead.tenderId.map { "  tender \($0)" } ?? "")")
    print("\(indent)    \(lead.summary)")
    if let resolution = lead.resolution { print("\(indent)    → \(resolution) (\(lead.resolvedBy ?? "?"))") }
}
