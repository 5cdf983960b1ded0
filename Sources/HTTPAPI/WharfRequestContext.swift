import Hummingbird
import Logging

/// The request context of every Wharf endpoint. The auth middleware will record the
/// authenticated identity here.
public struct WharfRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies are streamed by the endpoints that take them; nothing is collected implicitly.
    public var maxUploadSize: Int { 4 * 1024 * 1024 }
}
