import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

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
}
