@testable import BidCore
import Foundation
import Testing
import TestSupport

@Suite("Unified social credit code (GB 32100-2015)")
struct UnifiedSocialCreditCodeTests {
    @Test("a published valid code is accepted, normalised to upper case")
    func validCode() throws {
        let code = try UnifiedSocialCreditCode("91350100m000100y43")
        #expect(code.value == "91350100M000100Y43")
        #expect(code.organizationCode == "M000100Y4")
        #expect(code.organizationCodeIsValid)
    }

    @Test("every wrong check character is refused", arguments: Array("0123456789ABCDEFGHJKLMNPQRTUWXY").filter { $0 != "3" })
    func wrongCheckCharacter(check: Character) {
        expectCode(.invalidCreditCode) { _ = try UnifiedSocialCreditCode("91350100M000100Y4" + String(check)) }
    }

    @Test("wrong length, letters outside GB 32100, letters in the division code", arguments: [
        "", "91350100M000100Y4", "91350100M000100Y433", "91350100M0O0100Y43", "913501I0M000100Y43", "9135A100M000100Y43",
    ])
    func malformed(text: String) {
        expectCode(.invalidCreditCode) { _ = try UnifiedSocialCreditCode(text) }
    }

    @Test("made codes carry both check characters and survive JSON")
    func make() throws {
        let code = try UnifiedSocialCreditCode.make(division: "350102", organizationBody: "MA2Y3K4L")
        #expect(code.value.count == 18)
        #expect(code.organizationCodeIsValid)
        #expect(try UnifiedSocialCreditCode(code.value) == code)
        let decoded = try JSONDecoder().decode([UnifiedSocialCreditCode].self, from: JSONEncoder().encode([code]))
        #expect(decoded == [code])
        expectCode(.invalidCreditCode) { _ = try JSONDecoder().decode([UnifiedSocialCreditCode].self, from: Data(#"["91350100M000100Y44"]"#.utf8)) }
    }
}

@Suite("Machine fingerprint")
struct MachineFingerprintTests {
    @Test("stable on one machine, different for a different machine id")
    func fingerprint() {
        #expect(MachineFingerprint.current(environment: [:]) == MachineFingerprint.current(environment: [:]))
        let a = MachineFingerprint.current(environment: ["EBID_MACHINE_ID": "pc-a"])
        let b = MachineFingerprint.current(environment: ["EBID_MACHINE_ID": "pc-b"])
        #expect(a != b)
        #expect(a.count == 64)
    }
}
