import BidDesks
import BidDomain
import BidStorePostgres
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceLifecycle

/// Holds, or waits for, the PostgreSQL leadership lock on a connection of its own.
struct PostgresLeadershipService: Service {
    /// The session advisory lock the leader holds ("ebid" and 3).
    static let lock: Int64 = 0x6562_6964_0003

    let location: PostgresLocation
    let leadership: Leadership
    /// Seconds between tries while another instance leads, and between checks that the lock's
    /// connection still lives while this one does.
    let interval: TimeInterval
    let logger: Logger

    func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        var connection: PostgresConnection?
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                if connection == nil || connection?.isClosed == true {
                    if leadership.set(false) { logger.warning("lost the background-work lock (its connection closed): another instance may lead now") }
                    connection = try await PostgresConnection.connect(on: group.next(), configuration: location.configuration, id: 0, logger: logger)
                }
                if let connection {
                    if leadership.isLeader {
                        // Still the leader while this connection answers: the lock lives with it.
                        try await connection.query("SELECT 1", logger: logger)
                    } else {
                        let rows = try await connection.query("SELECT pg_try_advisory_lock(\(Self.lock))", logger: logger)
                        var acquired = false
                        for try await (value) in rows.decode(Bool.self) { acquired = value }
                        if acquired, leadership.set(true) { logger.notice("this instance leads the background work (openings, checkpoints, e-supervision)") }
                    }
                }
            } catch {
                if leadership.set(false) { logger.warning("lost the background-work lock: \(PostgresSQLConnection.describe(error))") }
                try? await connection?.close()
                connection = nil
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            } catch {
                break
            }
        }
        // Stopping: the lock goes with the connection, for another instance to take at once.
        _ = leadership.set(false)
        try? await connection?.close()
    }
}
