import BidCore
import BidDomain
import BidStoreSQL
import Foundation

/// Online backups of a data directory, and their restore.
///
/// A backup is a directory:
/// ```
/// OUT/ebid.sqlite      the database at one instant (SQLite's VACUUM INTO: one read transaction, so
///                      one consistent snapshot, taken while the service runs and writes)
/// OUT/blobs/<ab>/…     every blob the snapshot refers to (documents, sealed bids, opened parts)
/// OUT/backup.json      the manifest: when, from where, the database's SHA-256, the ledger's head,
///                      the blobs' count and bytes
/// ```
/// Blobs are content-addressed and written (fsynced, renamed) before the row that names them
/// commits, and a blob a row names is not deleted (one known race aside: two uploads of the very
/// same bytes where the one refused last removes the file the other's row names — then the backup
/// stops and names the blob); so the blobs present after the snapshot include every one it names. Each is copied, fsynced and checked against its name (its digest).
/// Uploads and decryptions in progress (`tmp/`) are not part of a backup.
public enum DataBackup {
    public struct Manifest: Codable, Sendable, Equatable {
        public var format = "ebid-backup/1"
        public var createdAt: Date
        public var source: String
        public var database: DatabaseFile
        public var ledger: LedgerHead
        public var blobs: BlobCount

        public struct DatabaseFile: Codable, Sendable, Equatable {
            public var file = "ebid.sqlite"
            public var sha256: String
            public var bytes: UInt64
        }
        public struct LedgerHead: Codable, Sendable, Equatable {
            public var events: Int64
            public var headSeq: Int64?
            public var headHash: String?
        }
        public struct BlobCount: Codable, Sendable, Equatable {
            public var count: Int
            public var bytes: UInt64
        }
    }

    static let manifestFile = "backup.json"

    /// Backs `dataDirectory` up into `out` (which must not exist, or be empty), while the service
    /// may be running on it.
    public static func backup(dataDirectory: String, to out: String, now: Date = Date()) throws -> Manifest {
        let database = "\(dataDirectory)/ebid.sqlite"
        guard FileManager.default.fileExists(atPath: database) else { throw StoreError("\(dataDirectory) holds no ebid database") }
        try prepareEmpty(out)
        let copy = URL(fileURLWithPath: "\(out)/ebid.sqlite").standardizedFileURL.path
        // A connection of its own (not the service's): VACUUM INTO reads one snapshot, which WAL
        // lets it do while the service writes, and writes a compact, self-contained file.
        let source = try SQLiteConnection(path: database, readOnly: true)
        try source.execute("VACUUM INTO '\(copy.replacingOccurrences(of: "'", with: "''"))'")
        try FilePermissions.privateFile(copy, create: false)
        // In WAL mode as the service keeps it, so that opening the copy (an audit, a restore)
        // leaves its bytes as the manifest describes them.
        try SQLiteConnection(path: copy).execute("PRAGMA journal_mode = WAL")
        try syncFile(copy)
        let named = try referencedBlobs(database: copy)
        var blobs = Manifest.BlobCount(count: 0, bytes: 0)
        for name in named.sorted() {
            let from = blobPath(dataDirectory, name)
            guard FileManager.default.fileExists(atPath: from) else {
                throw StoreError("the database names blob \(name), which \(dataDirectory)/blobs does not hold: the data directory is damaged (run ebid audit verify --hash-blobs)")
            }
            blobs.bytes += try copyBlob(from: from, to: blobPath(out, name), name: name)
            blobs.count += 1
        }
        try syncTree("\(out)/blobs")
        let manifest = Manifest(createdAt: now, source: dataDirectory,
                                database: .init(sha256: try sha256(file: copy), bytes: try fileSize(copy)),
                                ledger: try ledgerHead(database: copy), blobs: blobs)
        try writeManifest(manifest, to: out)
        return manifest
    }

    /// Checks a backup: its database is the one the manifest describes and passes SQLite's
    /// integrity check, its ledger head is the manifest's, every blob the database names is there
    /// and hashes to its name. Returns the manifest.
    @discardableResult
    public static func verify(backup: String) throws -> Manifest {
        let manifestPath = "\(backup)/\(manifestFile)"
        guard let data = FileManager.default.contents(atPath: manifestPath) else { throw StoreError("\(backup) holds no \(manifestFile): not an ebid backup") }
        let manifest: Manifest
        do { manifest = try JSONDecoder.ebid.decode(Manifest.self, from: data) } catch { throw StoreError("\(manifestPath) is not an ebid backup manifest: \(error)") }
        guard manifest.format == "ebid-backup/1" else { throw StoreError("\(manifestPath): unknown format \(manifest.format)") }
        let database = "\(backup)/ebid.sqlite"
        guard FileManager.default.fileExists(atPath: database) else { throw StoreError("\(backup) holds no ebid.sqlite") }
        // SQLite would read a write-ahead log beside the file: what is checked would not be what was hashed.
        if let size = try? FileManager.default.attributesOfItem(atPath: database + "-wal")[.size] as? UInt64, size > 0 {
            throw StoreError("\(backup) holds a write-ahead log (ebid.sqlite-wal) the manifest does not describe: the backup was written to after it was made")
        }
        let digest = try sha256(file: database)
        guard digest == manifest.database.sha256 else {
            throw StoreError("\(database) is not the database this backup was made with (SHA-256 \(digest.prefix(16))…, the manifest says \(manifest.database.sha256.prefix(16))…)")
        }
        let connection = try SQLiteConnection(path: database, readOnly: true)
        let integrity = try connection.query("PRAGMA integrity_check") { $0.text(0) }
        guard integrity == ["ok"] else { throw StoreError("\(database) fails SQLite's integrity check: \(integrity.prefix(3).joined(separator: "; "))") }
        let head = try ledgerHead(database: database)
        guard head == manifest.ledger else { throw StoreError("the backup's ledger head (#\(head.headSeq ?? 0)) is not the manifest's (#\(manifest.ledger.headSeq ?? 0))") }
        for name in try referencedBlobs(database: database) {
            let path = blobPath(backup, name)
            guard FileManager.default.fileExists(atPath: path) else { throw StoreError("the backup lacks blob \(name), which its database names") }
            guard try digestName(of: path, like: name) == name else { throw StoreError("the backup's blob \(name) does not hash to its name: it was damaged") }
        }
        return manifest
    }

    /// Restores `backup` into `dataDirectory` (which must not exist, or be empty), after checking
    /// it. The restored directory is started as any other (`ebid serve --data`), with the profile
    /// it was created with.
    ///
    /// What is restored is what was checked: the database is hashed again as it is copied and
    /// checked once more where it lands, each blob as it is copied. Everything goes into a sibling
    /// directory first, renamed to `dataDirectory` only when complete; a failure leaves nothing.
    public static func restore(backup: String, to dataDirectory: String) throws -> Manifest {
        let manifest = try verify(backup: backup)
        if FileManager.default.fileExists(atPath: dataDirectory) {
            guard try FileManager.default.contentsOfDirectory(atPath: dataDirectory).isEmpty else {
                throw StoreError("\(dataDirectory) is not empty: give a new directory (nothing is overwritten)")
            }
        }
        let staging = dataDirectory + ".restoring-\(getpid())"
        try prepareEmpty(staging)
        do {
            let database = "\(staging)/ebid.sqlite"
            let digest = StreamingDigest(.sha256)
            try copyFile(from: "\(backup)/ebid.sqlite", to: database) { digest.update($0) }
            guard hex(digest.finalize()) == manifest.database.sha256 else {
                throw StoreError("\(backup)/ebid.sqlite changed while it was restored: nothing is restored")
            }
            let connection = try SQLiteConnection(path: database, readOnly: true)
            let integrity = try connection.query("PRAGMA integrity_check", []) { $0.text(0) }
            guard integrity == ["ok"] else {
                throw StoreError("the restored database fails SQLite's integrity check: nothing is restored")
            }
            for name in try referencedBlobs(database: database) {
                _ = try copyBlob(from: blobPath(backup, name), to: blobPath(staging, name), name: name)
            }
            try syncTree("\(staging)/blobs")
            try FilePermissions.privateDirectory("\(staging)/tmp")
            try syncDirectory(staging)
            if FileManager.default.fileExists(atPath: dataDirectory) { try FileManager.default.removeItem(atPath: dataDirectory) }
            guard rename(staging, dataDirectory) == 0 else {
                throw StoreError("cannot move \(staging) to \(dataDirectory): \(String(cString: strerror(errno)))")
            }
            try syncDirectory((dataDirectory as NSString).deletingLastPathComponent.isEmpty ? "." : (dataDirectory as NSString).deletingLastPathComponent)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        return manifest
    }

    // MARK: Parts

    static func blobPath(_ directory: String, _ name: String) -> String { "\(directory)/blobs/\(name.suffix(64).prefix(2))/\(name)" }

    /// Every blob the database names.
    static func referencedBlobs(database: String) throws -> Set<String> {
        let connection = try SQLiteConnection(path: database, readOnly: true)
        var names = Set<String>()
        for table in ["documents", "bids", "opened_parts"] {
            let column = try connection.query("SELECT DISTINCT blob FROM \(table)", []) { $0.text(0) }
            for name in column {
                guard BlobStore.isValidName(name) else { throw StoreError("\(table) names a blob \(name.prefix(80)) that is not a blob name") }
                names.insert(name)
            }
        }
        return names
    }

    static func ledgerHead(database: String) throws -> Manifest.LedgerHead {
        let connection = try SQLiteConnection(path: database, readOnly: true)
        let count = try connection.queryOne("SELECT COUNT(*) FROM ledger_events") { $0.int64(0) } ?? 0
        let head = try connection.queryOne("SELECT seq, hash FROM ledger_events ORDER BY seq DESC LIMIT 1") { ($0.int64(0), $0.text(1)) }
        return Manifest.LedgerHead(events: count, headSeq: head?.0, headHash: head?.1)
    }

    private static func prepareEmpty(_ directory: String) throws {
        if FileManager.default.fileExists(atPath: directory) {
            let entries = try FileManager.default.contentsOfDirectory(atPath: directory)
            guard entries.isEmpty else { throw StoreError("\(directory) is not empty: give a new directory (nothing is overwritten)") }
        }
        try FilePermissions.privateDirectory(directory)
        try FilePermissions.privateDirectory("\(directory)/blobs")
    }

    /// Copies a blob, checking on the way that its bytes hash to its name.
    private static func copyBlob(from: String, to: String, name: String) throws -> UInt64 {
        try FilePermissions.privateDirectory((to as NSString).deletingLastPathComponent)
        let algorithm = algorithm(of: name)
        let digest = StreamingDigest(algorithm)
        let bytes = try copyFile(from: from, to: to) { digest.update($0) }
        guard "\(algorithm.label)-\(hex(digest.finalize()))" == name else {
            unlink(to)
            throw StoreError("the blob \(name) in \(from) does not hash to its name: the source is damaged (run ebid audit verify --hash-blobs)")
        }
        return bytes
    }

    /// Copies a file through a temporary name, fsynced, then renamed into place.
    @discardableResult
    private static func copyFile(from: String, to: String, each: (UnsafeRawBufferPointer) -> Void = { _ in }) throws -> UInt64 {
        let input = try FileInput(path: from)
        let temporary = to + ".partial"
        let output = try FileOutput(path: temporary)
        var bytes: UInt64 = 0
        do {
            try input.forEachChunk { chunk in
                each(chunk)
                try output.write(chunk)
                bytes += UInt64(chunk.count)
            }
            try output.close(sync: true)
        } catch {
            try? output.close()
            unlink(temporary)
            throw error
        }
        guard rename(temporary, to) == 0 else { throw StoreError("cannot move \(temporary) to \(to): \(String(cString: strerror(errno)))") }
        return bytes
    }

    /// The algorithm a blob's name says it is hashed with.
    private static func algorithm(of name: String) -> HashAlgorithm { name.hasPrefix("sm3-") ? .sm3 : .sha256 }

    private static func digestName(of path: String, like name: String) throws -> String {
        "\(algorithm(of: name).label)-\(try hash(file: path, algorithm(of: name)))"
    }

    private static func sha256(file: String) throws -> String { try hash(file: file, .sha256) }

    private static func hash(file: String, _ algorithm: HashAlgorithm) throws -> String {
        let digest = StreamingDigest(algorithm)
        try FileInput(path: file).forEachChunk { digest.update($0) }
        return hex(digest.finalize())
    }

    private static func fileSize(_ path: String) throws -> UInt64 { try FileInput(path: path).size }

    private static func syncFile(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StoreError("cannot sync \(path): \(String(cString: strerror(errno)))") }
    }

    /// fsyncs `root` and its subdirectories, so the renames into them are durable.
    private static func syncTree(_ root: String) throws {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: "\(root)/\(entry)", isDirectory: &isDirectory), isDirectory.boolValue {
                try syncDirectory("\(root)/\(entry)")
            }
        }
        try syncDirectory(root)
    }

    private static func writeManifest(_ manifest: Manifest, to out: String) throws {
        let encoder = JSONEncoder.ebidPretty
        let data = try encoder.encode(manifest)
        let output = try FileOutput(path: "\(out)/\(manifestFile)")
        try output.write(Array(data))
        try output.close(sync: true)
        try syncDirectory(out)
    }

    private static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }
}
