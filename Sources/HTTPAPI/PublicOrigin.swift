import Foundation
import HTTPTypes
import Hummingbird

/// Where clients reach this server: the configured public URL (`http.host`), or the request's
/// own scheme and host, taking `X-Forwarded-Proto` / `X-Forwarded-Host` only from trusted
/// proxies (a client cannot rewrite the realm or `Location` headers others see).
public struct PublicOrigin: Sendable {
    public let configuredBase: String?
    public let relativeURLs: Bool
    public let trustedProxies: Set<String>
    /// Whether this listener terminates TLS itself.
    public let tls: Bool

    public init(configuredBase: String? = nil, relativeURLs: Bool = false, trustedProxies: Set<String> = ["127.0.0.1", "::1"], tls: Bool = false) {
        self.configuredBase = configuredBase
        self.relativeURLs = relativeURLs
        self.trustedProxies = trustedProxies
        self.tls = tls
    }

    /// `scheme://host[:port]` as the client addressed this server.
    public func baseURL(for head: HTTPRequest, peer: String?) -> String {
        requestBase(for: head, peer: peer) ?? (tls ? "https" : "http") + "://localhost"
    }

    /// The base URL, or nil when neither configuration nor the request name a host.
    public func requestBase(for head: HTTPRequest, peer: String?) -> String? {
        if let configuredBase { return configuredBase }
        var scheme = tls ? "https" : "http"
        guard var host = head.authority else { return nil }
        if let peer, trustedProxies.contains(peer) {
            if let proto = Self.first(head.headerFields[HTTPField.Name("X-Forwarded-Proto")!]), proto == "https" || proto == "http" {
                scheme = proto
            }
            if let forwarded = Self.first(head.headerFields[HTTPField.Name("X-Forwarded-Host")!]), !forwarded.isEmpty {
                host = forwarded
            }
        }
        return "\(scheme)://\(host)"
    }

    /// A `Location` value for `path`: absolute on the request's base (Distribution's default,
    /// so behind a trusted proxy it names the public host), relative with `http.relativeurls`.
    public func location(_ path: String, base: String?) -> String {
        guard !relativeURLs, let base else { return path }
        return base + path
    }

    private static func first(_ value: String?) -> String? {
        value?.split(separator: ",").first.map { String($0).trimmingCharacters(in: .whitespaces) }
    }
}
