import BidCore
import Foundation

/// The ledger: one hash chain, appended in the transaction of the change it records, and its signed checkpoints.
public protocol LedgerTransaction {
    func ledgerHead() throws -> LedgerEvent?
    @discardableResult func appendLedger(_ entry: LedgerEntry, at: Date) throws -> LedgerEvent
    func ledgerEvent(seq: Int64) throws -> LedgerEvent?
    func ledgerEvents(after: Int64, limit: Int) throws -> [LedgerEvent]
    func ledgerEvents(_ query: LedgerQuery) throws -> [LedgerEvent]
    func forEachLedgerRow(_ query: LedgerQuery, _ body: (LedgerRow) throws -> Void) throws
    func ledgerSeq(hash: String) throws -> Int64?
    func checkpoint(covering seq: Int64) throws -> LedgerCheckpoint?
    func insertCheckpoint(_ checkpoint: LedgerCheckpoint) throws
    func checkpoints(after number: Int64, limit: Int) throws -> [LedgerCheckpoint]
    func lastCheckpoint() throws -> LedgerCheckpoint?
}
