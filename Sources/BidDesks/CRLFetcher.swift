import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches a CRL from a distribution point (RFC 5280 4.2.1.13): http and https only (an ldap or
/// file URI is skipped), no redirects, a 200 answer of at most `maxBytes` (the download is cut as
/// soon as it exceeds them), within `timeout`. What it returns is not trusted: TrustDesk puts it in
/// force only if a trust anchor signed it and it is newer than the one in force.
public struct CRLFetcher: Sendable {
    public var fetch: @Sendable (URL) async throws -> [UInt8]

    public init(fetch: @escaping @Sendable (URL) async throws -> [UInt8]) { self.fetch = fetch }

    public static let maxBytes = 16 << 20

    /// The URL of a distribution point this fetcher can use, or nil.
    public static func url(_ uri: String) -> URL? {
        guard let url = URL(string: uri), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else { return nil }
        return url
    }

    public static func http(timeout: TimeInterval = 30, maxBytes: Int = CRLFetcher.maxBytes) -> CRLFetcher {
        CRLFetcher { url in
            let download = CappedDownload(url: url, limit: maxBytes)
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = timeout
            configuration.timeoutIntervalForResource = timeout
            configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
            let session = URLSession(configuration: configuration, delegate: download, delegateQueue: nil)
            defer { session.finishTasksAndInvalidate() }
            var request = URLRequest(url: url)
            request.setValue("application/pkix-crl, application/x-pkcs7-crl, */*", forHTTPHeaderField: "Accept")
            return try await withCheckedThrowingContinuation { continuation in
                download.start(session.dataTask(with: request), continuation)
            }
        }
    }
}

public struct CRLFetchError: Error, CustomStringConvertible {
    public var detail: String
    public var description: String { detail }
}

/// One download, cut at `limit` bytes, refusing redirects and anything but 200.
private final class CappedDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let url: URL
    private let limit: Int
    private let lock = NSLock()
    private var data = Data()
    private var failure: CRLFetchError?
    private var continuation: CheckedContinuation<[UInt8], Error>?

    package init(url: URL, limit: Int) {
        self.url = url
        self.limit = limit
    }

    package func start(_ task: URLSessionDataTask, _ continuation: CheckedContinuation<[UInt8], Error>) {
        lock.withLock { self.continuation = continuation }
        task.resume()
    }

    private func fail(_ detail: String, _ task: URLSessionTask) {
        lock.withLock { if failure == nil { failure = CRLFetchError(detail: detail) } }
        task.cancel()
    }

    package func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        // Not followed: the redirect itself becomes the answer, refused below as not a 200.
        lock.withLock { if failure == nil { failure = CRLFetchError(detail: "\(url) redirects (\(response.statusCode)) to \(request.url?.absoluteString ?? "?"): not followed") } }
        completionHandler(nil)
    }

    package func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { fail("\(url) answered \(status)", dataTask); completionHandler(.cancel); return }
        guard response.expectedContentLength <= Int64(limit) else {
            fail("\(url) announces \(response.expectedContentLength) bytes (at most \(limit))", dataTask)
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    package func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let tooLarge = lock.withLock { () -> Bool in
            self.data.append(data)
            return self.data.count > limit
        }
        if tooLarge { fail("\(url) sent more than \(limit) bytes", dataTask) }
    }

    package func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let (continuation, failure, data) = lock.withLock { () -> (CheckedContinuation<[UInt8], Error>?, CRLFetchError?, Data) in
            defer { self.continuation = nil }
            return (self.continuation, self.failure, self.data)
        }
        if let failure {
            continuation?.resume(throwing: failure)
        } else if let error {
            continuation?.resume(throwing: CRLFetchError(detail: "\(url): \(error.localizedDescription)"))
        } else {
            continuation?.resume(returning: [UInt8](data))
        }
    }
}
