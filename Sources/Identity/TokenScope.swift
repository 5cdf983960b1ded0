/// Scopes of personal access tokens and deploy tokens that matter to the registry.
public enum TokenScope: String, Sendable, Codable, CaseIterable {
    case readRegistry = "read_registry"
    case writeRegistry = "write_registry"
    /// Full API access: implies every registry action the user's role allows.
    case api

    /// Parses a comma- or space-separated list, naming any unknown scope.
    public static func parseList(_ text: String) throws(IdentityError) -> [TokenScope] {
        let names = text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        guard !names.isEmpty else { throw .invalidInput("give at least one scope: read_registry, write_registry, api") }
        return try names.map { name throws(IdentityError) in
            guard let scope = TokenScope(rawValue: name) else {
                throw .invalidInput("unknown scope \(name); use read_registry, write_registry or api")
            }
            return scope
        }
    }
}
