import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Modes for what only the service's user may read: the data directory holds sealed bids, opened
/// bid parts and, in older versions, share material; the platform key signs every receipt.
package enum FilePermissions {
    /// Creates `path` (and missing parents) as 0700, or tightens an existing directory to 0700.
    package static func privateDirectory(_ path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        guard chmod(path, 0o700) == 0 else { throw StoreError("cannot make \(path) private (chmod 700): \(String(cString: strerror(errno)))") }
    }

    /// Makes `path` 0600, creating it empty first when `create` is set.
    package static func privateFile(_ path: String, create: Bool) throws {
        if create {
            let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw StoreError("cannot create \(path): \(String(cString: strerror(errno)))") }
            close(fd)
        }
        guard FileManager.default.fileExists(atPath: path) else { return }
        guard chmod(path, 0o600) == 0 else { throw StoreError("cannot make \(path) private (chmod 600): \(String(cString: strerror(errno)))") }
    }

    /// The permission bits of `path`, if it exists.
    package static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }
}
