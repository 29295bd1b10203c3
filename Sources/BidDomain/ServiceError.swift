import BidCore
import Foundation

/// A refusal or failure with an HTTP status and a stable `code`, rendered as problem+json
/// (RFC 9457). Codes never change meaning; clients and tests match on them.
public struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var title: String
    public var detail: String
    /// Extra members for the problem document (e.g. the credit record that bars a bidder).
    public var extra: [String: String]

    public init(status: Int, code: String, title: String, detail: String, extra: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.extra = extra
    }

    public var description: String { "\(status) \(code): \(detail)" }

    public static func badRequest(_ code: String, _ detail: String) -> ServiceError { .init(status: 400, code: code, title: "Bad request", detail: detail) }
    public static func unauthorized(_ code: String, _ detail: String) -> ServiceError { .init(status: 401, code: code, title: "Not authenticated", detail: detail) }
    public static func forbidden(_ code: String, _ detail: String) -> ServiceError { .init(status: 403, code: code, title: "Forbidden", detail: detail) }
    public static func notFound(_ code: String, _ detail: String) -> ServiceError { .init(status: 404, code: code, title: "Not found", detail: detail) }
    public static func conflict(_ code: String, _ detail: String) -> ServiceError { .init(status: 409, code: code, title: "Conflict", detail: detail) }
    public static func tooLarge(_ code: String, _ detail: String) -> ServiceError { .init(status: 413, code: code, title: "Too large", detail: detail) }
    public static func unsupportedMedia(_ code: String, _ detail: String) -> ServiceError { .init(status: 415, code: code, title: "Unsupported media type", detail: detail) }
    public static func unprocessable(_ code: String, _ detail: String) -> ServiceError { .init(status: 422, code: code, title: "Refused", detail: detail) }

    /// A BidCore refusal (a bad package, certificate, key…), keeping its code.
    public static func refused(_ error: BidCoreError) -> ServiceError {
        let raw = error.code.rawValue
        let status: Int
        switch raw {
        case "sealed.not-a-sealed-bid", "sealed.header-malformed", "sealed.framing-invalid", "sealed.truncated",
             "sealed.trailing-data", "sealed.unsupported-version", "crypto.invalid-input":
            status = 400
        case "io.failed", "crypto.openssl":
            status = 500
        default:
            status = 422
        }
        return ServiceError(status: status, code: raw, title: status == 400 ? "Malformed" : "Refused", detail: error.reason)
    }
}
