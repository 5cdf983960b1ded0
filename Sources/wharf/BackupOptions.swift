import ArgumentParser
import Config
import Foundation

/// Where `wharf backup` finds the data, the keys and the backups: the configuration (file and
/// environment, as `wharf serve` reads them), then these options.
struct BackupOptions: ParsableArguments {
    @Option(help: "A Distribution config.yml (default: REGISTRY_CONFIGURATION_PATH).")
    var config: String?

    @Option(help: "Data directory (default: the configuration's, REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY or ./wharf-data).")
    var root: String?

    @Option(help: "Backups directory (default: backup.dir, REGISTRY_BACKUP_DIR, or wharf-backups beside the data directory).")
    var dir: String?

    func load() throws -> Configuration {
        var configuration = try Configuration.forCommand(file: config)
        if let root { configuration.storage.rootDirectory = root }
        configuration.storage.rootDirectory = URL(fileURLWithPath: configuration.storage.rootDirectory).standardizedFileURL.path
        if let dir { configuration.backup.directory = dir }
        return configuration
    }

    /// Key and certificate files by role, where this configuration has them.
    static func files(_ configuration: Configuration) -> [String: String] {
        let root = configuration.storage.rootDirectory
        var files = [
            "signing-key": configuration.identity.resolvedKeyPath(root: root),
            "signing-certificate": configuration.identity.resolvedCertificatePath(root: root),
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
