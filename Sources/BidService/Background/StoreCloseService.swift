import BidDesks
import BidDomain
import BidStoreSQLite
import Foundation
import Logging
import ServiceLifecycle

/// At a graceful stop, after every other service (the HTTP server, the checkpoint's last
/// signature) has finished: folds SQLite's write-ahead log into the database file and empties it,
/// so the stopped directory's `ebid.sqlite` holds every committed event on its own (a copy of that
/// one file after a clean stop loses nothing). It is registered first: ServiceLifecycle stops
/// services in reverse order.
struct StoreCloseService: Service {
    let store: SQLiteStore
    let logger: Logger

    func run() async throws {
        // Returns once the stop begins (or throws when cancelled: then fold anyway).
        try? await gracefulShutdown()
        do {
            if try store.database.foldLog() {
                logger.info("the write-ahead log is folded into \(store.database.path)")
            } else {
                logger.warning("a reader kept the write-ahead log from being folded into \(store.database.path): keep ebid.sqlite-wal with it (the next start replays it)")
            }
        } catch {
            logger.error("folding the write-ahead log failed (the next start replays it): \(error)")
        }
    }
}
