/// The digest algorithms the registry computes and verifies.
public enum DigestAlgorithm: String, Sendable, CaseIterable, Codable {
    case sha256
    case sha512

    /// Length of the lowercase hex encoding.
    public var hexLength: Int {
        switch self {
        case .sha256: 64
        case .sha512: 128
        }
    }
}
