import Foundation

/// Just enough DER to split signed structures (certificate, CRL) into their parts and to build
/// ECDSA-Sig-Value. Not a general ASN.1 library.
enum DER {
    struct Element {
        let tag: UInt8
        /// Range of the whole TLV in the input.
        let range: Range<Int>
        /// Range of the value only.
        let valueRange: Range<Int>
    }

    /// Reads one TLV starting at `offset`.
    static func element(in bytes: [UInt8], at offset: Int) -> Element? {
        guard offset + 2 <= bytes.count else { return nil }
        let tag = bytes[offset]
        var cursor = offset + 1
        let first = bytes[cursor]
        cursor += 1
        var length = 0
        if first & 0x80 == 0 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7f)
            guard count >= 1, count <= 4, cursor + count <= bytes.count else { return nil }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[cursor])
                cursor += 1
            }
        }
        guard length >= 0, cursor + length <= bytes.count else { return nil }
        return Element(tag: tag, range: offset..<(cursor + length), valueRange: cursor..<(cursor + length))
    }

    /// For `SEQUENCE { tbs, algorithm, signature }`: the exact DER bytes of `tbs`.
    static func signedPart(of bytes: [UInt8]) -> [UInt8]? {
        guard let outer = element(in: bytes, at: 0), outer.tag == 0x30,
              let inner = element(in: bytes, at: outer.valueRange.lowerBound), inner.tag == 0x30 else { return nil }
        return Array(bytes[inner.range])
    }

    /// DER `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` from big-endian r and s.
    static func ecdsaSignature(r: [UInt8], s: [UInt8]) -> [UInt8] {
        func integer(_ raw: [UInt8]) -> [UInt8] {
            var value = Array(raw.drop { $0 == 0 })
            if value.isEmpty { value = [0] }
            if value[0] & 0x80 != 0 { value.insert(0, at: 0) }
            return [0x02] + length(value.count) + value
        }
        let body = integer(r) + integer(s)
        return [0x30] + length(body.count) + body
    }

    private static func length(_ n: Int) -> [UInt8] {
        if n < 0x80 { return [UInt8(n)] }
        if n < 0x100 { return [0x81, UInt8(n)] }
        return [0x82, UInt8(n >> 8), UInt8(n & 0xff)]
    }
}
