/// The levels GitLab's protection rules name: the lowest that may push over or delete a
/// protected tag.
public enum ProtectionLevel: Int, Sendable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case maintainer = 40
    case owner = 50
    case admin = 60

    public static func < (lhs: ProtectionLevel, rhs: ProtectionLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = level
    }

    public var description: String {
        switch self {
        case .maintainer: "maintainer"
        case .owner: "owner"
        case .admin: "admin"
        }
    }
}
