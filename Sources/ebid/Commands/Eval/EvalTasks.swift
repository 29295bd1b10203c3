import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Eval {
    struct EvalTasks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tasks",
            abstract: "The tenders you were drawn for, and what is left to do (members).",
            discussion: "Lists each tender's phase, the rounds (committing → revealing → locked) and whether you declared, committed, revealed and signed."
        )

        @OptionGroup var client: ClientOptions

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let tasks: [EvaluationRoom.TaskView] = try await client.login().get("/v1/evaluation/tasks")
                if json { return try printJSON(tasks) }
                if tasks.isEmpty { print("no evaluation tasks") }
                for task in tasks {
                    print("\(task.tenderId) section \(task.section)  \(task.title)")
                    printTable([
                        ("phase", task.phase.rawValue),
                        ("declaration", task.declared?.rawValue ?? "not yet — `ebid eval declare`"),
                        ("rounds", ScoringRound.allCases.map { "\($0.rawValue) \(task.rounds[$0]?.rawValue ?? "-")" }.joined(separator: ", ")),
                        ("committed", task.committed.map(\.rawValue).joined(separator: ", ")),
                        ("revealed", task.revealed.map(\.rawValue).joined(separator: ", ")),
                        ("report", task.reportDigest.map { "\($0.prefix(16))… \(task.signed ? "signed" : "to sign by \(displayTime(task.reportDeadline!))")" } ?? "—"),
                    ], indent: "  ")
                }
            }
        }
    }
}
