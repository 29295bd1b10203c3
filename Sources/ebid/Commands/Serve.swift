import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation
import Logging

extension PolicyProfile: ExpressibleByArgument {}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the ebid service on the embedded store (SQLite + blob directory) or on PostgreSQL (--store).",
        discussion: """
        Stops gracefully on SIGTERM or SIGINT; a restart on the same --data continues where it stopped.
        With --profile demo, the demo PKI under --keys is used where --trust, --crl, --platform-cert
        and --platform-key are not given (for demos and tests only). Any other profile needs them, and
        refuses the demo PKI's certificates. A data directory keeps the profile it was first started
        with: starting it with another is refused.
        """
    )

    @Option(help: "A configuration file (JSON): {\"data\": …, \"trust\": [\"ca.pem\"], \"require-crl\": true, …}, keys named as the options; options given on the command line win.")
    var config: String?

    @Option(help: "Data directory (SQLite database, blobs); with --store, the blob volume every instance shares.")
    var data: String = "./data"

    @Option(help: "Keep the records in PostgreSQL (postgres://user[:password]@host[:port]/database, or …@/database?host=/socket/dir) instead of SQLite in --data; several instances may share one.")
    var store: String?

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port; the bound port is printed).")
    var port: Int = 8080

    @Option(help: "statutory (the law's periods) or demo (a day lasts one second; says so in every response).")
    var profile: PolicyProfile = .statutory

    @Option(help: "Register the demo parties and credit records from this directory (e.g. seeds).")
    var seed: String?

    @Option(help: "Demo PKI directory: party certificates for --seed, and default trust and platform key.")
    var keys: String = "keys"

    @Option(name: .customLong("trust"), help: "Trust anchor (CA certificate); repeat for several.")
    var trustFiles: [String] = []

    @Option(name: .customLong("crl"), help: "CRL file; repeat for several.")
    var crlFiles: [String] = []

    @Option(name: .customLong("crl-fetch-interval"),
            help: "Seconds between fetches of the CRL distribution points (http/https) registered certificates name; 0: never.")
    var crlFetchInterval: Double = 3600

    @Flag(name: .customLong("require-crl"), help: "Refuse certificates not covered by a current CRL.")
    var requireCRL = false

    @Option(name: .customLong("platform-cert"), help: "The platform's signing certificate.")
    var platformCert: String?

    @Option(name: .customLong("platform-key"), help: "The platform's signing key.")
    var platformKey: String?

    @Option(name: .customLong("metrics-port"), help: "Serve GET /metrics (Prometheus text format) on this port (0: any free port); none by default.")
    var metricsPort: Int?

    @Option(name: .customLong("metrics-host"), help: "Address of the metrics listener: keep it on loopback or the monitoring network.")
    var metricsHost: String = "127.0.0.1"

    @Option(name: .customLong("log-format"), help: "text (one line per event) or json (JSON lines, for a log shipper).")
    var logFormat: LogFormat = .text

    @Option(name: .customLong("log-level"), help: "trace, debug, info (a line per request), notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(name: .customLong("admin-cert"), help: "On a first start: register this certificate's holder as the first administrator (as ebid admin init).")
    var adminCert: String?

    @Option(name: .customLong("admin-id"), help: "The first administrator's party id (with --admin-cert).")
    var adminId: String = "admin"

    @Option(name: .customLong("admin-name"), help: "The first administrator's name (with --admin-cert; default: the certificate's CN).")
    var adminName: String?

    @Option(name: .customLong("checkpoint-interval"), help: "Seconds between signed ledger checkpoints (default 300; 5 in the demo profile).")
    var checkpointInterval: Double?

    @Option(name: .customLong("page-cache-seconds"), help: "Seconds the portal keeps a rendered page (default 1; 0 renders every request).")
    var pageCacheSeconds: Double = 1

    @Option(name: .customLong("reminder-days"), help: "E-supervision: a reminder (催办) this many statutory days before a limit (default 1).")
    var reminderDays: String = "1"

    @Option(name: .customLong("red-after-days"), help: "E-supervision: a red card when a limit is missed by more than this many statutory days (default 2).")
    var redAfterDays: String = "2"

    @Option(name: .customLong("red-after-cards"), help: "E-supervision: …or when the party had this many yellow or red cards in the last 365 days (default 2).")
    var redAfterCards: Int = 2

    @Option(name: .customLong("max-bid-bytes"), help: "Largest sealed bid any tender may accept.")
    var maxBidBytes: Int64 = 4 << 30

    @Option(name: .customLong("idle-timeout"), help: "Seconds before an idle connection (or one whose request head is incomplete) is closed.")
    var idleTimeout: Double = 60

    @Option(name: .customLong("read-timeout"), help: "Seconds over which a request body's arrival rate is judged.")
    var readTimeout: Double = 30

    @Option(name: .customLong("min-body-rate"), help: "Bytes per second a request body must at least arrive at while the service waits for it.")
    var minBodyRate: Int = 1024

    enum LogFormat: String, ExpressibleByArgument { case text, json }

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level is trace, debug, info, notice, warning, error or critical") }
        if let metricsPort, !(0...65_535).contains(metricsPort) { throw ValidationError("--metrics-port is 0…65535") }
        if metricsPort != nil, metricsPort == port, port != 0 { throw ValidationError("--metrics-port must differ from --port") }
    }

    func run() async throws {
        if let config {
            // The file's options first, the command line's after them: a single-valued option given
            // on the command line wins; a repeatable one given there replaces the file's list.
            var merged: Serve
            do {
                let given = Array(CommandLine.arguments.drop { $0 != "serve" }.dropFirst())
                merged = try Serve.parse(try Self.configurationArguments(file: config, overriddenBy: given) + Self.removingConfig(given))
            } catch let error as CLIError {
                printError("error: \(error.message)")
                throw ExitCode.failure
            }
            merged.config = nil
            return try await merged.run()
        }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = logFormat == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        try await reportingErrors {
            var configuration = ServiceConfiguration()
            configuration.dataDirectory = data
            configuration.storeURL = store
            configuration.host = host
            configuration.port = port
            configuration.profile = profile
            configuration.seedDirectory = seed
            configuration.keysDirectory = keys
            configuration.trustFiles = trustFiles
            configuration.crlFiles = crlFiles
            configuration.requireCRL = requireCRL
            configuration.crlFetchInterval = crlFetchInterval
            configuration.platformCertificate = platformCert ?? "\(keys)/gm/platform.crt.pem"
            configuration.platformKey = platformKey ?? "\(keys)/gm/platform.key.pem"
            configuration.checkpointInterval = checkpointInterval ?? (profile == .demo ? 5 : 300)
            configuration.maxBidBytes = maxBidBytes
            configuration.administratorCertificate = adminCert
            configuration.administratorId = adminId
            configuration.administratorName = adminName
            guard (0...3600).contains(pageCacheSeconds) else { throw CLIError("--page-cache-seconds must be 0…3600") }
            configuration.pageCacheSeconds = pageCacheSeconds
            guard let reminder = ExactDecimal(reminderDays), let red = ExactDecimal(redAfterDays), reminder >= .zero, red >= .zero, reminder.scale <= 4, red.scale <= 4,
                  reminder <= ExactDecimal(30), red <= ExactDecimal(365), (1...100).contains(redAfterCards) else {
                throw CLIError("--reminder-days is 0…30, --red-after-days 0…365 (decimals allowed, e.g. 0.5), --red-after-cards 1…100")
            }
            configuration.supervisionPolicy.reminderDays = reminder
            configuration.supervisionPolicy.redAfterDays = red
            configuration.supervisionPolicy.redAfterCards = redAfterCards
            guard idleTimeout > 0, readTimeout > 0, minBodyRate >= 0 else { throw CLIError("--idle-timeout and --read-timeout must be positive, --min-body-rate not negative") }
            configuration.connectionLimits.idleTimeout = .nanoseconds(Int64(idleTimeout * 1e9))
            configuration.connectionLimits.readTimeout = .nanoseconds(Int64(readTimeout * 1e9))
            configuration.connectionLimits.minimumBodyRate = minBodyRate
            if trustFiles.isEmpty || platformCert == nil {
                // Only a demo falls back to the demo PKI; anything else names its own (no silent fallback).
                guard profile == .demo else {
                    throw CLIError("outside --profile demo give the centre's trust anchors (--trust) and the platform's certificate and key (--platform-cert, --platform-key): the demo PKI in \(keys)/ is for demos and tests only")
                }
                printError("warning: using the demo PKI in \(keys)/ (trust anchors and/or platform key): for demos and tests only")
                configuration.applyDemoDefaults()
            }
            let profileName = profile.rawValue
            let dataDirectory = data
            configuration.onListening = { host, port in
                // Tests and scripts read the bound port from this line: write it unbuffered.
                FileHandle.standardOutput.write(Data("ebid listening on http://\(host):\(port) (profile \(profileName), data \(dataDirectory))\n".utf8))
            }
            configuration.metricsHost = metricsHost
            configuration.metricsPort = metricsPort
            configuration.onMetricsListening = { host, port in
                FileHandle.standardOutput.write(Data("ebid metrics on http://\(host):\(port)/metrics\n".utf8))
            }
            let app = try await buildApplication(configuration)
            try await app.runService()
        }
    }

    /// `--config FILE` as arguments: `"key": value` → `--key value`, `true` → `--key`, a list → the
    /// option repeated. Keys the command line also gives are left out.
    static func configurationArguments(file: String, overriddenBy given: [String]) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read the configuration file \(file)") }
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw CLIError("\(file) is not a JSON object of options ({\"data\": \"/var/lib/ebid\", \"port\": 8080, …})")
        }
        guard object["config"] == nil else { throw CLIError("\(file): a configuration file cannot name another (config)") }
        let onCommandLine = Set(given.filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2).split(separator: "=").first ?? "") })
        var arguments: [String] = []
        for key in object.keys.sorted() where !onCommandLine.contains(key) {
            func text(_ value: JSONValue) throws -> String {
                switch value {
                case .string(let string): return string
                case .number(let number): return number
                default: throw CLIError("\(file): \(key) must be a string, a number, true, or a list of strings")
                }
            }
            switch object[key]! {
            case .bool(let flag):
                if flag { arguments.append("--\(key)") }
            case .array(let list):
                for item in list { arguments += ["--\(key)", try text(item)] }
            case let value:
                arguments += ["--\(key)", try text(value)]
            }
        }
        return arguments
    }

    static func removingConfig(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var skip = false
        for argument in arguments {
            if skip { skip = false; continue }
            if argument == "--config" { skip = true; continue }
            if argument.hasPrefix("--config=") { continue }
            result.append(argument)
        }
        return result
    }
}
