/// A listen address in Go's `host:port` form, as Distribution's `http.addr`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `:5000` listens on every interface; `[::1]:5000` is an IPv6 host.
    public init(parsing text: String, key: String) throws(ConfigurationError) {
        let invalid = ConfigurationError(
            key: key, problem: "is \"\(text)\", not host:port", fix: "write e.g. :5000, 127.0.0.1:5000 or [::1]:5000"
        )
        guard let colon = text.lastIndex(of: ":") else { throw invalid }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { throw invalid }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]") else { throw invalid }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw invalid
        }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
