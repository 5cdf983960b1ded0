/// How often a cleanup policy runs: GitLab's values.
public enum CleanupCadence: String, Sendable, CaseIterable, Codable {
    case daily = "1d"
    case weekly = "7d"
    case fortnightly = "14d"
    case monthly = "1month"
    case quarterly = "3month"

    public var seconds: Double {
        switch self {
        case .daily: 86_400
        case .weekly: 7 * 86_400
        case .fortnightly: 14 * 86_400
        case .monthly: 30 * 86_400
        case .quarterly: 90 * 86_400
        }
    }
}
