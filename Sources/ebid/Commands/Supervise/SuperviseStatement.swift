import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension SupervisedStep: ExpressibleByArgument {}

extension Supervise {
    struct SuperviseStatement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "statement",
            abstract: "Record a step done outside the platform (contract-signed, report-filed, security-returned) with a statement signed by your key.",
            discussion: "For the tender's owner (tenderer or agency). The statement closes e-supervision's cards for the step; contract-signed also gives the OCDS contract release. Statements are never replaced."
        )

        @OptionGroup var client: ClientOptions
        @Option(help: "Tender id.") var tender: String
        @Option(help: "contract-signed, report-filed or security-returned.") var step: SupervisedStep
        @Option(name: .customLong("done-at"), help: "When it was done: 2026-06-01 (Beijing day) or an ISO 8601 time (default: when the service records it).") var doneAt: String?
        @Option(help: "The contract's amount in yuan (contract-signed).") var amount: String?
        @Option(help: "What was done (e.g. the contract's number).") var text: String

        func validate() throws {
            guard SupervisedStep.stated.contains(step) else { throw ValidationError("--step is contract-signed, report-filed or security-returned") }
            if amount != nil && step != .contractSigned { throw ValidationError("--amount goes with contract-signed") }
            if let amount, ExactDecimal.price(amount) == nil { throw ValidationError("--amount \(amount) is not an amount in yuan") }
        }

        func run() async throws {
            try await reportingErrors {
                // Without --done-at the service's clock says when (the moment it records the statement).
                var done: Date?
                if let doneAt {
                    guard let parsed = BeijingTime.startOfDay(doneAt) ?? ISO8601DateFormatter().date(from: doneAt) else { throw CLIError("--done-at \(doneAt) is not a day (2026-06-01) or an ISO 8601 time") }
                    done = parsed
                }
                let (certificate, key) = try loadIdentity(certificate: client.cert, key: client.key)
                let api = try EBidClient(server: client.server)
                _ = try await api.login(certificate: certificate, key: key)
                let document = StepStatementDocument(tenderId: tender, step: step, doneAt: done, amount: amount.flatMap(ExactDecimal.price), text: text)
                let statement = try EvalWork.statement(document, key: key)
                let recorded: StepStatement = try await api.send("POST", "\(EvalWork.tenderPath(tender))/statements", json: statement)
                print("recorded \(recorded.step.rawValue) for \(tender): done \(displayTime(recorded.doneAt)), recorded \(displayTime(recorded.recordedAt)), signed by \(certificate.subject)")
            }
        }

    }
}
