import BidDesks
import BidDomain
import Foundation
import Logging
import ServiceLifecycle

/// Moves openings on as their windows end, even when nobody asks, and signs a checkpoint as soon
/// as a tender's deadline passes: it seals the tender's bid events (`ebid audit verify` checks it).
struct OpeningService: Service {
    let environment: ServiceEnvironment
    let interval: TimeInterval
    let logger: Logger

    func run() async throws {
        let room = OpeningRoom(environment)
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            } catch {
                break
            }
            guard environment.leadership.isLeader else { continue }
            do {
                try await Supervision(environment).sealDeadlines()
                for opening in try await environment.store.read({ try $0.openings(status: .decrypting) }) {
                    try await room.advanceIfDue(opening.tenderId)
                }
            } catch {
                logger.error("opening service: \(error)")
            }
        }
    }

}
