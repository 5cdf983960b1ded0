import Foundation

/// The registry's public base URL, as `http.host` gives it.
public enum PublicURL {
    /// `https://registry.example.com[:port]` without a trailing slash; a bare host gets https.
    static func normalize(_ text: String, key: String) throws(ConfigurationError) -> String {
        var value = text
        while value.hasSuffix("/") { value.removeLast() }
        if !value.contains("://") { value = "https://" + value }
        guard let components = URLComponents(string: value), ["http", "https"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".-_[]:".contains($0) }),
            host.contains(where: { $0.isLetter || $0.isNumber }), components.path.isEmpty, components.query == nil
        else {
            throw ConfigurationError(key: key, problem: "is \"\(text)\", not a base URL", fix: "write e.g. https://registry.example.com")
        }
        return value
    }
}
