/// GitLab's member roles, by access level.
public enum Role: Int, Sendable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    case guest = 10
    case reporter = 20
    case developer = 30
    case maintainer = 40
    case owner = 50

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }

    public init?(name: String) {
        guard let role = Role.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = role
    }

    public var description: String {
        switch self {
        case .guest: "guest"
        case .reporter: "reporter"
        case .developer: "developer"
        case .maintainer: "maintainer"
        case .owner: "owner"
        }
    }
}

/// Who may see a project without being a member.
public enum Visibility: String, Sendable, Codable, CaseIterable {
    /// Members only.
    case `private`
    /// Any signed-in user.
    case `internal`
    /// Anyone, signed in or not.
    case `public`
}
