import Foundation

/// `<unix timestamp>_<yyyy_mm_dd>_<version>_wharf_backup.tar`, the seed's naming with Wharf's
/// suffix: sortable by time, and the timestamp alone names a backup to restore.
public struct BackupArchiveName: Sendable, Equatable, Comparable {
    public static let suffix = "_wharf_backup.tar"

    public let timestamp: Int64
    public let version: String

    public init(timestamp: Int64, version: String) {
        self.timestamp = timestamp
        self.version = version
    }

    /// Parses a file name; nil for anything else (partial files, other archives).
    public init?(fileName: String) {
        guard fileName.hasSuffix(Self.suffix) else { return nil }
        let fields = fileName.dropLast(Self.suffix.count).split(separator: "_", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count == 5, let timestamp = Int64(fields[0]), timestamp >= 0,
            fields[1].count == 4, fields[2].count == 2, fields[3].count == 2,
            [fields[1], fields[2], fields[3]].allSatisfy({ $0.allSatisfy(\.isNumber) }), !fields[4].isEmpty
        else { return nil }
        self.timestamp = timestamp
        self.version = String(fields[4])
        guard fileName == self.fileName else { return nil }
    }

    public var fileName: String { "\(timestamp)_\(Self.day(timestamp))_\(version)\(Self.suffix)" }

    /// The UTC day of `timestamp` as `yyyy_mm_dd`.
    static func day(_ timestamp: Int64) -> String {
        let components = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone(identifier: "UTC")!, from: Date(timeIntervalSince1970: Double(timestamp))
        )
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return String(format: "%04d", components.year ?? 0) + "_" + two(components.month) + "_" + two(components.day)
    }

    public static func < (left: Self, right: Self) -> Bool {
        (left.timestamp, left.version) < (right.timestamp, right.version)
    }
}
