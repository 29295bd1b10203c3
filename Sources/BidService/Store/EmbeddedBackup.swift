import BidStoreSQLite

/// The embedded store's online backup, verification and restore (`ebid admin backup`, `verify`,
/// `restore`; docs/operations.md). It belongs to the SQLite backend — a PostgreSQL centre backs up
/// with pg_basebackup and WAL archiving — and the CLI reaches it here, without importing a backend.
public typealias DataBackup = BidStoreSQLite.DataBackup
