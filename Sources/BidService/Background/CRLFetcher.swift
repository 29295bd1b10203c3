import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches a CRL from a distribution point (RFC 5280 4.2.1.13): http and https only (an ldap or
/// file URI is skipped), a 200 answer of at most `maxBytes`, within `timeout`. What it returns is
/// not trusted: TrustDesk puts it in force only if a trust anchor signed it and it is newer.
public struct CRLFetcher: Sendable {
    public var fetch: @Sendable (URL) async throws -> [UInt8]

    public init(fetch: @escaping @Sendable (URL) async throws -> [UInt8]) { self.fetch = fetch }

    public static let maxBytes = 16 << 20

    /// The URL of a distribution point this fetcher can use, or nil.
    public static func url(_ uri: String) -> URL? {
        guard let url = URL(string: uri), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else { return nil }
        return url
    }

    public static func http(timeout: TimeInterval = 30) -> CRLFetcher {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration)
        return CRLFetcher { url in
            var request = URLRequest(url: url)
            request.setValue("application/pkix-crl, application/x-pkcs7-crl, */*", forHTTPHeaderField: "Accept")
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
                throw CRLFetchError(detail: "\(url) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
            }
            guard data.count <= maxBytes else { throw CRLFetchError(detail: "\(url) sent \(data.count) bytes (at most \(maxBytes))") }
            return Array(data)
        }
    }
}

public struct CRLFetchError: Error, CustomStringConvertible {
    public var detail: String
    public var description: String { detail }
}
