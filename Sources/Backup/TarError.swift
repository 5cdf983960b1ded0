/// Why an archive cannot be read or written, in words an operator can act on.
public enum TarError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncated
    case notTar
    case badHeaderChecksum
    case badHeader(String)
    case nameTooLong(String)
    case sizeMismatch(name: String, declared: Int64, written: Int64)
    case io(String)

    public var description: String {
        switch self {
        case .truncated: "the archive is truncated (it ends inside an entry or before its end marker)"
        case .notTar: "not a tar archive (no ustar header)"
        case .badHeaderChecksum: "a tar header's checksum is wrong: the archive is damaged"
        case .badHeader(let name): "the tar header of \(name) is damaged"
        case .nameTooLong(let name): "\(name) is too long a name for a ustar archive"
        case .sizeMismatch(let name, let declared, let written):
            "\(name) changed while it was archived: \(declared) bytes declared, \(written) written"
        case .io(let message): message
        }
    }
}
