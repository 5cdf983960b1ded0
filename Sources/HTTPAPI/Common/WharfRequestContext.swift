import Hummingbird
import Logging

/// The request context of every Wharf endpoint.
public struct WharfRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address, for rate limits and logs.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies are streamed by the endpoints that take them; nothing is collected implicitly.
    public var maxUploadSize: Int { 4 * 1024 * 1024 }
}
