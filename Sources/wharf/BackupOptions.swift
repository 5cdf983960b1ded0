import ArgumentParser
import Config
import Foundation

/// Where `wharf backup` finds the data, the keys and the backups: the configuration (file and
/// environment, as `wharf serve` reads them), then these options.
struct BackupOptions: ParsableArguments {
    @OptionGroup var configuration: ConfigurationOptions

    @Option(help: "Backups directory (default: backup.dir, REGISTRY_BACKUP_DIR, or wharf-backups beside the data directory).")
    var dir: String?

    func load() throws -> Configuration {
        var configuration = try self.configuration.configuration()
        if let dir { configuration.backup.directory = URL(fileURLWithPath: dir).standardizedFileURL.path }
        return configuration
    }

    /// Key and certificate files by role, where this configuration has them.
    static func files(_ configuration: Configuration) -> [String: String] {
        let data = DataDirectory(configuration.storage.rootDirectory)
        var files = [
            "signing-key": configuration.identity.resolvedKeyPath(default: data.defaultSigningKey),
            "signing-certificate": configuration.identity.resolvedCertificatePath(default: data.defaultSigningKey),
        ]
        if let tls = configuration.http.tls {
            files["tls-certificate"] = tls.certificate
            files["tls-key"] = tls.key
        }
        if case .token(let token)? = configuration.auth {
            if let bundle = token.rootCertBundle { files["token-rootcertbundle"] = bundle }
            if let jwks = token.jwks { files["token-jwks"] = jwks }
        }
        return files.mapValues { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }
}
