import Foundation

public struct CommandResult {
    public let status: Int32
    public let stdout: Data
    public let stderr: String
    public var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs a program (looked up on PATH) and waits for it.
@discardableResult
public func runCommand(_ arguments: [String], input: Data? = nil, directory: String? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe(), inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(input) }
    try inPipe.fileHandleForWriting.close()
    // Read both pipes to the end before waiting, so a chatty child cannot block.
    let stderrBox = DataBox()
    let reader = Thread { stderrBox.data = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !stderrBox.done { usleep(1000) }
    return CommandResult(status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderrBox.data, as: UTF8.self))
}

private final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var _data = Data()
    private var _done = false
    var data: Data {
        get { lock.lock(); defer { lock.unlock() }; return _data }
        set { lock.lock(); _data = newValue; _done = true; lock.unlock() }
    }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return _done }
}

/// Runs the openssl command line in `directory`; fails loudly when it fails.
@discardableResult
public func openssl(_ arguments: [String], in directory: TemporaryDirectory, input: Data? = nil, allowFailure: Bool = false) throws -> CommandResult {
    let result = try runCommand(["openssl"] + arguments, input: input, directory: directory.path)
    if result.status != 0 && !allowFailure {
        throw CommandError(message: "openssl \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
    }
    return result
}

public struct CommandError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Parses `openssl kdf` output ("9C:FD:…").
public func bytesFromColonHex(_ text: String) -> [UInt8] {
    let clean = text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ":", with: "")
    return stride(from: 0, to: clean.count - 1, by: 2).map { offset in
        let start = clean.index(clean.startIndex, offsetBy: offset)
        return UInt8(clean[start..<clean.index(start, offsetBy: 2)], radix: 16) ?? 0
    }
}
