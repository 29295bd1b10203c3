import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to 127.0.0.1 for sending bytes no HTTP client would send (malformed
/// requests, slow bodies) and reading what comes back.
public final class RawConnection {
    private let fd: Int32

    /// Connects to the server at `url` (http://127.0.0.1:PORT).
    public init(_ url: String) throws {
        guard let port = URL(string: url)?.port else { throw CommandError(message: "no port in \(url)") }
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CommandError(message: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw CommandError(message: "connect: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// Sends `bytes`; false when the server has closed the connection.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; return false }
            sent += n
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads until the server closes the connection or `timeout` passes.
    public func read(timeout: TimeInterval) -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return (out, false) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(left * 1000) + 1)
            if ready < 0 { if errno == EINTR { continue }; return (out, true) }
            if ready == 0 { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return (out, true) }
            out.append(contentsOf: buffer[0..<n])
        }
    }

    /// What arrives until the server closes the connection (or `timeout` passes: then `closed` is false).
    public func response(timeout: TimeInterval = 10) -> RawResponse {
        let (bytes, closed) = read(timeout: timeout)
        return RawResponse(bytes: bytes, closed: closed)
    }
}

/// What came back on a raw connection.
public struct RawResponse {
    public let bytes: [UInt8]
    /// The server closed the connection.
    public let closed: Bool

    public var text: String { String(decoding: bytes, as: UTF8.self) }
    public var status: Int? {
        guard text.hasPrefix("HTTP/1.1 "), let code = Int(text.dropFirst(9).prefix(3)) else { return nil }
        return code
    }
    /// A header of the first response (case-insensitive name).
    public func header(_ name: String) -> String? {
        guard let head = text.components(separatedBy: "\r\n\r\n").first else { return nil }
        for line in head.split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() { return parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }
    /// The body of the first response.
    public var body: String { text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n") }
    /// The `code` of a problem+json body.
    public var problemCode: String? {
        guard let data = body.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["code"] as? String
    }
}
