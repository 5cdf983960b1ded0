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

/// Runs a management action, turning identity errors into a one-line failure (no usage text:
/// the command was well formed, the data said no).
func manage(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as IdentityError {
        throw CommandFailure(description: error.description)
    }
}

/// A failure printed as `Error: <description>` with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}

/// `--group PATH` or `--project PATH`, exactly one.
struct TargetOptions: ParsableArguments {
    @Option(help: "A group path (applies to everything below it).")
    var group: String?

    @Option(help: "A project path.")
    var project: String?

    func target() throws -> IdentityAdmin.Target {
        switch (group, project) {
        case (let group?, nil): return .group(group)
        case (nil, let project?): return .project(project)
        default: throw ValidationError("give exactly one of --group and --project")
        }
    }
}

func formatted(_ time: Double?) -> String {
    guard let time else { return "never" }
    return Date(timeIntervalSince1970: time).formatted(.iso8601)
}
