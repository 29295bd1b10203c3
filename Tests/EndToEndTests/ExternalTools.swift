import Foundation
import Testing
import TestSupport

/// The real outside parts some tests drive (headless Chromium, the OCDS validator), which
/// `.ci/run` installs. A test that lacks one fails under `CI=true` with the install command, and
/// outside CI skips with the same message.
enum ExternalTools {
    /// The Python virtual environment `.ci/run` makes (`.venv-test`: selenium, libcoveocds), or `EBID_TEST_VENV`.
    static let venv: String = ProcessInfo.processInfo.environment["EBID_TEST_VENV"] ?? "\(ProjectPaths.root)/.venv-test"

    static var python: String { "\(venv)/bin/python3" }

    static let installHint = "run .ci/run, or: apt-get install -y chromium chromium-driver fonts-noto-cjk python3-venv && python3 -m venv .venv-test && .venv-test/bin/pip install -r Tests/requirements.txt"

    /// Whether every file exists; if not, records an issue under CI or prints a skip, and returns false.
    static func require(_ paths: [String], for what: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let missing = paths.filter { !FileManager.default.isExecutableFile(atPath: $0) }
        guard !missing.isEmpty else { return true }
        let message = "\(what) needs \(missing.joined(separator: ", ")): \(installHint)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        } else {
            print("skipped: \(message)")
        }
        return false
    }
}
