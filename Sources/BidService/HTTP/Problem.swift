import BidCore
import BidDesks
import BidDomain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns every error into an RFC 9457 problem document with a stable `code`, and adds the
/// policy-profile headers to every response. Unexpected errors are logged and answered 500
/// without detail.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let profile: PolicyProfile
    /// The declared routes, to tell a wrong method (405, with `Allow`) from an unknown path (404).
    let routes: RoutePatterns
    /// Where the platform's own failures are counted (e-supervision raises an alert for them).
    var faults: PlatformFaults?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            // No route matched (Hummingbird's not-found responder names itself so).
            let allowed = routes.methods(matching: request.uri.path)
            if allowed.isEmpty {
                response = Self.problemResponse(for: error, path: request.uri.path, logger: context.logger)
            } else {
                let allow = allowed.joined(separator: ", ")
                response = Self.problemResponse(ServiceError(status: 405, code: "route.method-not-allowed", title: "Method Not Allowed",
                                                             detail: "\(request.method) is not allowed here; use \(allow)",
                                                             extra: ["allow": allow, "instance": request.uri.path]))
            }
        } catch {
            response = Self.problemResponse(for: error, path: request.uri.path, logger: context.logger)
        }
        // Only the status: a path (a bid route, a tender id) would tell supervisors who was active before a deadline (Law art. 22); the log has the rest.
        if response.status.code >= 500 { faults?.record("HTTP \(response.status.code)") }
        response.headers[HTTPField.Name("Ebid-Profile")!] = profile.rawValue
        if let notice = profile.notice { response.headers[HTTPField.Name("Ebid-Notice")!] = notice }
        return response
    }

    static func problem(for error: Error) -> ServiceError? {
        switch error {
        case let error as ServiceError:
            return error
        case let error as BidCoreError:
            return .refused(error)
        case let error as HTTPError:
            let status = Int(error.status.code)
            let code: String
            switch status {
            case 404: code = "route.not-found"
            case 405: code = "route.method-not-allowed"
            case 413: code = "request.too-large"
            default: code = "http.\(status)"
            }
            return ServiceError(status: status, code: code, title: error.status.reasonPhrase, detail: error.body ?? error.status.reasonPhrase)
        case let error as HTTPEdgeError:
            return error.problem
        case is NIOTooManyBytesError:
            return .tooLarge("request.too-large", "the request body is larger than this route accepts")
        case is DecodingError:
            return .badRequest("request.malformed-json", "the request body is not the JSON this route expects: \(describeDecodingError(error))")
        default:
            return nil
        }
    }

    static func problemResponse(for error: Error, path: String, logger: Logger) -> Response {
        var problem = problem(for: error) ?? ServiceError(status: 500, code: "internal", title: "Internal error", detail: "the service failed; the failure was logged")
        if problem.status >= 500 { logger.error("request to \(path) failed: \(String(describing: error))") }
        problem.extra["instance"] = path
        return problemResponse(problem)
    }

    static func problemResponse(_ problem: ServiceError) -> Response {
        var response = Response(status: .init(code: problem.status), headers: [.contentType: "application/problem+json"],
                                body: .init(byteBuffer: ByteBuffer(bytes: problem.problemJSON)))
        if let allow = problem.extra["allow"] { response.headers[.allow] = allow }
        return response
    }

}

/// JSON in and out with ebid's encoder (sorted keys, ISO 8601 dates).
enum JSONBody {
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.ebid.encode(value))))
    }

    /// Decodes a JSON body of at most `limit` bytes (the context's 1 MiB by default).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext, limit: Int? = nil) async throws -> T {
        if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw ServiceError.unsupportedMedia("request.content-type", "send JSON (application/json), not \(contentType)")
        }
        let buffer = try await request.body.collect(upTo: limit ?? context.maxUploadSize)
        let bytes = Data(buffer: buffer)
        guard !holdsNUL(bytes) else {
            throw ServiceError(status: 400, code: "request.nul-character", title: "Bad request", detail: "text may not hold the NUL character (U+0000)")
        }
        return try JSONDecoder.ebid.decodeStrict(T.self, from: bytes)
    }

    /// Whether JSON text spells U+0000 (`\u0000`; a raw NUL is not JSON at all). No field of ebid's
    /// needs it, PostgreSQL's text cannot hold it, and a name or detail holding it would be cut
    /// short by whatever C code shows it: refused on both stores alike.
    static func holdsNUL(_ bytes: Data) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "\\") {
                let next = bytes.index(after: index)
                guard next < bytes.endIndex else { return false }
                if bytes[next] == UInt8(ascii: "u"), bytes.distance(from: next, to: bytes.endIndex) > 4,
                   bytes[bytes.index(next, offsetBy: 1)...bytes.index(next, offsetBy: 4)].elementsEqual("0000".utf8) {
                    return true
                }
                index = bytes.index(after: next)  // the escaped character, whatever it is
            } else {
                index = bytes.index(after: index)
            }
        }
        return false
    }
}

/// The declared route patterns (`/v1/tenders/:id`) and their methods.
final class RoutePatterns: @unchecked Sendable {
    private let lock = NSLock()
    private var patterns: [(segments: [Substring], method: String)] = []

    func add(_ method: HTTPRequest.Method, _ path: String) {
        lock.withLock { patterns.append((path.split(separator: "/"), method.rawValue)) }
    }

    /// The methods of every route whose pattern matches `path` (a `:name` segment matches any one segment).
    func methods(matching path: String) -> [String] {
        let segments = path.split(separator: "/")
        let methods = lock.withLock {
            patterns.filter { pattern in
                pattern.segments.count == segments.count && zip(pattern.segments, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
            }.map(\.method)
        }
        var seen = Set<String>()
        return methods.filter { seen.insert($0).inserted }.sorted()
    }
}

extension ServiceError {
    /// The RFC 9457 document of this problem.
    var problemJSON: [UInt8] {
        let problem = self
        var document: [String: String] = problem.extra
        document["type"] = "https://ebid.example/problems/\(problem.code)"
        document["title"] = problem.title
        document["detail"] = problem.detail
        document["code"] = problem.code
        // status is a number in the document; encode by hand to keep it one.
        var json = (try? JSONEncoder.ebid.encode(document)) ?? Data("{}".utf8)
        if json.last == UInt8(ascii: "}") {
            json.removeLast()
            json.append(contentsOf: Array(",\"status\":\(problem.status)}".utf8))
        }
        return [UInt8](json)
    }
}
