/// How old a tag must be before a cleanup policy deletes it: GitLab's values.
public enum CleanupAge: String, Sendable, CaseIterable, Codable {
    case week = "7d"
    case fortnight = "14d"
    case month = "30d"
    case quarter = "90d"

    public var seconds: Double {
        switch self {
        case .week: 7 * 86_400
        case .fortnight: 14 * 86_400
        case .month: 30 * 86_400
        case .quarter: 90 * 86_400
        }
    }
}
