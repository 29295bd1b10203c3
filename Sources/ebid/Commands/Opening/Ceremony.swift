import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    /// `ebid opening ceremony`: the officials make the tender's opening key themselves.
    struct CeremonyGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ceremony",
            abstract: "Key ceremony (distributed key generation): the opening officials make the tender's opening key; no machine ever holds it.",
            discussion: """
            The agency starts the ceremony for a tender (ceremony start). Each official then, on its own
            machine: deals (a random polynomial, its commitments, one share encrypted to each official,
            signed), and once everyone has dealt, checks the shares it received against the dealers'
            commitments and confirms — or files a complaint with evidence that names a faulty dealer
            (the ceremony fails and is run again without it). When every official has confirmed, the
            platform signs the transcript: that is the tender's opening key. The service only relays
            messages it cannot read. `ceremony verify` checks a transcript offline.

              ebid opening ceremony start  --server URL --tender ID --threshold 2 --officials official-01,official-02,official-03 --cert … --key …
              ebid opening ceremony deal   --server URL --tender ID --cert … --key …      (each official)
              ebid opening ceremony check  --server URL --tender ID --cert … --key …      (each official)
              ebid opening ceremony status --server URL --tender ID --cert … --key … --out transcript.json
              ebid opening ceremony verify --in transcript.json --trust ca.pem [--platform-cert platform.pem]
            """,
            subcommands: [CeremonyStart.self, CeremonyDeal.self, CeremonyCheck.self, CeremonyStatus.self, CeremonyVerify.self]
        )
    }
}

/// What an official gives `ceremony deal` and `ceremony check`.
struct CeremonyOfficialOptions: ParsableArguments {
    @OptionGroup var client: ClientOptions

    @Option(help: "Tender id.")
    var tender: String

    @Option(help: "Crypto suite (default: your certificate's).")
    var suite: Suite?

    @OptionGroup var trust: TrustOptions

    /// The official's certificate and key, the ceremony's suite, and the trust store (if given).
    func identity() throws -> (Certificate, PrivateKey, Suite, TrustStore?) {
        let (certificate, key) = try loadIdentity(certificate: client.cert, key: client.key)
        return (certificate, key, try ceremonySuite(suite, certificate: certificate), trust.trustFiles.isEmpty ? nil : try trust.makeTrustStore())
    }
}

/// --suite for an official: the curve of its certificate names it (SM2 → GM, P-256 → NIST).
func ceremonySuite(_ given: Suite?, certificate: Certificate) throws -> Suite {
    let type = try certificate.publicKey.type
    guard type != .rsa else { throw CLIError("an opening official's certificate must be SM2 (GM) or P-256 (NIST), not RSA") }
    if let given, given != type.suite { throw CLIError("a \(type.rawValue) certificate takes part in a \(type.suite.rawValue) ceremony, not \(given.rawValue)") }
    return type.suite
}

func ceremonyPath(_ tender: String, _ suite: Suite) -> String {
    "/v1/tenders/\(EBidClient.pathComponent(tender))/ceremonies/\(suite.rawValue)"
}

func printCeremony(_ view: CeremonyView) {
    var rows: [(String, String)] = [
        ("tender", "\(view.tenderId) section \(view.section ?? "—")"),
        ("suite", view.suite.rawValue),
        ("attempt", "\(view.attempt)"),
        ("status", view.status.rawValue),
        ("threshold", "\(view.threshold) of \(view.officials.count) officials"),
        ("started", "\(displayTime(view.startedAt)) by \(view.startedBy)"),
    ]
    if let keyId = view.keyId { rows.append(("key id", keyId)) }
    if let failure = view.failure {
        rows.append(("failure", failure.reason + (failure.faultyDealer.map { " (faulty dealer: official \($0)\(failure.faultyParty.map { ", \($0)" } ?? ""))" } ?? "")))
    }
    printTable(rows, indent: "  ")
    for official in view.officials {
        print("  \(official.index). \((official.party ?? "?").padding(toLength: 12, withPad: " ", startingAt: 0)) dealt: \(official.dealt ? "yes" : "no ")  confirmed: \(official.confirmed ? "yes" : "no ")  \(official.subject)")
    }
}

/// Checks the ceremony the service describes before an official signs anything for it: this
/// tender, this certificate among the officials, and (with --trust) every official's certificate
/// valid now. Returns the caller's share number.
func checkCeremony(_ view: CeremonyView, tender: String, certificate: Certificate, trust: TrustStore?) throws -> Int {
    let parameters = view.parameters
    guard parameters.tenderId == tender, parameters.origin == .ceremony else {
        throw CLIError("the service sent a ceremony for \(parameters.tenderId ?? "no tender"), not \(tender)")
    }
    try parameters.validate()
    guard let me = parameters.participants.first(where: { $0.certificateFingerprint == certificate.fingerprint }) else {
        throw CLIError("\(certificate.subject) is not among this ceremony's officials")
    }
    if let trust {
        for participant in parameters.participants {
            let other = try participant.parsedCertificate()
            try trust.verify(other, at: Date(), for: .signing)
            try trust.verify(other, at: Date(), for: .encryption)
        }
    } else {
        printError("note: the other officials' certificates are not checked (give --trust CA.pem to check them)")
    }
    return me.index
}

/// What an official's machine does in a ceremony, shared by the commands and the demo.
enum CeremonyWork {
    enum CheckResult {
        case confirmed(CeremonyView, digest: [UInt8], publicKey: ECPoint)
        case complained(CeremonyView, dealer: Int, reason: String)
    }

    /// Deals this official's part (the ceremony must be waiting for dealings).
    static func deal(_ api: EBidClient, tender: String, suite: Suite, certificate: Certificate, key: PrivateKey, trust: TrustStore?) async throws -> (Int, CeremonyView) {
        let view: CeremonyView = try await api.get(ceremonyPath(tender, suite))
        guard view.status == .dealing else { throw CLIError("the ceremony (attempt \(view.attempt)) is \(view.status.rawValue), not waiting for dealings") }
        let index = try checkCeremony(view, tender: tender, certificate: certificate, trust: trust)
        let dealing = try KeyCeremony.deal(view.parameters, as: index, key: key)
        struct Body: Encodable { var dealing: KeyCeremony.Dealing }
        return (index, try await api.send("POST", "\(ceremonyPath(tender, suite))/dealings", json: Body(dealing: dealing)))
    }

    /// Checks the shares dealt to this official and confirms, or complains (the ceremony must be checking).
    static func check(_ api: EBidClient, tender: String, suite: Suite, certificate: Certificate, key: PrivateKey, trust: TrustStore?) async throws -> CheckResult {
        let path = ceremonyPath(tender, suite)
        let view: CeremonyView = try await api.get(path)
        guard view.status == .checking else {
            throw CLIError("the ceremony (attempt \(view.attempt)) is \(view.status.rawValue)\(view.status == .dealing ? ": wait until every official has dealt" : "")")
        }
        let index = try checkCeremony(view, tender: tender, certificate: certificate, trust: trust)
        let dealings: [KeyCeremony.Dealing] = try await api.get("\(path)/dealings")
        switch try KeyCeremony.check(view.parameters, dealings: dealings, as: index, key: key) {
        case .confirmed(let signature, let digest, let publicKey, _):
            struct Body: Encodable { var signature: String }
            return .confirmed(try await api.send("POST", "\(path)/confirmations", json: Body(signature: Data(signature).base64EncodedString())),
                              digest: digest, publicKey: publicKey)
        case .complaint(let complaint, let reason):
            struct Body: Encodable { var complaint: KeyCeremony.Complaint }
            return .complained(try await api.send("POST", "\(path)/complaints", json: Body(complaint: complaint)), dealer: complaint.dealer, reason: reason)
        }
    }
}
