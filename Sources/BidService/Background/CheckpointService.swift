import BidDesks
import BidDomain
import Foundation
import Logging
import ServiceLifecycle

/// Signs a checkpoint of the ledger head at start, every `interval`, and at shutdown.
struct CheckpointService: Service {
    let supervision: Supervision
    let interval: TimeInterval
    var leadership = Leadership.sole()
    let logger: Logger

    func run() async throws {
        await checkpoint()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            } catch {
                break
            }
            await checkpoint()
        }
        await checkpoint()
    }

    private func checkpoint() async {
        guard leadership.isLeader else { return }
        do { try await supervision.checkpoint() } catch { logger.error("ledger checkpoint failed: \(error)") }
    }
}
