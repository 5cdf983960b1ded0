import Foundation

/// The archives in a backups directory, newest first; partial files of a running or killed
/// backup are not archives and never listed.
public struct BackupCatalog: Sendable {
    public struct Item: Sendable, Equatable {
        public let name: BackupArchiveName
        public let path: String
        public let size: Int64
    }

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func items() throws -> [Item] {
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory).compactMap { file in
            guard let name = BackupArchiveName(fileName: file) else { return nil }
            let path = directory + "/" + file
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            return Item(name: name, path: path, size: size)
        }.sorted { $0.name > $1.name }
    }

    /// The newest backup, or the one whose timestamp is `timestamp`.
    public func find(timestamp: String?) throws -> Item {
        let all = try items()
        guard let newest = all.first else { throw BackupError.noBackups(directory) }
        guard let timestamp else { return newest }
        guard let wanted = Int64(timestamp) else {
            throw BackupError.noSuchBackup("\"\(timestamp)\" is not a backup timestamp (the number a backup's file name starts with)")
        }
        guard let match = all.first(where: { $0.name.timestamp == wanted }) else {
            throw BackupError.noSuchBackup(
                "no backup \(wanted) in \(directory); there are: \(all.map { String($0.name.timestamp) }.joined(separator: ", "))"
            )
        }
        return match
    }

    /// Deletes all but the newest `keep`; the names deleted.
    public func prune(keep: Int) throws -> [BackupArchiveName] {
        let expired = BackupRetention.expired(try items().map(\.name), keep: keep)
        for name in expired { try FileManager.default.removeItem(atPath: directory + "/" + name.fileName) }
        return expired
    }
}
