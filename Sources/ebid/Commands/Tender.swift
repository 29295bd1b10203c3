import ArgumentParser
import BidCore
import BidService
import Foundation

struct Tender: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish and read tenders (招标公告).",
        subcommands: [Publish.self, Show.self, List.self, Amend.self, Download.self, TenderDraft.self, TenderAmendment.self]
    )
}

extension Tender {
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a tender: create the draft with its opening key(s) (by default its key ceremonies'), upload the documents, publish.",
            discussion: "Safe to run again after a failure: an existing draft is completed; a published tender is never published twice."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender JSON (see docs/http-api.md).")
        var file: String

        @Option(name: .customLong("document"), help: "A tender document to publish; repeat for each.")
        var documents: [String] = []

        @Option(name: .customLong("opening-key"), help: "Opening key file, one per accepted suite: a key ceremony's transcript (`ebid opening ceremony status --out`) or a keygen file. Without one, a suite takes the tender's completed key ceremony.")
        var openingKeys: [String] = []

        @Option(help: "Bid deadline, overriding the file's: ISO 8601 or +20d / +2h / +30m / +45s from now.")
        var deadline: String?

        func run() async throws {
            try await reportingErrors {
                var spec = try decodeJSON(TenderSpec.self, from: file, what: "tender file")
                if let deadline { spec.bidDeadline = try parseTimeOrOffset(deadline) }
                let keys = try openingKeys.map { try OpeningKeyFile.load(file: $0) }
                for path in documents where !FileManager.default.isReadableFile(atPath: path) { throw CLIError("cannot read document \(path)") }
                let api = try await client.login()
                struct Create: Encodable { var spec: TenderSpec; var openingKeys: [OpeningKeyFile] }
                var view: TenderView
                do {
                    view = try await api.send("POST", "/v1/tenders", json: Create(spec: spec, openingKeys: keys))
                } catch let problem as ServiceProblem where problem.code == "tender.exists" {
                    let existing: TenderView = try await api.get("/v1/tenders/\(EBidClient.pathComponent(spec.id))")
                    guard existing.status == .draft else { throw CLIError("tender \(spec.id) is published already: change it with ebid tender amend") }
                    // A draft left by an earlier attempt takes this file and these flags (a new deadline among them).
                    struct Edit: Encodable { var spec: TenderSpec }
                    view = try await api.send("PUT", "/v1/tenders/\(EBidClient.pathComponent(spec.id))", json: Edit(spec: spec))
                    print("tender \(spec.id): the draft left by an earlier attempt is updated from \(file)\(deadline == nil ? "" : " and --deadline") (its opening keys and documents kept)")
                }
                let have = Set(view.documents.map(\.name))
                for path in documents {
                    let name = URL(fileURLWithPath: path).lastPathComponent
                    if have.contains(name) { continue }
                    struct Created: Decodable { var name: String; var size: Int64; var sha256: String }
                    let created: Created = try await api.upload("PUT", "/v1/tenders/\(EBidClient.pathComponent(spec.id))/documents/\(EBidClient.pathComponent(name))",
                                                                file: path, contentType: contentType(for: path))
                    print("uploaded \(created.name) (\(formatBytes(UInt64(created.size))), sha256 \(created.sha256.prefix(16))…)")
                }
                let published: TenderView = try await api.send("POST", "/v1/tenders/\(EBidClient.pathComponent(spec.id))/publish")
                print("tender \(published.id) published")
                printTenderView(published)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a published tender (no login needed).")

        @Option(help: "The ebid service URL.")
        var server: String

        @OptionGroup var selection: TenderSelection
        var id: String { selection.id }

        @Flag(help: "Print the JSON as the service sent it.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let api = try EBidClient(server: server)
                let view: TenderView = try await api.get("/v1/tenders/\(EBidClient.pathComponent(id))")
                if json {
                    print(String(decoding: try JSONEncoder.ebidPretty.encode(view), as: UTF8.self))
                } else {
                    printTenderView(view)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List published tenders (no login needed).")

        @Option(help: "The ebid service URL.")
        var server: String

        func run() async throws {
            try await reportingErrors {
                let tenders: [TenderSummaryView] = try await EBidClient(server: server).get("/v1/tenders")
                if tenders.isEmpty { print("no published tenders") }
                for tender in tenders {
                    print("\(tender.id)  section \(tender.section)  deadline \(displayTime(tender.deadline))  \(tender.title)")
                }
            }
        }
    }

    struct Amend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish an amendment (澄清/修改) with its documents; may move the deadline later.",
            discussion: "Less than 15 days (statutory) before the deadline an amendment must move the deadline (Law art. 23)."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        @Option(help: "Title of the amendment.")
        var title: String

        @Option(help: "Text of the amendment.")
        var text: String

        @Option(name: .customLong("new-deadline"), help: "A later bid deadline: ISO 8601 or +20d / +2h / +30m / +45s.")
        var newDeadline: String?

        @Option(name: .customLong("document"), help: "A document of the amendment; repeat for each.")
        var documents: [String] = []

        func run() async throws {
            try await reportingErrors {
                let api = try await client.login()
                struct Input: Encodable { var title: String; var text: String; var newDeadline: Date? }
                let amendment: Amendment = try await api.send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/amendments",
                                                              json: Input(title: title, text: text, newDeadline: try newDeadline.map { try parseTimeOrOffset($0) }))
                for path in documents {
                    let name = URL(fileURLWithPath: path).lastPathComponent
                    struct Created: Decodable { var name: String }
                    let _: Created = try await api.upload("PUT", "/v1/tenders/\(EBidClient.pathComponent(tender))/amendments/\(amendment.number)/documents/\(EBidClient.pathComponent(name))",
                                                          file: path, contentType: contentType(for: path))
                }
                let view: TenderView
                do {
                    view = try await api.send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/amendments/\(amendment.number)/publish")
                } catch {
                    printError("note: amendment \(amendment.number) stays a draft: publish it with ebid tender amendment publish --tender \(tender) --number \(amendment.number) [--new-deadline …], or discard it with ebid tender amendment discard --tender \(tender) --number \(amendment.number)")
                    throw error
                }
                print("amendment \(amendment.number) published; the deadline is \(displayTime(view.deadline))")
            }
        }
    }

    struct Download: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download a tender document (anonymous: no login, nothing recorded).")

        @Option(help: "The ebid service URL.")
        var server: String

        @Option(name: .customLong("tender"), help: "Tender id.")
        var tenderOption: String?

        /// `[TENDER] NAME`: the tender as the first argument (as before) or as --tender.
        @Argument(help: ArgumentHelp("[tender id] and the document name (or --tender ID NAME).", valueName: "tender-and-name"))
        var arguments: [String] = []

        var id: String { tenderOption ?? arguments.first ?? "" }
        var name: String { arguments.last ?? "" }

        func validate() throws {
            if let tenderOption {
                guard arguments.count == 1 else { throw ValidationError("with --tender \(tenderOption), give the document's name only") }
            } else {
                guard arguments.count == 2 else { throw ValidationError("give the tender and the document's name: --tender ID NAME (or ID NAME)") }
            }
        }

        @Option(help: "Where to write it (default: the document's name).")
        var out: String?

        func run() async throws {
            try await reportingErrors {
                let target = out ?? name
                let size = try await EBidClient(server: server).download("/v1/tenders/\(EBidClient.pathComponent(id))/documents/\(EBidClient.pathComponent(name))", to: target)
                print("\(target): \(formatBytes(UInt64(size)))")
            }
        }
    }
}

func contentType(for path: String) -> String {
    switch URL(fileURLWithPath: path).pathExtension.lowercased() {
    case "pdf": return "application/pdf"
    case "txt": return "text/plain; charset=utf-8"
    case "json": return "application/json"
    case "zip": return "application/zip"
    case "doc", "docx": return "application/msword"
    default: return "application/octet-stream"
    }
}

func printTenderView(_ view: TenderView) {
    var rows: [(String, String)] = [
        ("tender", "\(view.id) section \(view.section)\(view.sectionName.map { " (\($0))" } ?? "")"),
        ("title", view.title),
        ("status", view.status.rawValue),
        ("tenderer", view.tenderer.map { "\($0.name) \($0.creditCode ?? "")" } ?? "-"),
    ]
    if let agency = view.agency { rows.append(("agency", "\(agency.name) \(agency.creditCode ?? "")")) }
    rows += [
        ("maximum price", view.maximumPrice.map { "\($0) 元" } ?? "none"),
        ("documents on issue", "\(displayTime(view.documentIssueStart)) … \(displayTime(view.documentIssueEnd))"),
        ("bid deadline", displayTime(view.deadline)),
        ("decryption", view.decryptionPolicy.rawValue),
        ("suites", view.acceptedSuites.map(\.rawValue).joined(separator: ", ")),
    ]
    for key in view.openingKeys {
        rows.append(("opening key", "\(key.suite.rawValue) \(key.keyId.prefix(16))…, \(key.threshold) of \(key.officials.count) officials"))
    }
    for document in view.documents {
        rows.append(("document", "\(document.name)\(document.amendment > 0 ? " (amendment \(document.amendment))" : ""), \(formatBytes(UInt64(document.size)))"))
    }
    for amendment in view.amendments {
        rows.append(("amendment \(amendment.number)", "\(amendment.title) [\(amendment.status.rawValue)]"))
    }
    if let notice = view.notice { rows.append(("notice", notice)) }
    printTable(rows, indent: "  ")
}
