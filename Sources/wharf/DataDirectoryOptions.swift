import ArgumentParser
import Foundation
import Identity
import MetadataSQLite

/// `--root`: the data directory whose database the management commands change. The server
/// may keep running: SQLite's WAL lets both write.
struct DataDirectoryOptions: ParsableArguments {
    @Option(help: "Data directory (default: REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY or ./wharf-data).")
    var root: String?

    var path: String {
        root ?? ProcessInfo.processInfo.environment["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY"] ?? "./wharf-data"
    }

    func admin() throws -> IdentityAdmin {
        let database = path + "/wharf.sqlite"
        guard FileManager.default.fileExists(atPath: database) else {
            throw ValidationError("no Wharf data in \(path) (no wharf.sqlite): start `wharf serve` once, or pass --root")
        }
        return IdentityAdmin(store: SQLiteIdentityStore(database: try SQLiteDatabase(path: database)), passwords: PasswordHasher())
    }
}
