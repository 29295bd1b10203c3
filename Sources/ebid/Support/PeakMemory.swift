import Foundation

/// When `EBID_PEAK_RSS_FILE` is set, `ebid` writes its peak resident memory (VmHWM, bytes) to
/// that file as it exits. The constant-memory tests use it: a spawned child's `ru_maxrss`
/// includes the parent's memory on Linux (the high-water mark of the address space it replaced at
/// exec), so it cannot measure a child of a large test process.
enum PeakMemoryReport {
    static func installIfRequested() {
        guard ProcessInfo.processInfo.environment["EBID_PEAK_RSS_FILE"] != nil else { return }
        atexit {
            guard let path = ProcessInfo.processInfo.environment["EBID_PEAK_RSS_FILE"],
                  let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                  let kib = Int(line.split(separator: " ").dropFirst().first ?? "") else { return }
            try? String(kib * 1024).write(toFile: path, atomically: true, encoding: .utf8)
        }
    }
}
