import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// Runs a command body; a BidCoreError becomes a clear message on stderr and exit status 1.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as BidCoreError {
        printError("error: \(error.reason)\n       [\(error.code)]")
        throw ExitCode(1)
    } catch let error as CLIError {
        printError("error: \(error.message)")
        throw ExitCode(1)
    } catch let error as ServiceProblem {
        printError("error: \(error.detail)\n       [\(error.code), HTTP \(error.status)]")
        throw ExitCode(1)
    } catch let error as ServiceError {
        // The service refusing to start (configuration, data directory) or a local desk's refusal.
        printError("error: \(error.detail)\n       [\(error.code)]")
        throw ExitCode(1)
    }
}

/// A command-line level failure (bad file, bad flag combination).
struct CLIError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints "label   value" lines aligned on the longest label.
func printTable(_ rows: [(String, String)], indent: String = "") {
    let width = rows.map { $0.0.count }.max() ?? 0
    for (label, value) in rows {
        print(indent + label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
    }
}

func readFile(_ path: String, what: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(what) \(path)") }
    return data
}

func decodeJSON<T: Decodable>(_ type: T.Type, from path: String, what: String) throws -> T {
    let data = try readFile(path, what: what)
    do { return try JSONDecoder.ebid.decodeStrict(T.self, from: data) } catch {
        throw CLIError("\(path) is not a valid \(what): \(error)")
    }
}

/// Parses an ISO 8601 time ("2026-11-21T10:00:00Z" or with an offset such as +08:00).
func parseTime(_ text: String) throws -> Date {
    let formatter = ISO8601DateFormatter()
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    throw CLIError("\"\(text)\" is not an ISO 8601 time such as 2026-11-21T10:00:00+08:00")
}

/// Shows a time in Asia/Shanghai, as trading centres do (times are stored in UTC).
func displayTime(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'CST'"
    return formatter.string(from: date)
}

func formatBytes(_ count: UInt64) -> String {
    if count < 10_000 { return "\(count) bytes" }
    let units = ["KiB", "MiB", "GiB", "TiB"]
    var value = Double(count) / 1024
    var unit = 0
    while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
    return String(format: "%.1f %@ (%llu bytes)", value, units[unit], count)
}

/// Trust anchors (one or more PEM files) and optional CRLs.
struct TrustOptions: ParsableArguments {
    @Option(name: .customLong("trust"), help: "Trust anchor certificate file (PEM or DER); repeat for several.")
    var trustFiles: [String] = []

    @Option(name: .customLong("crl"), help: "CRL file (PEM or DER); repeat for several.")
    var crlFiles: [String] = []

    func makeTrustStore() throws -> TrustStore {
        guard !trustFiles.isEmpty else { throw CLIError("give at least one --trust certificate") }
        return try TrustStore(anchorFiles: trustFiles, crlFiles: crlFiles)
    }
}

/// Reads a certificate + private key pair and checks they belong together.
func loadIdentity(certificate certificatePath: String, key keyPath: String) throws -> (Certificate, PrivateKey) {
    let certificate = try Certificate(file: certificatePath)
    let key = try PrivateKey(pemFile: keyPath)
    guard try certificate.publicKey == key.publicKey else {
        throw CLIError("the key \(keyPath) does not belong to the certificate \(certificatePath)")
    }
    return (certificate, key)
}

/// `2026-12-20T09:30:00+08:00`, or relative to now: `+20d`, `+2h`, `+30m`, `+45s`.
func parseTimeOrOffset(_ text: String, now: Date = Date()) throws -> Date {
    guard text.hasPrefix("+") else { return try parseTime(text) }
    let body = text.dropFirst()
    guard let unit = body.last, let amount = Double(body.dropLast()), amount >= 0 else {
        throw CLIError("\"\(text)\" is not an offset such as +20d, +2h, +30m or +45s")
    }
    let seconds: Double
    switch unit {
    case "d": seconds = amount * 86_400
    case "h": seconds = amount * 3600
    case "m": seconds = amount * 60
    case "s": seconds = amount
    default: throw CLIError("\"\(text)\": the unit must be d, h, m or s")
    }
    return now.addingTimeInterval(seconds)
}

/// --server, --cert, --key: who talks to the service.
struct ClientOptions: ParsableArguments {
    @Option(help: "The ebid service, e.g. http://127.0.0.1:8080.")
    var server: String

    @Option(help: "Your certificate (PEM or DER).")
    var cert: String

    @Option(help: "Your private key (PEM); it never leaves this machine.")
    var key: String

    /// A client logged in with the certificate (challenge-response).
    func login() async throws -> EBidClient {
        let (certificate, privateKey) = try loadIdentity(certificate: cert, key: key)
        let client = try EBidClient(server: server)
        let session = try await client.login(certificate: certificate, key: privateKey)
        for entry in session.restrictions ?? [] {
            printError("note: \(session.party.name) is under \(entry.current.penalty.kind.rawValue) by decision \(entry.current.decisionNumber) of \(entry.current.authority) (credit record \(entry.id))")
        }
        return client
    }
}

/// `--json`, as every command that prints a result takes it.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON.") var json = false
}

extension Suite: ExpressibleByArgument {
    public init?(argument: String) { self.init(caseInsensitive: argument) }
}

/// The tender a command works on: `--tender ID`, as every command takes it, or (where a command
/// took it so before) as its first argument. Giving both with different ids is refused.
struct TenderSelection: ParsableArguments {
    @Option(name: .customLong("tender"), help: "Tender id.")
    var option: String?

    @Argument(help: ArgumentHelp("Tender id (the same as --tender).", valueName: "tender"))
    var positional: String?

    var id: String { option ?? positional ?? "" }

    func validate() throws {
        switch (option, positional) {
        case (nil, nil): throw ValidationError("give the tender: --tender ID")
        case let (option?, positional?) where option != positional:
            throw ValidationError("--tender \(option) and the argument \(positional) name different tenders")
        default: break
        }
    }
}
