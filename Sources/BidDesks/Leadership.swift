import BidDomain
import NIOConcurrencyHelpers

/// Which instance does the background work — the opening at the deadline and its windows, the
/// ledger checkpoints, e-supervision's scans. On the embedded store there is one instance; on
/// PostgreSQL the instance that holds a session advisory lock leads, and when it dies its
/// connection closes, the lock is free, and another instance takes it at its next try.
///
/// Leadership saves work; it is not what keeps the records right. Every background step is a
/// desk's write transaction that checks the state it changes (serial across instances), so two
/// instances that both believed they led for a moment would do one step and find the other's done.
public final class Leadership: Sendable {
    private let leading: NIOLockedValueBox<Bool>

    /// The embedded store's one instance, which always leads.
    public static func sole() -> Leadership { Leadership(leading: true) }

    package init(leading: Bool) { self.leading = NIOLockedValueBox(leading) }

    public var isLeader: Bool { leading.withLockedValue { $0 } }

    /// Sets the state; true when it changed.
    package func set(_ value: Bool) -> Bool {
        leading.withLockedValue { current in
            defer { current = value }
            return current != value
        }
    }
}
