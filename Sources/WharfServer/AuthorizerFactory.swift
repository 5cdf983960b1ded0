import Auth
import Config
import Foundation
import HTTPAPI
import Identity

/// Builds the registry's authorizer: open, tokens of a configured issuer, or tokens of this
/// process's own issuer. Trust material is read once, at start.
enum AuthorizerFactory {
    static func make(_ configuration: Configuration, ownIssuer: IdentityRuntime?) throws -> any RegistryAuthorizer {
        switch configuration.auth {
        case .disabled?:
            return OpenAccess()
        case .token(let settings)?:
            return try external(settings)
        case nil:
            guard let ownIssuer else {
                throw WharfStartupError(
                    "--role registry needs the token issuer to trust: set REGISTRY_AUTH_TOKEN_REALM, _SERVICE, _ISSUER and "
                        + "_ROOTCERTBUNDLE (or REGISTRY_AUTH=none for an open registry)"
                )
            }
            let keys = try TrustedKeySet(certificateBundlePEM: try ownIssuer.keyPair.certificatePEM())
            let policy = TokenVerifier.Policy(
                issuer: ownIssuer.issuer.issuer, service: ownIssuer.issuer.service, algorithms: ["RS256"], acceptsX5C: false
            )
            return TokenAuthorizer(
                controller: AccessController(realm: nil, verifier: try TokenVerifier(policy: policy, keys: keys)),
                identity: ScopeGrantor(store: ownIssuer.store)
            )
        }
    }

    private static func external(_ settings: TokenAuthSettings) throws -> any RegistryAuthorizer {
        do {
            let bundle = try settings.rootCertBundle.map { try read($0, key: "auth.token.rootcertbundle") }
            let jwks = try settings.jwks.map { try read($0, key: "auth.token.jwks") }
            let keys = try TrustedKeySet(certificateBundlePEM: bundle, jwksJSON: jwks)
            var policy = TokenVerifier.Policy(issuer: settings.issuer, service: settings.service)
            if let algorithms = settings.signingAlgorithms {
                let unknown = Set(algorithms).subtracting(TokenVerifier.Policy.allAsymmetric)
                guard unknown.isEmpty else {
                    throw WharfStartupError(
                        "auth.token.signingalgorithms names \(unknown.sorted().joined(separator: ", ")); "
                            + "accepted: " + TokenVerifier.Policy.allAsymmetric.sorted().joined(separator: ", ")
                    )
                }
                policy.algorithms = Set(algorithms)
            }
            let verifier = try TokenVerifier(policy: policy, keys: keys)
            return TokenAuthorizer(controller: AccessController(realm: settings.realm, verifier: verifier))
        } catch let error as TokenAuthError {
            throw WharfStartupError(error.description)
        }
    }

    private static func read(_ path: String, key: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw WharfStartupError("\(key): cannot read \(path): \(error.localizedDescription)")
        }
    }
}
