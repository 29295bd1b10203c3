import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// A draw contributor's machine: a fresh 32-byte value, kept in a local file until the reveal.
enum DrawWork {
    struct Secret: Codable {
        var tenderId: String
        var party: String
        var value: String
    }

    static func defaultSecretPath(tender: String, party: String) -> String {
        "ebid-\(tender.filter { $0.isLetter || $0.isNumber || $0 == "-" })-\(party)-draw.secret.json"
    }

    /// Commits to a fresh value (written to `secretPath`, mode 0600, first).
    @discardableResult
    static func commit(_ client: EBidClient, tender: String, party: String, secretPath: String) async throws -> EvaluationRoom.DrawView {
        let view: EvaluationRoom.DrawView = try await client.get("\(EvalWork.tenderPath(tender))/draw")
        guard let record = view.record else { throw CLIError("the draw record is not available to you") }
        guard !FileManager.default.fileExists(atPath: secretPath) else { throw CLIError("\(secretPath) exists: reveal it or move it away") }
        let value = SecureRandom.bytes(DrawCommitment.valueLength)
        let output = try FileOutput(path: secretPath, mode: 0o600)
        try output.write([UInt8](try JSONEncoder.ebidPretty.encode(Secret(tenderId: tender, party: party, value: Hex.encode(value)))))
        try output.close(sync: true)
        let commitment = DrawCommitment.commitment(value: value, party: party, context: record.context, hash: record.hash)
        struct Body: Encodable { var commitment: String }
        return try await client.send("POST", "\(EvalWork.tenderPath(tender))/draw/commitments", json: Body(commitment: Hex.encode(commitment)))
    }

    @discardableResult
    static func reveal(_ client: EBidClient, secretPath: String) async throws -> EvaluationRoom.DrawView {
        let secret = try decodeJSON(Secret.self, from: secretPath, what: "draw secret")
        struct Body: Encodable { var value: String }
        return try await client.send("POST", "\(EvalWork.tenderPath(secret.tenderId))/draw/reveals", json: Body(value: secret.value))
    }
}
