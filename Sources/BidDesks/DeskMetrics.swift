import Metrics
import NIOConcurrencyHelpers

/// What the desks count, through swift-metrics: only once the service has installed a backend
/// (`ServiceMetrics.bootstrap` in BidService sets `enabled`), so tests and tools count nothing.
/// No label names a tender, a party or a bid.
package enum DeskMetrics {
    private static let enabledBox = NIOLockedValueBox(false)

    package static var enabled: Bool {
        get { enabledBox.withLockedValue { $0 } }
        set { enabledBox.withLockedValue { $0 = newValue } }
    }

    /// A sealed bid's upload, from its first byte to its receipt or refusal.
    package static func uploadStarted() {
        guard enabled else { return }
        Meter(label: "ebid_uploads_in_flight").increment()
    }

    package static func uploadEnded() {
        guard enabled else { return }
        Meter(label: "ebid_uploads_in_flight").decrement()
    }

    package static func received(bytes: Int) {
        guard enabled else { return }
        Counter(label: "ebid_upload_bytes_received_total").increment(by: bytes)
    }
}
