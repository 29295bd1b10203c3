import Foundation

/// The hash-based generator of every verifiable draw (docs/evaluation.md, "The verifiable draw"):
/// block i = H("ebid/draw/stream/v1" ‖ frame(label) ‖ frame(seed) ‖ u64be(i)), i = 0, 1, …; each
/// 32-byte block is read as four big-endian u64 words in order. `index(below: n)` takes words until
/// one is below 2^64 − (2^64 mod n) and answers that word mod n — uniform, with no modulo bias.
/// Frames are u32be(length) ‖ bytes.
public struct DrawStream {
    public let hash: HashAlgorithm
    private let prefix: [UInt8]
    private var counter: UInt64 = 0
    private var words: [UInt64] = []
    /// How many words were consumed (a verifier can compare).
    public private(set) var wordsUsed = 0

    public init(seed: [UInt8], label: String, hash: HashAlgorithm = .sha256) {
        self.hash = hash
        prefix = DrawFraming.frame("ebid/draw/stream/v1") + DrawFraming.frame(label) + DrawFraming.frame(seed)
    }

    public mutating func nextWord() -> UInt64 {
        if words.isEmpty {
            var input = prefix
            input.append(contentsOf: DrawFraming.u64(counter))
            counter += 1
            let block = StreamingDigest.hash(input, using: hash)
            words = stride(from: 0, to: 32, by: 8).reversed().map { offset in
                block[offset..<(offset + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            }
        }
        wordsUsed += 1
        return words.removeLast()
    }

    /// A uniform index in 0..<n (n ≥ 1).
    public mutating func index(below n: Int) -> Int {
        precondition(n >= 1, "nothing to draw from")
        let bound = UInt64(n)
        let excess = (UInt64.max % bound + 1) % bound  // 2^64 mod n
        while true {
            let word = nextWord()
            if excess == 0 || word < UInt64.max - excess + 1 { return Int(word % bound) }
        }
    }
}

/// Length-prefixed fields for every hash input of the draw and the commitments.
public enum DrawFraming {
    public static func frame(_ bytes: [UInt8]) -> [UInt8] { u32(UInt32(bytes.count)) + bytes }
    public static func frame(_ text: String) -> [UInt8] { frame(Array(text.utf8)) }
    public static func u32(_ value: UInt32) -> [UInt8] { (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    public static func u64(_ value: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}

/// A value committed before the draw and revealed after it (the host's, a supervisor's…):
/// commitment = H("ebid/draw/commit/v1" ‖ frame(context) ‖ frame(party) ‖ frame(value)).
public enum DrawCommitment {
    public static let valueLength = 32

    public static func commitment(value: [UInt8], party: String, context: String, hash: HashAlgorithm = .sha256) -> [UInt8] {
        StreamingDigest.hash(DrawFraming.frame("ebid/draw/commit/v1") + DrawFraming.frame(context) + DrawFraming.frame(party) + DrawFraming.frame(value), using: hash)
    }
}
