import Config
import Foundation
import Identity
import Logging

/// The token signing key and certificate on disk: read them, or make them when allowed
/// (GitLab's `GITLAB_REGISTRY_GENERATE_INTERNAL_CERTIFICATES`, or Wharf's default location).
public enum SigningKeyFiles {
    static func loadOrGenerate(_ settings: IdentitySettings, data: DataDirectory, logger: Logger) throws -> SigningKeyPair {
        let keyPath = settings.resolvedKeyPath(default: data.defaultSigningKey)
        let certificatePath = settings.resolvedCertificatePath(default: data.defaultSigningKey)
        let manager = FileManager.default
        let mayGenerate = settings.generateKeys || settings.keyPath == nil
        if !manager.fileExists(atPath: keyPath) {
            guard mayGenerate else {
                throw WharfStartupError(
                    "GITLAB_REGISTRY_KEY_PATH \(keyPath) does not exist: create it with `wharf keys generate --key \(keyPath)` "
                        + "or set GITLAB_REGISTRY_GENERATE_INTERNAL_CERTIFICATES=true"
                )
            }
            let pair = try SigningKeyPair.generate()
            try write(pair, keyPath: keyPath, certificatePath: certificatePath)
            logger.notice("generated the token signing key", metadata: ["key": "\(keyPath)", "certificate": "\(certificatePath)"])
            return pair
        }
        do {
            let key = try String(contentsOfFile: keyPath, encoding: .utf8)
            let certificate = try String(contentsOfFile: certificatePath, encoding: .utf8)
            return try SigningKeyPair(privateKeyPEM: key, certificatePEM: certificate)
        } catch let error as IdentityError {
            throw WharfStartupError("\(keyPath) / \(certificatePath): \(error)")
        } catch {
            throw WharfStartupError("cannot read the signing key \(keyPath) and certificate \(certificatePath): \(error.localizedDescription)")
        }
    }

    /// Writes the key (mode 0600 from its creation) and the certificate (0644), creating
    /// missing directories with mode 0700.
    public static func write(_ pair: SigningKeyPair, keyPath: String, certificatePath: String) throws {
        for path in [keyPath, certificatePath] {
            try SecretFile.makePrivateDirectory((path as NSString).deletingLastPathComponent)
        }
        try SecretFile.write(pair.privateKeyPEM, to: keyPath)
        guard FileManager.default.createFile(
            atPath: certificatePath, contents: Data(try pair.certificatePEM().utf8), attributes: [.posixPermissions: 0o644]
        ) else {
            throw WharfStartupError("cannot write the certificate to \(certificatePath)")
        }
    }
}
