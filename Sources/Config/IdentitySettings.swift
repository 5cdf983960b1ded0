/// The GitLab side: who signs tokens and with which key (the seed's `GITLAB_REGISTRY_*`).
public struct IdentitySettings: Sendable, Equatable {
    /// `GITLAB_REGISTRY_ISSUER`: the `iss` of issued tokens.
    public var issuer = "gitlab-issuer"
    /// The `aud` of issued tokens and the `service` clients ask for.
    public var service = "container_registry"
    /// `GITLAB_REGISTRY_KEY_PATH`: the RSA key that signs tokens; nil means the data
    /// directory's (`DataDirectory.defaultSigningKey`).
    public var keyPath: String?
    /// `GITLAB_REGISTRY_CERT_PATH`: its certificate; nil means the key path with `.crt`.
    public var certificatePath: String?
    /// `GITLAB_REGISTRY_GENERATE_INTERNAL_CERTIFICATES`: make the key and certificate at start
    /// when missing. Without an explicit key path they are always made when missing.
    public var generateKeys = false
    /// Seconds a token lives (GitLab's default: 5 minutes). `GITLAB_REGISTRY_TOKEN_EXPIRE_DELAY` in minutes.
    public var tokenLifetime: Int64 = 300

    public init() {}

    mutating func apply(environment: [String: String]) throws(ConfigurationError) {
        if let value = environment["GITLAB_REGISTRY_ISSUER"], !value.isEmpty { issuer = value }
        if let value = environment["GITLAB_REGISTRY_KEY_PATH"], !value.isEmpty { keyPath = value }
        if let value = environment["GITLAB_REGISTRY_CERT_PATH"], !value.isEmpty { certificatePath = value }
        if let value = environment["GITLAB_REGISTRY_GENERATE_INTERNAL_CERTIFICATES"] {
            generateKeys = try YAMLBool.parse(value, key: "GITLAB_REGISTRY_GENERATE_INTERNAL_CERTIFICATES")
        }
        if let value = environment["GITLAB_REGISTRY_TOKEN_EXPIRE_DELAY"] {
            guard let minutes = Int64(value), minutes > 0, minutes <= 1440 else {
                throw ConfigurationError(
                    key: "GITLAB_REGISTRY_TOKEN_EXPIRE_DELAY", problem: "is \"\(value)\"", fix: "give minutes between 1 and 1440"
                )
            }
            tokenLifetime = minutes * 60
        }
    }

    /// The key path in effect; `defaultKey` is the data directory's.
    public func resolvedKeyPath(default defaultKey: String) -> String { keyPath ?? defaultKey }

    /// The certificate path in effect: explicit, or the key's path with `.crt`.
    public func resolvedCertificatePath(default defaultKey: String) -> String {
        if let certificatePath { return certificatePath }
        let key = resolvedKeyPath(default: defaultKey)
        return (key.hasSuffix(".key") ? String(key.dropLast(4)) : key) + ".crt"
    }
}
