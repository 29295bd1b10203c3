import ArgumentParser
import BidCore
import Foundation

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk through a bid's life with the demo data and keys, narrating each step.",
        discussion: """
        Run from the repository root (it reads seeds/ and keys/). First, for each suite: seals a bid
        for the demo tender, checks it as the platform would on receipt, opens it with the bidder's
        key (remote decryption) and with two opening officials' key shares, and shows a tampered copy
        and bids signed with a revoked and an expired certificate being refused. Then runs the service
        embedded (demo profile, SQLite in the work directory): the agency publishes the tender, bidders
        seal and upload and get signed receipts, one replaces its bid, a debarred bidder and a late
        bidder are refused, and the ledger is audited. Exits non-zero if any step does not turn out
        as it should.
        """
    )

    @Option(help: "Repository root holding seeds/ and keys/.")
    var root: String = "."

    @Option(help: "Suite to demonstrate: GM, NIST, or both (default).")
    var suite: String = "both"

    @Flag(help: "Keep the temporary directory of the demo's files (with --work they are always kept).")
    var keep = false

    @Option(help: "Directory for the files the demo makes (default: a new temporary directory, removed at the end unless --keep).")
    var work: String?

    @Flag(name: .customLong("skip-service"), help: "Only the sealed-bid walk-through, without the embedded service.")
    var skipService = false

    @Option(help: "Drive a running `ebid serve --profile demo --seed seeds` at this URL instead of the embedded service (needs --data).")
    var server: String?

    @Option(help: "With --server: that service's data directory (the demo's closing audit reads it).")
    var data: String?

    @Option(help: "With --server: that service's PostgreSQL store (serve --store), which the closing audit reads with --data's blobs.")
    var store: String?

    @Flag(name: .customLong("pause-stages"), help: "After each stage of the tender's life print `EBID-STAGE <stage> <tender>` and wait for a line on stdin (for page checks).")
    var pauseStages = false

    func validate() throws {
        if (server == nil) != (data == nil) { throw ValidationError("--server and --data go together") }
        if store != nil && server == nil { throw ValidationError("--store goes with --server and --data") }
        if server != nil && skipService { throw ValidationError("--server drives the service part; drop --skip-service") }
    }

    func run() async throws {
        try await reportingErrors {
            let suites: [Suite]
            if suite.lowercased() == "both" {
                suites = [.gm, .nist]
            } else if let one = Suite(caseInsensitive: suite) {
                suites = [one]
            } else {
                throw CLIError("--suite must be GM, NIST or both")
            }
            let workDirectory = work ?? FileManager.default.temporaryDirectory.appendingPathComponent("ebid-demo-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
            print("The demo writes its files (keys, bids, receipts, its data directory) into \(workDirectory).")
            var failures = 0
            for suite in suites {
                let demo = try SealedBidDemo(root: root, suite: suite, work: "\(workDirectory)/\(suite.rawValue.lowercased())")
                failures += try demo.run()
            }
            if !skipService {
                var demo = ServiceDemo(root: root, work: "\(workDirectory)/service")
                demo.external = server.map { ($0, data ?? "", store) }
                demo.pauses = pauseStages
                failures += try await demo.run()
            }
            print("")
            if work == nil, !keep, failures == 0 {
                try? FileManager.default.removeItem(atPath: workDirectory)
                print("The demo's files (keys, bids, receipts, its data directory) were in \(workDirectory), now removed: --keep keeps them, --work DIR puts them there.")
            } else {
                print("Files made by the demo are in \(workDirectory).")
            }
            guard failures == 0 else { throw CLIError("\(failures) demo step(s) did not turn out as expected") }
            print("Every step turned out as it should.")
        }
    }
}
