import Foundation

/// A real PostgreSQL server for the tests: a temporary cluster (`initdb`, trust authentication, a
/// Unix socket in the cluster's directory and a free TCP port on 127.0.0.1), started once per test
/// process and stopped when the process exits. Each test takes a database of its own.
///
/// When `EBID_TEST_POSTGRES` names a server (`postgres://user@host:port/postgres`), that one is
/// used instead. Without Debian's `postgresql` package a test fails under `CI=true` with the
/// install command and skips elsewhere (see `PostgresCluster.require`).
public final class PostgresCluster: @unchecked Sendable {
    /// The server's base URL (its maintenance database); nil when none could be started.
    public let baseURL: String?
    public let problem: String?
    private let directory: String?
    private let bin: String?
    private let lock = NSLock()
    private var databases = 0

    public static let shared = PostgresCluster()

    /// Whether the suite's service tests run on PostgreSQL too (`EBID_TEST_STORE=postgres`).
    public static var storeUnderTest: String { ProcessInfo.processInfo.environment["EBID_TEST_STORE"] ?? "sqlite" }

    private init() {
        if let given = ProcessInfo.processInfo.environment["EBID_TEST_POSTGRES"], !given.isEmpty {
            baseURL = given
            problem = nil
            directory = nil
            bin = nil
            return
        }
        guard let bin = Self.findBinaries() else {
            baseURL = nil
            problem = "PostgreSQL's server programs (initdb, pg_ctl) are not installed: apt-get install -y postgresql"
            directory = nil
            self.bin = nil
            return
        }
        self.bin = bin
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ebid-pg-\(UUID().uuidString.prefix(8))").path
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // initdb refuses to run as root: the cluster belongs to the postgres user then.
            let runAs = getuid() == 0 ? ["runuser", "-u", "postgres", "--"] : []
            if getuid() == 0 { _ = try runCommand(["chown", "postgres", directory]) }
            let port = try Self.freePort()
            let initdb = try runCommand(runAs + ["\(bin)/initdb", "-D", "\(directory)/data", "-A", "trust", "-U", "ebid", "-E", "UTF8", "--no-locale"])
            guard initdb.status == 0 else { throw CommandError(message: "initdb failed: \(initdb.stderr)") }
            let options = "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000"
            // The server must not inherit this process's pipes (runCommand reads them to the end).
            let status = Self.spawnAndWait(runAs + ["\(bin)/pg_ctl", "-D", "\(directory)/data", "-o", options, "-l", "\(directory)/log", "-w", "start"])
            guard status == 0 else {
                let log = (try? String(contentsOfFile: "\(directory)/log", encoding: .utf8)) ?? ""
                throw CommandError(message: "pg_ctl start failed (\(status)): \(log.suffix(2000))")
            }
            baseURL = "postgres://ebid@127.0.0.1:\(port)/postgres"
            problem = nil
            Self.running = (runAs, bin, directory)
            atexit { PostgresCluster.stopAtExit() }
        } catch {
            baseURL = nil
            problem = "cannot start a temporary PostgreSQL cluster: \(error)"
        }
    }

    nonisolated(unsafe) private static var running: (runAs: [String], bin: String, directory: String)?

    private static func stopAtExit() {
        guard let (runAs, bin, directory) = running else { return }
        _ = spawnAndWait(runAs + ["\(bin)/pg_ctl", "-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A new, empty database on the server; its URL.
    public func freshDatabase() throws -> String {
        guard let baseURL else { throw CommandError(message: problem ?? "no PostgreSQL") }
        let name = lock.withLock { () -> String in
            databases += 1
            return "ebid_\(getpid())_\(databases)_\(UUID().uuidString.prefix(6).lowercased())"
        }
        let result = try runCommand(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", baseURL, "-c", "CREATE DATABASE \(name)"])
        guard result.status == 0 else { throw CommandError(message: "CREATE DATABASE failed: \(result.stderr)") }
        return baseURL.replacingOccurrences(of: "/postgres", with: "/\(name)", options: .backwards)
    }

    /// Runs SQL with psql on `url`; its output (unaligned, tuples only).
    @discardableResult
    public func psql(_ url: String, _ sql: String) throws -> String {
        let result = try runCommand(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
        guard result.status == 0 else { throw CommandError(message: "psql failed: \(result.stderr)") }
        return result.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether PostgreSQL is there; under CI its absence is a failure (with the install command),
    /// elsewhere the caller skips with the same message.
    public static func available() throws -> Bool {
        if shared.baseURL != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" { throw CommandError(message: shared.problem ?? "no PostgreSQL") }
        print("skipped: \(shared.problem ?? "no PostgreSQL")")
        return false
    }

    /// Runs a program with its standard streams on /dev/null and waits for it with waitpid. (The
    /// server pg_ctl leaves running must not hold this process's pipes, and Foundation's Process
    /// did not always notice pg_ctl's exit once the server had detached.)
    public static func spawnAndWait(_ arguments: [String]) -> Int32 {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    private static func findBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        return nil
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CommandError(message: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
