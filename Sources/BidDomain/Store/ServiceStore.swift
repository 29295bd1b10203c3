import BidCore
import Foundation

/// The storage the desks use, chosen at wiring time: `SQLiteStore` in a data directory is the
/// embedded default, `PostgresStore` (with blobs on a shared volume) serves several instances.
///
/// Bodies run synchronously inside one transaction and must not await; everything slow (crypto,
/// blob writes) happens before, outside the transaction. Write transactions are serial — SQLite has
/// one writer, PostgreSQL's take one advisory lock first — so a desk's checks and the ledger append
/// that follows them see every committed write.
public protocol ServiceStore: Sendable {
    var blobs: BlobStore { get }
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Synchronous forms, for start-up and tools that run without the server (audits, seeding).
    func readNow<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
    @discardableResult func writeNow<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
}

/// What a transaction can do: every aggregate's protocol. A desk names the ones it uses
/// (`OpeningDeskTransaction` and its peers, BidDesks/DeskTransactions.swift); the backends implement them all.
/// State changes that matter append their ledger event through `appendLedger` in the same transaction.
public protocol StoreTransaction: PartyTransaction, TenderTransaction, BidTransaction, OpeningTransaction, CreditTransaction,
    EvaluationTransaction, LedgerTransaction, RegistryTransaction, CeremonyTransaction, SupervisionTransaction, SettingsTransaction {}
