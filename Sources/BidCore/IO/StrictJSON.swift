import Foundation

/// JSON as signed documents must be: exactly one RFC 8259 value, nested at most `maxDepth` deep,
/// and no object naming a key twice. A repeated key is the classic way to make one signed document
/// say two things: Foundation's decoder keeps one occurrence, another reader (a browser, Python,
/// Go) may keep the other. Keys are compared as Swift strings after unescaping: `"a"` and
/// `"\u0061"` are the same key, and so are canonically equivalent spellings (`"K"` and the Kelvin
/// sign `"\u212A"`, NFC and NFD), which Foundation's decoder would also merge. Every reader of a
/// signed or uploaded document decodes with `decodeStrict`.
public enum StrictJSON {
    public static let maxDepth = 128

    /// Checks `bytes`; throws `DecodingError.dataCorrupted` naming the first problem.
    public static func check(_ bytes: some ContiguousBytes) throws {
        try bytes.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            try scanner.skipSpace()
            try scanner.value(depth: 0)
            try scanner.skipSpace()
            guard scanner.offset == scanner.bytes.count else { throw scanner.failure("text after the JSON value") }
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0
        /// Where the scanner is (keys and indices), rendered only for an error.
        var path: [String] = []

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func failure(_ what: String) -> DecodingError {
            DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(what) (at byte \(offset))"))
        }

        var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

        mutating func skipSpace() throws {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { offset += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            guard current == byte else { throw failure(current == nil ? "the JSON ends too early" : "unexpected character") }
            offset += 1
        }

        mutating func value(depth: Int) throws {
            guard depth <= StrictJSON.maxDepth else { throw failure("JSON nested more than \(StrictJSON.maxDepth) deep") }
            switch current {
            case UInt8(ascii: "{"): try object(depth: depth)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case .some(let byte) where byte == UInt8(ascii: "-") || (0x30...0x39).contains(byte): try number()
            case nil: throw failure("the JSON ends too early")
            default: throw failure("unexpected character")
            }
        }

        var renderedPath: String {
            path.isEmpty ? "the top" : path.reduce(into: "") { out, part in out += part.hasPrefix("[") || out.isEmpty ? part : ".\(part)" }
        }

        mutating func object(depth: Int) throws {
            offset += 1
            var keys = Set<String>()
            try skipSpace()
            if current == UInt8(ascii: "}") { offset += 1; return }
            while true {
                try skipSpace()
                guard current == UInt8(ascii: "\"") else { throw failure("an object key must be a string") }
                let name = String(decoding: try string(), as: UTF8.self)
                guard keys.insert(name).inserted else {
                    throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "duplicate key \"\(name)\" in the object at \(renderedPath)"))
                }
                try skipSpace()
                try expect(UInt8(ascii: ":"))
                try skipSpace()
                path.append(name)
                try value(depth: depth + 1)
                path.removeLast()
                try skipSpace()
                if current == UInt8(ascii: ",") { offset += 1; continue }
                try expect(UInt8(ascii: "}"))
                return
            }
        }

        mutating func array(depth: Int) throws {
            offset += 1
            try skipSpace()
            if current == UInt8(ascii: "]") { offset += 1; return }
            var index = 0
            while true {
                try skipSpace()
                path.append("[\(index)]")
                try value(depth: depth + 1)
                path.removeLast()
                index += 1
                try skipSpace()
                if current == UInt8(ascii: ",") { offset += 1; continue }
                try expect(UInt8(ascii: "]"))
                return
            }
        }

        /// A string's unescaped UTF-8 bytes.
        mutating func string() throws -> [UInt8] {
            offset += 1
            var out: [UInt8] = []
            while true {
                guard let byte = current else { throw failure("a string is not closed") }
                offset += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard String(validating: out, as: UTF8.self) != nil else { throw failure("a string is not valid UTF-8") }
                    return out
                case UInt8(ascii: "\\"):
                    guard let escape = current else { throw failure("a string is not closed") }
                    offset += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard current == UInt8(ascii: "\\"), offset + 1 < bytes.count, bytes[offset + 1] == UInt8(ascii: "u") else {
                                throw failure("a lone surrogate in a \\u escape")
                            }
                            offset += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw failure("a lone surrogate in a \\u escape") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw failure("a lone surrogate in a \\u escape")
                        }
                        out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
                    default: throw failure("an unknown escape in a string")
                    }
                case 0x00..<0x20:
                    throw failure("a control character in a string")
                default:
                    out.append(byte)
                }
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard offset + 4 <= bytes.count else { throw failure("a short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[offset]
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: throw failure("a bad \\u escape")
                }
                value = value << 4 | UInt32(digit)
                offset += 1
            }
            return value
        }

        mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard offset + count <= bytes.count else { throw failure("the JSON ends too early") }
            for index in 0..<count where bytes[offset + index] != word.utf8Start[index] { throw failure("unexpected character") }
            offset += count
        }

        mutating func number() throws {
            if current == UInt8(ascii: "-") { offset += 1 }
            guard let first = current, (0x30...0x39).contains(first) else { throw failure("a malformed number") }
            offset += 1
            if first != 0x30 { digits() }
            if current == UInt8(ascii: ".") {
                offset += 1
                guard let byte = current, (0x30...0x39).contains(byte) else { throw failure("a malformed number") }
                digits()
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                offset += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
                guard let byte = current, (0x30...0x39).contains(byte) else { throw failure("a malformed number") }
                digits()
            }
        }

        mutating func digits() {
            while let byte = current, (0x30...0x39).contains(byte) { offset += 1 }
        }
    }
}

extension JSONDecoder {
    /// Decodes `data` only if `StrictJSON` accepts it (one value, no repeated key).
    public func decodeStrict<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try StrictJSON.check(data)
        return try decode(type, from: data)
    }
}
