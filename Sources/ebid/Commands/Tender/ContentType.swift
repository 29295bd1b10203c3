import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// The content type a tender document is uploaded with, by its extension.
func contentType(for path: String) -> String {
    switch URL(fileURLWithPath: path).pathExtension.lowercased() {
    case "pdf": return "application/pdf"
    case "txt": return "text/plain; charset=utf-8"
    case "json": return "application/json"
    case "zip": return "application/zip"
    case "doc", "docx": return "application/msword"
    default: return "application/octet-stream"
    }
}
