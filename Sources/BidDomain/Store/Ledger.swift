import BidCore
import Foundation

/// One event of the ledger (过程全监督): a state change, chained to the one before.
public struct LedgerEvent: Sendable, Codable, Equatable {
    public var seq: Int64
    public var at: Date
    public var actor: Actor
    public var action: String
    public var object: String
    public var tenderId: String?
    /// SM3 of the event's payload (what changed), hex.
    public var payloadDigest: String
    public var previousHash: String
    public var hash: String

    /// The chain hash (docs/ledger.md):
    /// SM3("ebid-ledger-v1" ‖ f(seq) ‖ f(at ms) ‖ f(fingerprint) ‖ f(party) ‖ f(role) ‖ f(address)
    ///     ‖ f(action) ‖ f(object) ‖ f(tender or "") ‖ f(payload digest) ‖ f(previous hash)),
    /// with f(s) = u32be(byte length) ‖ UTF-8 bytes; the first event's previous hash is 64 zeros.
    public static func computeHash(seq: Int64, at: Date, actor: Actor, action: String, object: String,
                                   tenderId: String?, payloadDigest: String, previousHash: String) -> String {
        let digest = StreamingDigest(.sm3)
        digest.update(Array("ebid-ledger-v1".utf8))
        for field in [String(seq), String(Ledger.milliseconds(at)), actor.certificateFingerprint, actor.party, actor.role, actor.address,
                      action, object, tenderId ?? "", payloadDigest, previousHash] {
            let bytes = Array(field.utf8)
            digest.update([UInt8].uint32BigEndian(UInt32(bytes.count)))
            digest.update(bytes)
        }
        return Hex.encode(digest.finalize())
    }

    public var recomputedHash: String {
        Self.computeHash(seq: seq, at: at, actor: actor, action: action, object: object, tenderId: tenderId,
                         payloadDigest: payloadDigest, previousHash: previousHash)
    }

    package init(seq: Int64, at: Date, actor: Actor, action: String, object: String, tenderId: String? = nil, payloadDigest: String, previousHash: String, hash: String) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.action = action
        self.object = object
        self.tenderId = tenderId
        self.payloadDigest = payloadDigest
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// A signed checkpoint of the ledger head. Its signature covers the number, the time and the head
/// hash — not the sequence number: published checkpoints reveal nothing about how many events
/// (bids) there are (Law art. 22); whoever holds the events finds the position by the hash.
public struct LedgerCheckpoint: Sendable, Codable, Equatable {
    public var number: Int64
    public var at: Date
    public var seq: Int64
    public var headHash: String
    public var signature: [UInt8]
    public var scheme: SignatureScheme
    public var certificateFingerprint: String

    public static func signedBytes(number: Int64, at: Date, headHash: String) -> [UInt8] {
        var bytes = Array("ebid-ledger-checkpoint-v1".utf8)
        for field in [String(number), String(Ledger.milliseconds(at)), headHash] {
            bytes += [UInt8].uint32BigEndian(UInt32(field.utf8.count)) + Array(field.utf8)
        }
        return bytes
    }

    package init(number: Int64, at: Date, seq: Int64, headHash: String, signature: [UInt8], scheme: SignatureScheme, certificateFingerprint: String) {
        self.number = number
        self.at = at
        self.seq = seq
        self.headHash = headHash
        self.signature = signature
        self.scheme = scheme
        self.certificateFingerprint = certificateFingerprint
    }
}

/// What a state change asks the ledger to record.
public struct LedgerEntry: Sendable {
    public var actor: Actor
    public var action: String
    public var object: String
    public var tenderId: String?
    public var payload: [UInt8]

    public init(actor: Actor, action: String, object: String, tenderId: String? = nil, payload: [UInt8]) {
        self.actor = actor
        self.action = action
        self.object = object
        self.tenderId = tenderId
        self.payload = payload
    }

    /// Payload as canonical (sorted-key) JSON of `value`.
    public init<T: Encodable>(actor: Actor, action: String, object: String, tenderId: String? = nil, json value: T) throws {
        self.init(actor: actor, action: action, object: object, tenderId: tenderId, payload: [UInt8](try JSONEncoder.ebid.encode(value)))
    }
}

public enum Ledger {
    public static let genesisHash = String(repeating: "0", count: 64)

    package static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    package static func payloadDigest(_ payload: [UInt8]) -> String { Hex.encode(StreamingDigest.hash(payload, using: .sm3)) }
}

extension Array where Element == UInt8 {
    package static func uint32BigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
}

/// A ledger event as the store holds it, its texts as UTF-8 bytes borrowed from the database
/// (see `forEachLedgerRow`): the same fields as `LedgerEvent`.
public struct LedgerRow {
    public var seq: Int64
    public var at: Date
    public var actorFingerprint: UnsafeBufferPointer<UInt8>
    public var actorParty: UnsafeBufferPointer<UInt8>
    public var role: UnsafeBufferPointer<UInt8>
    public var address: UnsafeBufferPointer<UInt8>
    public var action: UnsafeBufferPointer<UInt8>
    public var object: UnsafeBufferPointer<UInt8>
    public var tenderId: UnsafeBufferPointer<UInt8>?
    public var payloadDigest: UnsafeBufferPointer<UInt8>
    public var previousHash: UnsafeBufferPointer<UInt8>
    public var hash: UnsafeBufferPointer<UInt8>

    package init(seq: Int64, at: Date, actorFingerprint: UnsafeBufferPointer<UInt8>, actorParty: UnsafeBufferPointer<UInt8>, role: UnsafeBufferPointer<UInt8>, address: UnsafeBufferPointer<UInt8>, action: UnsafeBufferPointer<UInt8>, object: UnsafeBufferPointer<UInt8>, tenderId: UnsafeBufferPointer<UInt8>? = nil, payloadDigest: UnsafeBufferPointer<UInt8>, previousHash: UnsafeBufferPointer<UInt8>, hash: UnsafeBufferPointer<UInt8>) {
        self.seq = seq
        self.at = at
        self.actorFingerprint = actorFingerprint
        self.actorParty = actorParty
        self.role = role
        self.address = address
        self.action = action
        self.object = object
        self.tenderId = tenderId
        self.payloadDigest = payloadDigest
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// Filters over the ledger (supervisors' queries).
public struct LedgerQuery: Sendable {
    public var tender: String?
    public var actor: String?
    public var action: String?
    public var since: Date?
    public var until: Date?
    public var objects: [String] = []
    /// Cursor: events after this position.
    public var after: Int64 = 0
    public var limit = 100

    public init(tender: String? = nil, actor: String? = nil, action: String? = nil, since: Date? = nil, until: Date? = nil,
                objects: [String] = [], after: Int64 = 0, limit: Int = 100) {
        self.tender = tender
        self.actor = actor
        self.action = action
        self.since = since
        self.until = until
        self.objects = objects
        self.after = after
        self.limit = limit
    }
}
