/// `auth.token`: verify registry tokens from an issuer (Wharf's own, GitLab, or any other whose
/// certificate or JWKS is given).
public struct TokenAuthSettings: Sendable, Equatable {
    /// `auth.token.realm`: where clients fetch tokens (GitLab's `/jwt/auth`).
    public var realm: String
    /// `auth.token.service`: the audience tokens must carry (`container_registry` with GitLab).
    public var service: String
    /// `auth.token.issuer`: the exact `iss` of accepted tokens (`gitlab-issuer` with GitLab).
    public var issuer: String
    /// `auth.token.rootcertbundle`: PEM certificates whose keys sign tokens or anchor `x5c`.
    public var rootCertBundle: String?
    /// `auth.token.jwks`: a JWKS file of signing keys.
    public var jwks: String?
    /// `auth.token.signingalgorithms`: accepted `alg` values; nil accepts every asymmetric one.
    public var signingAlgorithms: [String]?

    public init(
        realm: String, service: String, issuer: String, rootCertBundle: String? = nil, jwks: String? = nil,
        signingAlgorithms: [String]? = nil
    ) {
        self.realm = realm
        self.service = service
        self.issuer = issuer
        self.rootCertBundle = rootCertBundle
        self.jwks = jwks
        self.signingAlgorithms = signingAlgorithms
    }

    /// Reads `REGISTRY_AUTH_TOKEN_*`; nil when none is set. A partial set is an error naming
    /// what is missing.
    static func load(environment: [String: String]) throws(ConfigurationError) -> TokenAuthSettings? {
        let prefix = "REGISTRY_AUTH_TOKEN_"
        guard environment.keys.contains(where: { $0.hasPrefix(prefix) }) else { return nil }
        func required(_ key: String) throws(ConfigurationError) -> String {
            guard let value = environment[prefix + key], !value.isEmpty else {
                throw ConfigurationError(
                    key: prefix + key, problem: "is missing while other \(prefix)* settings are given",
                    fix: "token auth needs REALM, SERVICE, ISSUER and ROOTCERTBUNDLE (or JWKS)"
                )
            }
            return value
        }
        let settings = TokenAuthSettings(
            realm: try required("REALM"), service: try required("SERVICE"), issuer: try required("ISSUER"),
            rootCertBundle: environment[prefix + "ROOTCERTBUNDLE"].flatMap { $0.isEmpty ? nil : $0 },
            jwks: environment[prefix + "JWKS"].flatMap { $0.isEmpty ? nil : $0 },
            signingAlgorithms: try environment[prefix + "SIGNINGALGORITHMS"].map { value throws(ConfigurationError) in
                try YAMLList.parse(value, key: prefix + "SIGNINGALGORITHMS")
            }
        )
        guard settings.rootCertBundle != nil || settings.jwks != nil else {
            throw ConfigurationError(
                key: prefix + "ROOTCERTBUNDLE", problem: "is missing, and so is \(prefix)JWKS",
                fix: "give the PEM certificate of the token issuer (GitLab's registry .crt) or a JWKS file"
            )
        }
        return settings
    }
}
