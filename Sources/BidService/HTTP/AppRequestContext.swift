import BidDesks
import BidDomain
import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage plus the client's network address, which
/// every ledger event records (E-Measures art. 49).
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let clientAddress: String
    /// Who made the request, once the route table knows (the request log).
    public let annotations = RequestAnnotations()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// JSON request bodies are small; sealed bids and documents are streamed, not collected.
    public var maxUploadSize: Int { 1 << 20 }
}
