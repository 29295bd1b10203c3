import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Supervise {
    struct SuperviseEfficiency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "efficiency",
                                                        abstract: "Efficiency figures (效能评估): on-time share, delays and cards per centre, party and step (supervisors).")

        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let report: ESupervision.EfficiencyReport = try await client.login().get("/v1/supervision/efficiency")
                if json { return try printJSON(report) }
                print("efficiency at \(displayTime(report.at)) (delays in statutory days)")
                for row in report.rows {
                    let onTime = row.onTimePercent.map { "\($0)%" } ?? "—"
                    let delays = row.averageDelayDays.map { "average delay \($0), worst \(row.worstDelayDays?.description ?? "—")" } ?? "no delay"
                    print("  \(row.scope) \(row.name): \(row.steps) step(s), \(row.done) done, on time \(onTime), \(row.overdue) overdue; \(delays); cards \(row.cardsRaised) raised, \(row.cardsClosed) closed")
                }
            }
        }
    }
}
