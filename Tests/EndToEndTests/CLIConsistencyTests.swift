import Foundation
import Testing
import TestSupport

/// One way to name a tender: `--tender ID` everywhere, the first argument where a command took it
/// so before; contradictions and omissions are refused before anything is sent.
@Suite("CLI: the tender named the same way everywhere", .serialized)
struct CLIConsistencyTests {
    @Test("--tender and the positional form give the same answers; both different, or neither, is refused")
    func tenderSelection() throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"))
        defer { server.stop() }
        try ServiceCLITests.publishDemoTender(server, in: dir)
        let byOption = try ebid(["tender", "show", "--server", server.url, "--tender", "FZGC-2026-0001", "--json"])
        let byArgument = try ebid(["tender", "show", "--server", server.url, "FZGC-2026-0001", "--json"])
        #expect(byOption.status == 0 && byOption.text == byArgument.text, "\(byOption.stderr)")
        // Before the deadline there is no opening to show: the same answer either way.
        let status = try ebid(["opening", "status", "--server", server.url, "--tender", "FZGC-2026-0001"])
        let statusByArgument = try ebid(["opening", "status", "--server", server.url, "FZGC-2026-0001"])
        #expect(status.status == statusByArgument.status && status.stderr == statusByArgument.stderr && !status.stderr.contains("Usage"), "\(status.stderr)")
        let download = try ebid(["tender", "download", "--server", server.url, "--tender", "FZGC-2026-0001", "招标文件.txt", "--out", dir.file("d.txt")])
        #expect(download.status == 0 && dir.read("d.txt") == dir.read("招标文件.txt"), "\(download.stderr)")
        for (arguments, message) in [
            (["tender", "show", "--server", server.url, "--tender", "FZGC-2026-0001", "OTHER"], "name different tenders"),
            (["tender", "show", "--server", server.url], "give the tender"),
            (["opening", "record", "--server", server.url], "give the tender"),
            (["tender", "download", "--server", server.url, "--tender", "FZGC-2026-0001", "FZGC-2026-0001", "招标文件.txt"], "the document's name only"),
            (["tender", "download", "--server", server.url, "招标文件.txt"], "give the tender and the document's name"),
        ] {
            let refused = try ebid(arguments)
            #expect(refused.status != 0 && refused.stderr.contains(message), "\(arguments): \(refused.stderr)")
        }
    }
}
