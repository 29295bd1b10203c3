import Foundation
import Testing
import TestSupport

/// Loads a JSON vector file shipped with the tests (Tests/BidCoreTests/Vectors).
func loadVectors<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
    let url = try #require(Bundle.module.resourceURL?.appendingPathComponent("Vectors/\(name).json"))
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

func hex(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    var chars = Array(text.utf8).filter { $0 != 0x20 }[...]
    while chars.count >= 2 {
        out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!)
        chars = chars.dropFirst(2)
    }
    return out
}

func hexString(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

/// Feeds `bytes` to `body` whole, then split in chunks of each size given: the streaming APIs must
/// give the same answer however the input is cut.
let chunkings: [Int?] = [nil, 1, 3, 7, 64, 65, 1000]

func feed(_ bytes: [UInt8], chunkSize: Int?, _ body: ([UInt8]) -> Void) {
    guard let chunkSize else { body(bytes); return }
    var index = 0
    while index < bytes.count {
        let end = min(index + chunkSize, bytes.count)
        body(Array(bytes[index..<end]))
        index = end
    }
    if bytes.isEmpty { body([]) }
}
