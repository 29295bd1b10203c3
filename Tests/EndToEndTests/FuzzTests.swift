import Foundation
import Testing
import TestSupport

/// The bounded fuzz run (Fuzz/README.md): builds the libFuzzer targets for the sealed-bid
/// framer/verifier/opener and the JSON readers of signed documents, runs every kept regression
/// input and seed, then fuzzes each target for a few seconds. A finding fails the test.
@Suite("Fuzzing: the sealed-bid framer and the JSON readers (bounded run)")
struct FuzzTests {
    static var fuzzerRuntime: String? {
        let swiftc = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/swiftc" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let swiftc else { return nil }
        let toolchain = URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent().path
        let runtime = "\(toolchain)/lib/swift/clang/lib/linux/libclang_rt.fuzzer-x86_64.a"
        return FileManager.default.fileExists(atPath: runtime) ? runtime : nil
    }

    @Test("scripts/fuzz.sh check: every regression input passes, and a short run from the seeds finds nothing")
    func boundedRun() throws {
        guard Self.fuzzerRuntime != nil else {
            let message = "the Swift toolchain's libFuzzer runtime (lib/swift/clang/lib/linux/libclang_rt.fuzzer-x86_64.a) is missing: install the full swift.org toolchain"
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record(Comment(rawValue: message)) } else { print("skipped: \(message)") }
            return
        }
        let seconds = ProcessInfo.processInfo.environment["EBID_FUZZ_SECONDS"] ?? "15"
        let result = try runCommand(["bash", "scripts/fuzz.sh", "check", seconds], directory: ProjectPaths.root)
        #expect(result.status == 0, "\(result.text.suffix(4000))\n\(result.stderr.suffix(4000))")
        #expect(result.text.contains("== sealed-bid") && result.text.contains("== json"), "\(result.text)")
        #expect(!result.text.contains("FAILED"), "\(result.text)")
    }
}
