import Foundation

/// A real `ebid serve` process on 127.0.0.1 with a free port, for end-to-end tests.
public final class ServerProcess: @unchecked Sendable {
    public let dataDirectory: String
    public let logPath: String
    public private(set) var url = ""
    public let keys: String
    public let seeds: String
    private var process: Process?

    /// Starts `ebid serve --port 0` on `dataDirectory` and waits until it listens. `logPath`
    /// defaults to `<data>.log` (instances sharing a blob volume need one each); `keys` and
    /// `seeds` to the repository's demo PKI and seeds.
    public init(dataDirectory: String, profile: String = "demo", seed: Bool = true, extra: [String] = [], logPath: String? = nil,
                keys: String = "\(ProjectPaths.root)/keys", seeds: String = "\(ProjectPaths.root)/seeds") throws {
        self.dataDirectory = dataDirectory
        self.logPath = logPath ?? dataDirectory + ".log"
        self.keys = keys
        self.seeds = seeds
        try start(profile: profile, seed: seed, extra: extra)
    }

    public func start(profile: String = "demo", seed: Bool = true, extra: [String] = []) throws {
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProjectPaths.ebid)
        process.arguments = ["serve", "--data", dataDirectory, "--port", "0", "--profile", profile, "--keys", keys]
            + (seed ? ["--seed", seeds] : []) + extra
        process.currentDirectoryURL = URL(fileURLWithPath: ProjectPaths.root)
        process.standardOutput = log
        process.standardError = log
        let before = listeningLines().count
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let lines = listeningLines()
            if lines.count > before, let address = lines.last?.split(separator: " ").dropFirst(3).first {
                url = String(address)
                return
            }
            guard process.isRunning else { throw CommandError(message: "ebid serve exited: \(self.log.suffix(2000))") }
            usleep(50_000)
        }
        throw CommandError(message: "ebid serve did not start within 60 s")
    }

    private func listeningLines() -> [Substring] {
        log.split(separator: "\n").filter { $0.hasPrefix("ebid listening on ") }
    }

    public var pid: Int32 { process?.processIdentifier ?? 0 }

    public var isRunning: Bool { process?.isRunning ?? false }

    /// SIGTERM (graceful) and wait; returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        guard let process, process.isRunning else { return process?.terminationStatus ?? 0 }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL: no chance to clean up.
    public func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit { kill() }
}
