import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Admin {
    struct Clock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Demo profile only: move the service clock forward (e.g. past a deadline).")

        @OptionGroup var client: ClientOptions

        @Option(help: "Seconds to move forward.")
        var advance: Double

        func run() async throws {
            try await reportingErrors {
                struct Advance: Encodable { var seconds: Double }
                struct Now: Decodable { var now: Date }
                let now: Now = try await client.login().send("POST", "/v1/demo/clock", json: Advance(seconds: advance))
                print("service clock: \(displayTime(now.now))")
            }
        }
    }
}
