import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A refusal from the service: its problem document.
struct ServiceProblem: Error, CustomStringConvertible {
    let status: Int
    let code: String
    let detail: String
    let extra: [String: String]
    var description: String { "\(detail) [\(code), HTTP \(status)]" }
}

/// The CLI's client of the ebid HTTP API (a thin client: private keys never leave this machine;
/// only signatures and, at the opening, content keys are sent).
final class EBidClient: @unchecked Sendable {
    let base: URL
    private(set) var token: String?
    private let session: URLSession

    init(server: String) throws {
        guard let url = URL(string: server.hasSuffix("/") ? String(server.dropLast()) : server), url.scheme != nil, url.host != nil else {
            throw CLIError("--server must be a URL such as http://127.0.0.1:8080")
        }
        base = url
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 3600
        configuration.timeoutIntervalForResource = 24 * 3600
        session = URLSession(configuration: configuration)
    }

    /// Certificate challenge-response login; keeps the token for later requests.
    @discardableResult
    func login(certificate: Certificate, key: PrivateKey) async throws -> LoginSession {
        struct ChallengeRequest: Encodable { var certificate: String }
        struct Challenge: Decodable { var challengeId: String; var message: String }
        let challenge: Challenge = try await send("POST", "/v1/auth/challenge", json: ChallengeRequest(certificate: certificate.pem))
        let signature = try key.sign(Array(challenge.message.utf8))
        struct TokenRequest: Encodable { var challengeId: String; var signature: String }
        let login: LoginSession = try await send("POST", "/v1/auth/token",
                                                 json: TokenRequest(challengeId: challenge.challengeId, signature: Data(signature).base64EncodedString()))
        token = login.token
        return login
    }

    struct LoginSession: Decodable {
        struct Party: Decodable { var id: String; var name: String; var roles: [String] }
        var token: String
        var expiresAt: Date
        var party: Party
        var restrictions: [CreditEntry]?
    }

    func get<T: Decodable>(_ path: String) async throws -> T { try await send("GET", path, json: Optional<Empty>.none) }

    func send<T: Decodable, Body: Encodable>(_ method: String, _ path: String, json body: Body?) async throws -> T {
        var request = try makeRequest(method, path)
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONEncoder.ebid.encode(body)
        }
        let (data, response) = try await perform { try await self.session.data(for: request) }
        return try decode(data, response)
    }

    func send<T: Decodable>(_ method: String, _ path: String) async throws -> T { try await send(method, path, json: Optional<Empty>.none) }

    /// A request whose success answer has no body (204).
    func sendExpectingNoContent(_ method: String, _ path: String) async throws {
        let request = try makeRequest(method, path)
        let (data, response) = try await perform { try await self.session.data(for: request) }
        guard let http = response as? HTTPURLResponse else { throw CLIError("no HTTP response") }
        guard (200..<300).contains(http.statusCode) else { throw problem(data, status: http.statusCode) }
    }

    /// Streams a file as the request body.
    func upload<T: Decodable>(_ method: String, _ path: String, file: String, contentType: String) async throws -> T {
        var request = try makeRequest(method, path)
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        if let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber {
            request.setValue(size.stringValue, forHTTPHeaderField: "Content-Length")
        }
        let (data, response) = try await perform { try await self.session.upload(for: request, fromFile: URL(fileURLWithPath: file)) }
        return try decode(data, response)
    }

    /// Downloads to a file (streamed to disk by URLSession).
    func download(_ path: String, to destination: String) async throws -> Int64 {
        let request = try makeRequest("GET", path)
        let (location, response) = try await perform { try await self.session.download(for: request) }
        guard let http = response as? HTTPURLResponse else { throw CLIError("no HTTP response") }
        guard (200..<300).contains(http.statusCode) else { throw problem(try Data(contentsOf: location), status: http.statusCode) }
        try? FileManager.default.removeItem(atPath: destination)
        try FileManager.default.moveItem(at: location, to: URL(fileURLWithPath: destination))
        return ((try? FileManager.default.attributesOfItem(atPath: destination))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    func getText(_ path: String) async throws -> String {
        let (data, response) = try await perform { try await self.session.data(for: try self.makeRequest("GET", path)) }
        guard let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) else {
            throw problem(data, status: (response as? HTTPURLResponse)?.statusCode ?? 0)
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~:"))) ?? text
    }

    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }

    private struct Empty: Codable {}

    private func makeRequest(_ method: String, _ path: String) throws -> URLRequest {
        guard let url = URL(string: base.absoluteString + path) else { throw CLIError("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        return request
    }

    private func perform<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as URLError {
            throw CLIError("cannot reach \(base.absoluteString): \(error.localizedDescription)")
        } catch let error as NSError where error.domain == NSURLErrorDomain {
            throw CLIError("cannot reach \(base.absoluteString): \(error.localizedDescription)")
        }
    }

    private func decode<T: Decodable>(_ data: Data, _ response: URLResponse) throws -> T {
        guard let http = response as? HTTPURLResponse else { throw CLIError("no HTTP response") }
        guard (200..<300).contains(http.statusCode) else { throw problem(data, status: http.statusCode) }
        do { return try JSONDecoder.ebid.decodeStrict(T.self, from: data) } catch {
            throw CLIError("the service answered something unexpected: \(error)")
        }
    }

    private func problem(_ data: Data, status: Int) -> ServiceProblem {
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        var extra: [String: String] = [:]
        for (key, value) in object where !["type", "title", "status", "detail", "code", "instance"].contains(key) {
            extra[key] = "\(value)"
        }
        return ServiceProblem(status: status, code: object["code"] as? String ?? "http.\(status)",
                              detail: object["detail"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self), extra: extra)
    }
}
