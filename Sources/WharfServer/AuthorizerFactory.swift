import Auth
import Config
import Foundation
import HTTPAPI

/// Builds the registry's authorizer from `auth`: open, or token verification with the
/// configured trust, read once at start.
enum AuthorizerFactory {
    static func make(_ auth: Configuration.Auth) throws -> any RegistryAuthorizer {
        guard case .token(let settings) = auth else { return OpenAccess() }
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
