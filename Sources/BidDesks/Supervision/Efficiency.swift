import BidCore
import BidDomain
import Foundation

/// The monitoring office's efficiency figures (效能评估), in aggregate: how many steps with a
/// time limit were done, and the share done on time.
public struct EfficiencySummary: Codable, Sendable, Equatable {
    public var steps: Int
    public var onTime: Int
    /// onTime / steps in percent (one decimal), nil when no step is done yet.
    public var onTimePercent: ExactDecimal?
}
