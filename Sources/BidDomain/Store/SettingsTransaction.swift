import BidCore
import Foundation

/// Settings the service keeps for itself (platform certificates, the demo clock's offset).
public protocol SettingsTransaction {
    func setMeta(_ key: String, _ value: String) throws
    func meta(prefix: String) throws -> [(key: String, value: String)]
}
