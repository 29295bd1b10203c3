import Foundation

/// Where the project and the built `ebid` binary are, for tests that drive the real CLI.
public enum ProjectPaths {
    /// The repository root (this file is Tests/TestSupport/Paths.swift).
    public static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The `ebid` binary built beside the test bundle (`swift test` builds it), or `EBID_BINARY`.
    public static let ebid: String = {
        if let override = ProcessInfo.processInfo.environment["EBID_BINARY"] { return override }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // The test runner may be nested (…/ebidPackageTests.xctest/…); walk up to the build directory.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("ebid").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return "\(root)/.build/debug/ebid"
    }()

    public static func keys(_ suite: String) -> String { "\(root)/keys/\(suite)" }
}

/// Runs `ebid` with arguments from `directory` (default: the repository root).
@discardableResult
public func ebid(_ arguments: [String], directory: String = ProjectPaths.root, input: Data? = nil) throws -> CommandResult {
    try runCommand([ProjectPaths.ebid] + arguments, input: input, directory: directory)
}

/// Runs `ebid` and returns its exit status and its own peak resident memory (VmHWM, which `ebid`
/// writes on exit when EBID_PEAK_RSS_FILE is set). Not the child's ru_maxrss: on Linux that
/// includes the memory of the (large) test process it was spawned from. Give absolute paths.
public func runMeasuringMemory(_ arguments: [String]) throws -> (status: Int32, maxResidentBytes: Int, stderr: String) {
    let report = FileManager.default.temporaryDirectory.appendingPathComponent("ebid-peak-\(UUID().uuidString)").path
    defer { unlink(report) }
    let result = try spawnAndWait(arguments, extraEnvironment: ["EBID_PEAK_RSS_FILE=\(report)"])
    let peak = Int((try? String(contentsOfFile: report, encoding: .utf8)) ?? "") ?? Int.max
    return (result.status, peak, result.stderr)
}

private func spawnAndWait(_ arguments: [String], extraEnvironment: [String]) throws -> (status: Int32, stderr: String) {
    let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("ebid-stderr-\(UUID().uuidString)").path
    defer { unlink(errorPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    var pid: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var environment: [String] = []
    var cursor = environ
    while let entry = cursor.pointee {
        environment.append(String(cString: entry))
        cursor += 1
    }
    let envp: [UnsafeMutablePointer<CChar>?] = (environment + extraEnvironment).map { strdup($0) } + [nil]
    defer { envp.forEach { free($0) } }
    let rc = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
    guard rc == 0 else { throw CommandError(message: "cannot spawn \(arguments[0]): \(String(cString: strerror(rc)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { throw CommandError(message: "waitpid failed: \(String(cString: strerror(errno)))") }
    }
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let stderr = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
    return (exitStatus, stderr)
}
