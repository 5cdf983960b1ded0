import Foundation

/// How far a backup or restore is: files and bytes done of the totals, and the time taken.
public struct BackupProgress: Sendable, Equatable {
    public var files = 0
    public var totalFiles = 0
    public var bytes: Int64 = 0
    public var totalBytes: Int64 = 0
    public var seconds = 0.0

    public init() {}

    /// `1234/5000 files, 1.2 GiB/2.0 GiB, 350.0 MiB/s`
    public var summary: String {
        let rate = seconds > 0 ? Double(bytes) / seconds : 0
        return "\(files)/\(totalFiles) files, \(Self.size(bytes))/\(Self.size(totalBytes)), \(Self.size(Int64(rate)))/s"
    }

    public static func size(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}
