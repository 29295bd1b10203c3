import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Supervise {
    struct SuperviseAlerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "alerts", abstract: "Reminders, yellow and red cards and alerts, newest first (supervisors).")

        @OptionGroup var client: ClientOptions
        @Flag(help: "Only the cards not yet closed.") var open = false
        @Option(help: "Only this tender's cards.") var tender: String?
        @Option(help: "At most this many (1…1000).") var limit = 200
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                var path = "/v1/supervision/alerts?limit=\(limit)"
                if open { path += "&open=true" }
                if let tender { path += "&tender=\(EBidClient.pathComponent(tender))" }
                let cards: [SupervisionCard] = try await client.login().get(path)
                if json { return try printJSON(cards) }
                for card in cards {
                    let state = card.closedAt.map { "closed \(displayTime($0))" } ?? "OPEN"
                    print("\(card.level.label) \(card.level.rawValue)  \(card.tenderId ?? "platform")  \(card.text)  [\(card.article)]  raised \(displayTime(card.raisedAt))  \(state)")
                }
                let counts = CardLevel.allCases.map { level in "\(cards.filter { $0.level == level }.count) \(level.rawValue)" }.joined(separator: ", ")
                print("\(cards.count) card(s): \(counts); \(cards.filter { $0.closedAt == nil }.count) open")
            }
        }
    }
}
