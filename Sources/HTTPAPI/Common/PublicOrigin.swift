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

    /// The client's address: the peer, or behind trusted proxies the nearest address in
    /// `X-Forwarded-For` that is not one of them (what a client writes further left is not
    /// believed). Rate limits and logs use it, so one client behind nginx is not everyone.
    public func clientAddress(for head: HTTPRequest, peer: String?) -> String? {
        guard let peer, trustedProxies.contains(peer), let header = head.headerFields[HTTPField.Name("X-Forwarded-For")!] else {
            return peer
        }
        var client = peer
        for hop in header.split(separator: ",").reversed() {
            let address = hop.trimmingCharacters(in: .whitespaces)
            guard Self.looksLikeAddress(address) else { break }
            client = address
            if !trustedProxies.contains(address) { break }
        }
        return client
    }

    /// IPv4 or IPv6 text, nothing else (no ports, names or log-line tricks).
    static func looksLikeAddress(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 45
            && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 58) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) || $0 == 46 }
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
