import BidCore
import BidDesks
import BidDomain
import Foundation
import Logging
import ServiceLifecycle

/// Keeps the CRLs in force current without a restart:
/// - watches the configured CRL files (`--crl`) and puts a newer one in force as soon as it is
///   written there (a CA's CRL fetched by cron, say), checked every `interval`;
/// - fetches the CRL at every distribution point a registered certificate names (RFC 5280
///   4.2.1.13) at start and then every `fetchInterval` (nil: never).
struct CRLService: Service {
    let environment: ServiceEnvironment
    let files: [String]
    let interval: TimeInterval
    var fetchInterval: TimeInterval?
    var fetcher: CRLFetcher = .http()
    let logger: Logger

    func run() async throws {
        // Two loops: a slow or dead distribution point never delays a watched file.
        await withDiscardingTaskGroup { group in
            if let fetchInterval { group.addTask { await fetchLoop(every: fetchInterval) } }
            group.addTask { await watchLoop() }
        }
    }

    /// Sleeps `seconds`; false once the service is shutting down.
    private func pause(_ seconds: TimeInterval) async -> Bool {
        guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return false }
        do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(seconds)) } } catch { return false }
        return !Task.isShuttingDownGracefully && !Task.isCancelled
    }

    private func fetchLoop(every seconds: TimeInterval) async {
        let desk = TrustDesk(environment)
        repeat { await fetchDistributionPoints(desk) } while await pause(seconds)
    }

    private func watchLoop() async {
        var seen: [String: Date] = [:]
        for file in files { seen[file] = Self.modified(file) }
        let desk = TrustDesk(environment)
        while await pause(interval) {
            for file in files {
                let modified = Self.modified(file)
                guard modified != seen[file] else { continue }
                seen[file] = modified
                do {
                    let loaded = try await desk.load(try CertificateRevocationList(file: file), by: environment.platformActor)
                    logger.info("CRL of \(loaded.crl.issuer) from \(file) in force (\(loaded.crl.revoked) revoked; \(loaded.sessionsEnded) session(s) ended)")
                } catch let error as ServiceError where error.code == BidCoreError.Code.crlNotNewer.rawValue {
                    continue
                } catch {
                    logger.error("CRL file \(file) changed but was not loaded: \(error)")
                }
            }
        }
    }

    private func fetchDistributionPoints(_ desk: TrustDesk) async {
        do {
            for fetched in try await desk.refreshDistributionPoints(using: fetcher) {
                switch fetched.outcome {
                case .loaded(let revoked, let ended):
                    logger.info("CRL from distribution point \(fetched.uri) in force (\(revoked) revoked; \(ended) session(s) ended)")
                case .unchanged:
                    continue
                case .failed(let reason):
                    logger.warning("CRL distribution point \(fetched.uri) not used: \(reason)")
                }
            }
        } catch {
            logger.error("CRL distribution points not fetched: \(error)")
        }
    }

    static func modified(_ file: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date
    }
}
