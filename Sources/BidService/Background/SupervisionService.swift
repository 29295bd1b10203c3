import BidDesks
import BidDomain
import Foundation
import Logging
import ServiceLifecycle

/// E-supervision's monitor: scans every time limit and anomaly every `interval` and raises or
/// closes cards by itself (ESupervision.scan).
struct SupervisionService: Service {
    let supervision: ESupervision
    let interval: TimeInterval
    var leadership = Leadership.sole()
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if leadership.isLeader { await scan() }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            } catch {
                break
            }
        }
    }

    private func scan() async {
            do {
                let result = try await supervision.scan()
                for card in result.raised { logger.notice("e-supervision: \(card.level.rawValue) \(card.id): \(card.text)") }
            } catch {
                logger.error("e-supervision scan failed: \(error)")
            }
    }
}
