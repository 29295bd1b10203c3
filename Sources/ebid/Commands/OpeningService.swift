import ArgumentParser
import BidCore
import BidService
import Foundation

// The opening over HTTP: the host starts and closes it, officials hand in their shares, bidders
// decrypt their own bids remotely and confirm or object; everyone reads the signed record.

extension Opening {
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the opening at or after the deadline (the host: tenderer, agency or opening official).",
            discussion: "With fewer than three bids the tender fails (流标) and its signed record is published at once."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                let view: OpeningView = try await client.login().send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/opening")
                printOpening(view)
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The opening's state. Without --cert: the public view (status only).",
            discussion: "The host, its officials and supervisors see every bid; a bidder sees its own."
        )

        @Option(help: "The ebid service, e.g. http://127.0.0.1:8080.")
        var server: String

        @Option(help: "Your certificate (optional).")
        var cert: String?

        @Option(help: "Your private key (with --cert).")
        var key: String?

        @OptionGroup var selection: TenderSelection
        var tender: String { selection.id }

        func run() async throws {
            try await reportingErrors {
                let api = try await loggedInIfGiven(server: server, cert: cert, key: key)
                printOpening(try await api.get("/v1/tenders/\(EBidClient.pathComponent(tender))/opening"))
            }
        }
    }

    struct Share: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decrypt your part of the waiting bids here and hand in partial decryptions with proofs (opening officials).",
            discussion: """
            Your share of the tender's opening key is decrypted on this machine (from the encrypted
            shares in the tender's opening key file) and never leaves it. For each bid the committee
            must open, this computes sᵢ·E for that bid's wrapped key with a proof that your
            verification key hides the same sᵢ, and sends only those. Each bid's header is checked
            first: it must be signed by its bidder (with --trust: a bidder certified by that CA) and
            sealed for this tender. Refused before the deadline and from anyone but the shareholder.
            """
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        @OptionGroup var trust: TrustOptions

        func run() async throws {
            try await reportingErrors {
                let (certificate, privateKey) = try loadIdentity(certificate: client.cert, key: client.key)
                let store = trust.trustFiles.isEmpty ? nil : try trust.makeTrustStore()
                let api = try EBidClient(server: client.server)
                let path = "/v1/tenders/\(EBidClient.pathComponent(tender))"
                let files: [OpeningKeyFile] = try await api.get("\(path)/opening-keys")
                let mine = files.filter { $0.official(for: certificate) != nil }
                guard !mine.isEmpty else { throw CLIError("\(certificate.subject) holds no share of tender \(tender)'s opening key") }
                try await api.login(certificate: certificate, key: privateKey)
                let requests: [OpeningRoom.CommitteeRequest] = try await api.get("\(path)/opening/committee")
                for request in requests {
                    guard let file = mine.first(where: { $0.keyId == request.keyId }) else {
                        printError("note: share \(request.index) of the \(request.suite.rawValue) opening key is held by another of your certificates; run this again with it")
                        continue
                    }
                    let started = Date()
                    let partials = try CommitteeWork.partials(for: request, key: file, tender: tender, certificate: certificate, privateKey: privateKey, trust: store)
                    let computed = Date().timeIntervalSince(started)
                    guard !partials.isEmpty else {
                        print("no \(file.suite.rawValue) bid is waiting for the committee")
                        continue
                    }
                    var receipt: OpeningRoom.PartialsReceipt?
                    for batch in stride(from: 0, to: partials.count, by: 500).map({ Array(partials[$0..<min($0 + 500, partials.count)]) }) {
                        receipt = try await api.send("POST", "\(path)/opening/partials",
                                                     json: OpeningRoom.PartialsInput(keyId: file.keyId, index: request.index, partials: batch))
                    }
                    if let receipt {
                        print("share \(receipt.index) of the \(receipt.suite.rawValue) opening key: \(partials.count) partial decryption(s) handed in "
                              + "(computed in \(Int(computed * 1000)) ms); \(receipt.officials) of the \(receipt.threshold) officials needed have reported")
                    }
                }
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "After the decryption window: count the bids still waiting as revoked and complete the opening (the host).",
            discussion: "For a bidder-then-committee opening whose officials cannot hand in enough shares."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                printOpening(try await client.login().send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/opening/close"))
            }
        }
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the signed opening record (开标记录) as a table, after checking its signature.",
            discussion: """
            The signature is checked with --platform-cert when given, otherwise with the certificate the
            service publishes. With --out FILE the record is written as FILE (the signed JSON) and
            FILE.sig, checkable offline with `ebid record verify` or openssl.
            """
        )

        @Option(help: "The ebid service, e.g. http://127.0.0.1:8080.")
        var server: String

        @Option(name: .customLong("platform-cert"), help: "The platform certificate to check the signature with.")
        var platformCert: String?

        @Option(help: "Write the signed record here (and the signature to <file>.sig).")
        var out: String?

        @Flag(help: "Print the record as JSON.")
        var json = false

        @OptionGroup var selection: TenderSelection
        var tender: String { selection.id }

        func run() async throws {
            try await reportingErrors {
                let api = try EBidClient(server: server)
                struct Served: Decodable { var signed: SignedDocument.Wire }
                let served: Served = try await api.get("/v1/tenders/\(EBidClient.pathComponent(tender))/opening/record")
                guard let signed = served.signed.signed else { throw CLIError("the record is not well-formed base64") }
                let certificate: Certificate
                if let platformCert { certificate = try Certificate(file: platformCert) } else {
                    certificate = try Certificate(pem: try await api.getText("/v1/platform/certificate"))
                    printError("note: checking the signature with the certificate the service publishes; give --platform-cert to check against one you hold")
                }
                let record = try verifiedRecord(signed, certificate: certificate)
                if let out { try writeSigned(signed, to: out, what: "record") }
                if json {
                    print(String(decoding: signed.document, as: UTF8.self))
                } else {
                    print("the opening record is authentic: signed by \(certificate.subject)")
                    printRecord(record)
                }
            }
        }
    }

    struct Signals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Collusion signals found at the opening, with their evidence (host, officials, supervisors; Reg. art. 40).",
            discussion: "Signals are for the committee's and supervisors' attention; they never reject a bid by themselves."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                let signals: [CollusionSignal] = try await client.login().get("/v1/tenders/\(EBidClient.pathComponent(tender))/opening/signals")
                printSignals(signals)
            }
        }
    }

    struct Objections: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Objections raised at the opening and their answers.")

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                let objections: [Objection] = try await client.login().get("/v1/tenders/\(EBidClient.pathComponent(tender))/opening/objections")
                if objections.isEmpty { print("no objections") }
                for objection in objections { printObjection(objection) }
            }
        }
    }

    struct Answer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Answer an objection (the host; Reg. art. 44).")

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        @Option(help: "The objection's number.")
        var number: Int

        @Option(help: "The answer.")
        var text: String

        func run() async throws {
            try await reportingErrors {
                struct Body: Encodable { var text: String }
                let objection: Objection = try await client.login().send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/opening/objections/\(number)/answer",
                                                                         json: Body(text: text))
                printObjection(objection)
            }
        }
    }
}

extension Bid {
    struct Decrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remote decryption (远程解密): unwrap your bid's content key here and send only that key.",
            discussion: """
            Fetches the header of your own bid, checks that it is your package for this tender, unwraps
            the content key with your private key (which never leaves this machine), checks it against
            the package's key commitment, and sends the content key. The service opens the bid and
            verifies the inner signature and manifest.
            """
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                let (certificate, privateKey) = try loadIdentity(certificate: client.cert, key: client.key)
                let api = try EBidClient(server: client.server)
                try await api.login(certificate: certificate, key: privateKey)
                let path = "/v1/tenders/\(EBidClient.pathComponent(tender))/opening"
                let view: BidHeaderView = try await api.get("\(path)/my-bid-header")
                let header = view.header
                guard header.tenderId == tender else { throw CLIError("the service sent the header of a package for tender \(header.tenderId), not \(tender)") }
                guard (try? header.signerCertificate())?.fingerprint == certificate.fingerprint else {
                    throw CLIError("the service sent the header of a package you did not sign")
                }
                let contentKey = try SealedBidOpener.unwrapContentKey(header: header, with: privateKey)
                guard SealedBidOpener.contentKeyMatches(contentKey, header: header) else {
                    throw CLIError("the unwrapped content key does not match the package's key commitment")
                }
                struct Body: Encodable { var contentKey: String }
                let opened: OpeningBidView = try await api.send("POST", "\(path)/decrypt", json: Body(contentKey: Data(contentKey).base64EncodedString()))
                switch opened.state {
                case .opened: print("bid \(opened.bidId) decrypted and opened (package \(opened.packageDigest))")
                case .pending: print("bid \(opened.bidId) is still waiting")
                case .revoked, .withdrawn:
                    print("bid \(opened.bidId) did not open: \(opened.state.rawValue) — \(opened.failure?.detail ?? "")")
                    throw ExitCode(1)
                }
            }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm the opening record (within the confirmation window).")

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                let api = try await client.login()
                try await api.sendExpectingNoContent("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/opening/confirmation")
                print("you confirmed the opening record of tender \(tender)")
            }
        }
    }

    struct Object: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Raise an objection (异议) to the opening, within the confirmation window (Reg. art. 44).")

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        @Option(help: "The objection.")
        var text: String

        func run() async throws {
            try await reportingErrors {
                struct Body: Encodable { var text: String }
                let objection: Objection = try await client.login().send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/opening/objections", json: Body(text: text))
                print("objection \(objection.number) recorded; the host answers it")
            }
        }
    }
}

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record", abstract: "Check signed records offline.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a signed record — an opening record, a credit record, a candidate publicity or an award — with the platform certificate, offline.",
            discussion: "FILE holds the signed JSON and FILE.sig the signature (as `opening record --out` and `credit get --out` write them)."
        )

        @OptionGroup var file: SignedFileOptions

        @Option(name: .customLong("opening-key"), help: "The tender's opening key file(s): the record's verification keys must be theirs.")
        var openingKeys: [String] = []

        func run() async throws {
            try await reportingErrors {
                let (signed, certificate) = try file.load(what: "record")
                struct Format: Decodable { var format: String?; var type: String? }
                let kind = try? JSONDecoder.ebid.decode(Format.self, from: Data(signed.document))
                switch kind?.format ?? kind?.type {
                case "ebid-candidate-publicity":
                    let publicity = try JSONDecoder.ebid.decodeStrict(EvaluationRoom.Publicity.self, from: Data(signed.document))
                    print("the candidate publicity is authentic: signed by \(certificate.subject)")
                    print("tender \(publicity.tenderId) section \(publicity.section): published \(displayTime(publicity.from)) until \(displayTime(publicity.until)); report \(publicity.reportDigest.prefix(16))…")
                    for candidate in publicity.candidates { print("  #\(candidate.rank) \(candidate.bidder)  \(candidate.price)  total \(candidate.total?.description ?? "—")") }
                case "ebid-award":
                    let award = try JSONDecoder.ebid.decodeStrict(EvaluationRoom.Award.self, from: Data(signed.document))
                    print("the award is authentic: signed by \(certificate.subject)")
                    print("tender \(award.tenderId) section \(award.section): awarded \(displayTime(award.awardedAt)) to \(award.winner.bidder) at \(award.winner.price)")
                    print("committee: \(award.committee.map(\.name).joined(separator: ", ")); draw record \(award.drawRecordDigest.prefix(16))…")
                case "ebid-credit-record":
                    let record: CreditRecord
                    do { record = try JSONDecoder.ebid.decodeStrict(CreditRecord.self, from: Data(signed.document)) } catch {
                        throw CLIError("the signed document is not a valid credit record: \(describeDecodingError(error))")
                    }
                    guard record.platformCertificateFingerprint == certificate.fingerprint else {
                        throw CLIError("the record names another platform certificate, not this one")
                    }
                    print("the credit record is authentic: signed by \(certificate.subject)")
                    printRecordInput(record.input, id: record.id)
                default:
                    let record = try verifiedRecord(signed, certificate: certificate)
                    for path in openingKeys { try CommitteeWork.checkKey(try OpeningKeyFile.load(file: path), in: record) }
                    print("the opening record is authentic: signed by \(certificate.subject)")
                    let committee = record.bids.filter { $0.committee != nil }.count
                    if committee > 0 {
                        print("\(committee) committee opening(s) recomputed: every proof checks, k partials combine to the key the package committed to")
                    }
                    printRecord(record)
                }
            }
        }
    }
}

/// Checks the signature and that the record names this certificate; returns the record.
func verifiedRecord(_ signed: SignedDocument, certificate: Certificate) throws -> OpeningRecord {
    try checkPlatformSignature(signed, certificate: certificate, what: "record")
    let record: OpeningRecord
    do { record = try JSONDecoder.ebid.decodeStrict(OpeningRecord.self, from: Data(signed.document)) } catch {
        throw CLIError("the signed document is not an opening record: \(describeDecodingError(error))")
    }
    guard record.platformCertificateFingerprint == certificate.fingerprint else {
        throw CLIError("the record names platform certificate \(record.platformCertificateFingerprint.prefix(16))…, not this one")
    }
    try record.verifyCommitteeOpenings()
    return record
}

/// A signed document in two files, as `--receipt-out` and `--out` write them, and the platform
/// certificate to check it with.
struct SignedFileOptions: ParsableArguments {
    @Option(name: .customLong("in"), help: "The signed JSON document.")
    var input: String

    @Option(name: .customLong("sig"), help: "The signature (default: <in>.sig).")
    var signature: String?

    @Option(name: .customLong("platform-cert"), help: "The platform's certificate (GET /v1/platform/certificate).")
    var platformCert: String

    /// The document with the signature checked against the certificate.
    func load(what: String) throws -> (SignedDocument, Certificate) {
        let certificate = try Certificate(file: platformCert)
        let signed = SignedDocument(document: [UInt8](try readFile(input, what: what)),
                                    signature: [UInt8](try readFile(signature ?? input + ".sig", what: "\(what) signature")),
                                    scheme: .preferred(for: try certificate.publicKey.type), certificateFingerprint: certificate.fingerprint)
        try checkPlatformSignature(signed, certificate: certificate, what: what)
        return (signed, certificate)
    }
}

func checkPlatformSignature(_ signed: SignedDocument, certificate: Certificate, what: String) throws {
    let key = try certificate.publicKey
    guard try key.isValidSignature(signed.signature, for: signed.document, scheme: .preferred(for: key.type)) else {
        throw CLIError("the \(what)'s signature does not verify with \(certificate.subject): it was altered or not issued by this platform")
    }
}

func writeSigned(_ signed: SignedDocument, to path: String, what: String) throws {
    try Data(signed.document).write(to: URL(fileURLWithPath: path))
    try Data(signed.signature).write(to: URL(fileURLWithPath: path + ".sig"))
    print("\(what) written to \(path) (signature \(path).sig)")
}

func loggedInIfGiven(server: String, cert: String?, key: String?) async throws -> EBidClient {
    let api = try EBidClient(server: server)
    if let cert {
        guard let key else { throw CLIError("--cert needs --key") }
        let (certificate, privateKey) = try loadIdentity(certificate: cert, key: key)
        try await api.login(certificate: certificate, key: privateKey)
    }
    return api
}

func printOpening(_ view: OpeningView) {
    var rows: [(String, String)] = [
        ("tender", view.tenderId),
        ("status", view.status.rawValue),
        ("decryption", view.decryptionPolicy.rawValue),
        ("started", displayTime(view.startedAt)),
        ("window ends", displayTime(view.windowEndsAt)),
        ("bids", "\(view.bidCount)"),
    ]
    if let completed = view.completedAt { rows.append(("completed", displayTime(completed))) }
    if let ends = view.confirmationEndsAt { rows.append(("objections until", displayTime(ends))) }
    if let partials = view.partialsFrom, let threshold = view.threshold {
        rows.append(("partials from", partials.sorted { $0.key < $1.key }.map { suite, officials in
            "\(suite) \(officials.count)/\(threshold)" + (officials.isEmpty ? "" : " (officials \(officials.map(String.init).joined(separator: ", ")))")
        }.joined(separator: "; ")))
    }
    printTable(rows, indent: "  ")
    for bid in view.bids ?? [] {
        let how = bid.openedBy.map { " by \($0.rawValue)" } ?? ""
        let cause = bid.failure.map { " — \($0.fault.rawValue): \($0.detail)" } ?? ""
        let refused = bid.refusedAttempts > 0 ? " (\(bid.refusedAttempts) wrong key(s) refused)" : ""
        print("  \(bid.bidderParty.padding(toLength: 12, withPad: " ", startingAt: 0)) \(bid.state.rawValue)\(how)\(refused)\(cause)")
    }
}

/// The opening record as a readable table.
func printRecord(_ record: OpeningRecord) {
    printTable([
        ("tender", "\(record.tender.id) section \(record.tender.section): \(record.tender.title)"),
        ("tenderer", record.tender.tenderer ?? "—"),
        ("maximum price", record.tender.maximumPrice.map { "\($0) yuan" } ?? "—"),
        ("deadline", displayTime(record.tender.deadline)),
        ("decryption", record.tender.decryptionPolicy.rawValue),
        ("outcome", record.outcome == .failed ? "FAILED (流标): \(record.failureReason ?? "")" : record.outcome.rawValue),
        ("opened", "\(displayTime(record.startedAt)) → \(displayTime(record.completedAt))"),
        ("bids", "\(record.bidCount)"),
    ], indent: "  ")
    guard !record.bids.isEmpty else { return }
    let items = record.tender.openingRecordItems
    let labels = ["price": "price (yuan)", "durationDays": "duration (days)", "quality": "quality", "projectManager": "project manager",
                  "bidSecurityAccount": "bid security account"]
    var rows = [["#", "bidder", "received", "state", "opened by"] + items.map { labels[$0] ?? $0 } + ["package"]]
    for (index, bid) in record.bids.enumerated() {
        rows.append(["\(index + 1)", bid.bidderName, displayTime(bid.receivedAt), bid.state.rawValue, bid.openedBy?.rawValue ?? "—"]
                    + items.map { bid.items[$0] ?? "—" } + [String(bid.packageDigest.prefix(20)) + "…"])
    }
    printGrid(rows, indent: "  ")
    for bid in record.bids {
        if let failure = bid.failure { print("  \(bid.bidderName): \(bid.state.rawValue) (\(failure.fault.rawValue)'s fault, \(failure.code)): \(failure.detail)") }
    }
}

func printSignals(_ signals: [CollusionSignal]) {
    if signals.isEmpty { print("no collusion signals") }
    for signal in signals {
        print("  [\(signal.kind.rawValue)] \(signal.bidders.joined(separator: ", "))")
        print("      \(signal.evidence)")
    }
}

func printObjection(_ objection: Objection) {
    print("  #\(objection.number) by \(objection.party) at \(displayTime(objection.raisedAt)): \(objection.text)")
    if let answer = objection.answer {
        print("      answered by \(objection.answeredBy ?? "?") at \(objection.answeredAt.map(displayTime) ?? "?"): \(answer)")
    } else {
        print("      (not answered yet)")
    }
}

/// Columns padded to their widest cell (counting CJK characters as two columns).
func printGrid(_ rows: [[String]], indent: String = "") {
    func width(_ text: String) -> Int { text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) } }
    let columns = rows.map(\.count).max() ?? 0
    let widths = (0..<columns).map { column in rows.map { column < $0.count ? width($0[column]) : 0 }.max() ?? 0 }
    for row in rows {
        let cells = row.enumerated().map { column, cell in cell + String(repeating: " ", count: max(0, widths[column] - width(cell))) }
        print(indent + cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
    }
}
