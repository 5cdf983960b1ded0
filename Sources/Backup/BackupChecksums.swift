/// `wharf-backup.sha256`, the last entry: one line per earlier entry, `<sha256>  <size>  <name>`,
/// so `sha256sum`-minded operators can read it and restore can prove every byte before it
/// touches anything.
public struct BackupChecksums: Sendable, Equatable {
    public static let entryName = "wharf-backup.sha256"

    public struct Entry: Sendable, Equatable {
        public let name: String
        public let size: Int64
        public let sha256: String
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public mutating func append(name: String, size: Int64, sha256: String) {
        entries.append(Entry(name: name, size: size, sha256: sha256))
    }

    public var text: String {
        entries.map { "\($0.sha256)  \($0.size)  \($0.name)\n" }.joined()
    }

    public init(parsing text: String) throws(BackupError) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false)
            guard fields.count == 5, fields[1].isEmpty, fields[3].isEmpty, fields[0].count == 64,
                fields[0].allSatisfy({ $0.isHexDigit && !$0.isUppercase }), let size = Int64(fields[2]), size >= 0, !fields[4].isEmpty
            else { throw .damaged("its checksum list has a malformed line: \(line.prefix(120))") }
            entries.append(Entry(name: String(fields[4]), size: size, sha256: String(fields[0])))
        }
    }
}
