import Config

/// The names of entries in a backup archive, and where each lands in a data directory.
public enum BackupEntryName: Sendable, Equatable {
    case descriptor
    case database
    /// A key or certificate file by role (`signing-key`...).
    case file(role: String)
    case blob(algorithm: String, hex: String)
    case checksums

    public static let databaseEntry = "metadata/" + DataDirectory.databaseName

    public var name: String {
        switch self {
        case .descriptor: BackupDescriptor.entryName
        case .database: Self.databaseEntry
        case .file(let role): "files/" + role
        case .blob(let algorithm, let hex):
            // ustar keeps at most 100 bytes after the last `/`: a sha512 hex is split in two.
            hex.count <= 64 ? "blobs/\(algorithm)/\(hex)" : "blobs/\(algorithm)/\(hex.prefix(hex.count / 2))/\(hex.dropFirst(hex.count / 2))"
        case .checksums: BackupChecksums.entryName
        }
    }

    /// Parses an entry name; nil for anything a Wharf backup never holds (and never extracts).
    public init?(parsing name: String) {
        switch name {
        case BackupDescriptor.entryName: self = .descriptor
        case Self.databaseEntry: self = .database
        case BackupChecksums.entryName: self = .checksums
        default:
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 2, parts[0] == "files", Self.isRole(parts[1]) {
                self = .file(role: String(parts[1]))
            } else if parts.count >= 3, parts.count <= 4, parts[0] == "blobs", ["sha256", "sha512"].contains(parts[1]) {
                let hex = parts[2...].joined()
                guard hex.count == (parts[1] == "sha256" ? 64 : 128), hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
                self = .blob(algorithm: String(parts[1]), hex: hex)
                guard self.name == name else { return nil }
            } else {
                return nil
            }
        }
    }

    static func isRole(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 64 && text.allSatisfy { $0.isLetter && $0.isASCII && $0.isLowercase || $0 == "-" || $0.isNumber && $0.isASCII }
    }
}
