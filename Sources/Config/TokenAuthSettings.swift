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
}
