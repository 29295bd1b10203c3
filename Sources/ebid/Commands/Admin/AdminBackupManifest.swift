import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// A backup's manifest as `admin backup` and `admin restore` print it.
func printManifest(_ manifest: DataBackup.Manifest, json: Bool, heading: String) throws {
    if json {
        print(String(decoding: try JSONEncoder.ebidPretty.encode(manifest), as: UTF8.self))
        return
    }
    print(heading)
    printTable([
        ("taken at", displayTime(manifest.createdAt)),
        ("database", "\(formatBytes(manifest.database.bytes)), SHA-256 \(manifest.database.sha256)"),
        ("ledger", "\(manifest.ledger.events) events, head \(manifest.ledger.headSeq.map { "#\($0) \(manifest.ledger.headHash ?? "")" } ?? "empty")"),
        ("blobs", "\(manifest.blobs.count), \(formatBytes(manifest.blobs.bytes))"),
    ], indent: "  ")
}
