import BidCore
import Foundation
import Logging
import ServiceLifecycle

/// Watches the configured CRL files (`--crl`) and puts a newer one in force as soon as it is
/// written there (a CA's CRL fetched by cron, say): no restart needed.
struct CRLService: Service {
    let environment: ServiceEnvironment
    let files: [String]
    let interval: TimeInterval
    let logger: Logger

    func run() async throws {
        var seen: [String: Date] = [:]
        for file in files { seen[file] = Self.modified(file) }
        let desk = TrustDesk(environment)
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            } catch {
                break
            }
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

    static func modified(_ file: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date
    }
}
