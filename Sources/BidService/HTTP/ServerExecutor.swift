import BidDesks
import BidDomain
import NIOCore
import NIOPosix

/// Where the service's async code runs.
public enum ServerExecutor {
    /// Makes SwiftNIO's event loops (one thread per core) Swift Concurrency's global executor, so a
    /// request's handler runs on the thread that reads and writes its connection instead of hopping
    /// to the cooperative pool and back for every request. Call it once, on the main thread, before any task starts (`ebid serve`, `ebid demo`).
    /// Blocking work (SQLite, file sync, a bid's verification) already runs on its own dispatch
    /// queues, so it does not hold an event loop. Returns false where the runtime does not allow it.
    @discardableResult
    public static func adoptEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
