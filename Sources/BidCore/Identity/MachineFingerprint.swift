import Foundation

/// The authoring machine's fingerprint recorded in every bid manifest: bids prepared on the same
/// machine are a collusion signal (串通投标, Reg. art. 40). It is computed on the bidder's machine
/// and therefore evidence, not proof.
///
/// SHA-256 over "ebid-machine-v1", /etc/machine-id and the sorted MAC addresses of the network
/// interfaces (loopback and all-zero addresses excluded), hex. `EBID_MACHINE_ID`, when set,
/// replaces the machine id: demos and tests use it to play several bidders' machines.
public enum MachineFingerprint {
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let digest = StreamingDigest(.sha256)
        digest.update(Array("ebid-machine-v1".utf8))
        if let override = environment["EBID_MACHINE_ID"], !override.isEmpty {
            digest.update(Array(override.utf8))
            return Hex.encode(digest.finalize())
        }
        let machineID = (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        digest.update(Array(machineID.utf8))
        for address in macAddresses() { digest.update(Array(address.utf8)) }
        return Hex.encode(digest.finalize())
    }

    private static func macAddresses() -> [String] {
        let base = "/sys/class/net"
        guard let interfaces = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
        return interfaces.filter { $0 != "lo" }.compactMap { name -> String? in
            guard let text = try? String(contentsOfFile: "\(base)/\(name)/address", encoding: .utf8) else { return nil }
            let address = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return address.isEmpty || address == "00:00:00:00:00:00" ? nil : address
        }.sorted()
    }
}
