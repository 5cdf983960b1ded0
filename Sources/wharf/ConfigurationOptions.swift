import ArgumentParser
import Config
import Foundation
import Identity
import Metadata
import MetadataSQLite
import Registry

/// `--config` and `--root` on every command: the configuration is read exactly as `wharf
/// serve` reads it (the file or REGISTRY_CONFIGURATION_PATH, REGISTRY_*, GITLAB_REGISTRY_*,
/// then the data directory flag), with every path made absolute. The management commands thus
/// change the database the server uses, whatever names it.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: "A Distribution config.yml (default: REGISTRY_CONFIGURATION_PATH).")
    var config: String?

    @Option(help: "Data directory (default: the configuration's, REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY, GITLAB_REGISTRY_DIR or ./wharf-data).")
    var root: String?

    /// The configuration; `file` is a positional config file where the command takes one.
    func load(file: String? = nil) throws(ConfigurationError) -> ConfigurationLoader.Result {
        try Self.load(file: config ?? file, root: root)
    }

    static func load(file: String?, root: String?) throws(ConfigurationError) -> ConfigurationLoader.Result {
        var result = try ConfigurationLoader.load(file: file, environment: ProcessInfo.processInfo.environment)
        if let root { result.configuration.storage.rootDirectory = root }
        result.configuration.resolvePaths()
        return result
    }

    /// The configuration, a problem being a usage error.
    func configuration() throws -> Configuration {
        do {
            return try load().configuration
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func dataDirectory() throws -> DataDirectory {
        DataDirectory(try configuration().storage.rootDirectory)
    }

    /// The identity operations on the data directory's database. The server may keep running:
    /// SQLite's WAL lets both write.
    func admin() async throws -> IdentityAdmin {
        let data = try dataDirectory()
        guard FileManager.default.fileExists(atPath: data.database) else {
            throw ValidationError("no Wharf data in \(data) (no \(DataDirectory.databaseName)): start `wharf serve` once, or pass --root or --config")
        }
        return IdentityAdmin(store: SQLiteIdentityStore(database: try await SQLiteDatabase.open(path: data.database)), passwords: PasswordHasher())
    }

    /// Storage limits and usage in the data directory's database, with the configuration's
    /// `quotas.default`.
    func quotas() async throws -> QuotaService {
        let configuration = try configuration()
        return QuotaService(metadata: try await metadataStore(configuration), defaults: QuotaDefaults(namespaceLimit: configuration.storage.quotaDefault))
    }

    /// The data directory's registry metadata (a server may run on it: SQLite's WAL lets both write).
    func metadataStore(_ configuration: Configuration) async throws -> SQLiteMetadataStore {
        SQLiteMetadataStore(database: try await database(configuration))
    }

    /// The data directory's database, which must exist.
    func database(_ configuration: Configuration) async throws -> SQLiteDatabase {
        let data = DataDirectory(configuration.storage.rootDirectory)
        guard FileManager.default.fileExists(atPath: data.database) else {
            throw ValidationError("no Wharf data in \(data) (no \(DataDirectory.databaseName)): start `wharf serve` once, or pass --root or --config")
        }
        return try await SQLiteDatabase.open(path: data.database)
    }
}
