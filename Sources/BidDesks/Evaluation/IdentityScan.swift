import BidCore
import BidDomain
import Foundation

/// The identity-leak scan of anonymised review (暗标): a technical part that contains a bidder's
/// name, credit code or project manager is flagged to the committee — without saying whose.
/// It reads the part's bytes as stored (plain text, CSV, uncompressed documents); text inside
/// compressed containers (most PDF streams, .docx) is not seen — docs/evaluation.md says so.
package enum IdentityScan {
    package static func scan(_ bids: [EvaluationRoom.EvaluatedBid], blobs: BlobStore) throws -> [IdentityLeak] {
        var needles: [(kind: String, bytes: [UInt8])] = []
        for bid in bids {
            needles.append(("bidder-name", Array(bid.bidder.name.utf8)))
            if let code = bid.bidder.creditCode { needles.append(("credit-code", Array(code.utf8))) }
            needles.append(("project-manager", Array(bid.manifest.summary.projectManager.utf8)))
        }
        needles = needles.filter { $0.bytes.count >= 4 }  // a two-letter name would match anywhere
        guard let longest = needles.map(\.bytes.count).max() else { return [] }
        var leaks: [IdentityLeak] = []
        for bid in bids {
            for part in bid.parts where part.kind == BidPartKind.technical.rawValue {
                let found = try search(blobs.path(part.blob), needles: needles, overlap: longest - 1)
                if !found.isEmpty { leaks.append(IdentityLeak(bid: bid.bidId, part: part.position, kinds: found.sorted())) }
            }
        }
        return leaks
    }

    /// The kinds of needle found in the file, read in 1 MiB chunks that overlap by `overlap` bytes.
    package static func search(_ path: String, needles: [(kind: String, bytes: [UInt8])], overlap: Int) throws -> Set<String> {
        let input = try FileInput(path: path)
        var found = Set<String>()
        var carry: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try input.read(into: $0) }
            if count == 0 { break }
            let window = carry + buffer[0..<count]
            for needle in needles where !found.contains(needle.kind) && window.firstRange(of: needle.bytes) != nil { found.insert(needle.kind) }
            carry = Array(window.suffix(overlap))
        }
        return found
    }
}
