import HTTPTypes
import Hummingbird

/// The plain-HTTP side of a TLS listener: every request is sent to the same path on https
/// (301 for GET and HEAD, 308 for the rest, so a client keeps its method and body).
public struct HTTPSRedirect: HTTPResponder {
    public typealias Context = WharfRequestContext

    /// The https port to send clients to; 443 is left out of the URL.
    let httpsPort: Int
    let configuredBase: String?

    public init(httpsPort: Int, configuredBase: String?) {
        self.httpsPort = httpsPort
        self.configuredBase = configuredBase
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        Response(
            status: [.get, .head].contains(request.method) ? .movedPermanently : .permanentRedirect,
            headers: [.location: target(for: request.head), .contentLength: "0"]
        )
    }

    /// `https://<host>[:port]<path and query>`, the host taken from the request without its port.
    public func target(for head: HTTPRequest) -> String {
        let path = head.path ?? "/"
        if let configuredBase, configuredBase.hasPrefix("https://") { return configuredBase + path }
        var host = head.authority ?? "localhost"
        if host.hasPrefix("[") {
            host = String(host[...(host.firstIndex(of: "]") ?? host.index(before: host.endIndex))])
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        return "https://\(host)\(httpsPort == 443 ? "" : ":\(httpsPort)")\(path)"
    }
}
