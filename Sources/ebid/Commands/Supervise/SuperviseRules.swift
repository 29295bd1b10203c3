import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Supervise {
    struct SuperviseRules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rules", abstract: "The time limits e-supervision watches, with their articles.")

        @Option(help: "The ebid service (without it: the rules this ebid knows).") var server: String?
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                var rules = TimeLimitRule.all
                if let server { rules = try await EBidClient(server: server).get("/v1/supervision/rules") }
                if json { return try printJSON(rules) }
                for rule in rules {
                    let limit = rule.days.map { "\($0) day(s)" } ?? "the tender's own"
                    print("\(rule.step.rawValue): \(rule.title) — \(limit) from \(rule.trigger); \(rule.responsible) [\(rule.article)]")
                }
            }
        }
    }
}
