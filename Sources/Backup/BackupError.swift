/// Why a backup or restore stopped, before it changed anything unless it says otherwise.
public enum BackupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The archive is not a Wharf backup, or is one this Wharf cannot read.
    case notABackup(String)
    case newerFormat(Int)
    /// The archive's bytes are not what it says they are.
    case damaged(String)
    case noBackups(String)
    case noSuchBackup(String)
    /// The data directory is in use or holds data that --force would replace.
    case refused(String)
    case failed(String)

    public var description: String {
        switch self {
        case .notABackup(let detail): "not a Wharf backup: \(detail)"
        case .newerFormat(let format):
            "the backup has format \(format), newer than this Wharf reads (\(BackupDescriptor.currentFormat)): restore it with the Wharf that wrote it, or a newer one"
        case .damaged(let detail): "the backup is damaged: \(detail); nothing was changed"
        case .noBackups(let directory): "no backups in \(directory)"
        case .noSuchBackup(let detail): detail
        case .refused(let detail): detail
        case .failed(let detail): detail
        }
    }
}
