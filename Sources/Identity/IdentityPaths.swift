import OCI

/// Paths of namespaces and projects: registry repository names must start with them, so
/// they follow the same component rules.
public enum IdentityPaths {
    public static func validate(_ path: String, what: String) throws(IdentityError) {
        do {
            _ = try RepositoryName(path)
        } catch {
            throw .invalidInput("\(what) path \"\(path)\" is not valid: \(error.detail ?? "lowercase letters, digits and separators")")
        }
    }

    /// Usernames are paths of one component (they name the user's namespace).
    public static func validateUsername(_ username: String) throws(IdentityError) {
        try validate(username, what: "username")
        guard !username.contains("/") else { throw .invalidInput("a username has no slash") }
    }

    /// The parent of `a/b/c` is `a/b`; a top-level path has none.
    public static func parent(of path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }
}
