import Metadata
import OCI

/// Changes to a project's cleanup policy as GitLab's API and the CLI give them: text values,
/// each optional; `keepN`/`olderThan`/`nameRegexKeep` set to `.some(nil)` clear the field.
public struct CleanupPolicyChange: Sendable, Equatable {
    public var enabled: Bool?
    public var cadence: String?
    public var keepN: Int??
    public var olderThan: String??
    public var nameRegex: String?
    public var nameRegexKeep: String??

    public init(
        enabled: Bool? = nil, cadence: String? = nil, keepN: Int?? = nil, olderThan: String?? = nil, nameRegex: String? = nil,
        nameRegexKeep: String?? = nil
    ) {
        self.enabled = enabled
        self.cadence = cadence
        self.keepN = keepN
        self.olderThan = olderThan
        self.nameRegex = nameRegex
        self.nameRegexKeep = nameRegexKeep
    }

    /// GitLab's column limit on the patterns.
    public static let maxPatternLength = 255

    /// `policy` with the changes applied, or the first problem in words.
    public func applied(to policy: CleanupPolicy) throws(CleanupPolicyError) -> CleanupPolicy {
        var policy = policy
        if let enabled { policy.enabled = enabled }
        if let cadence {
            guard let value = CleanupCadence(rawValue: cadence) else {
                throw CleanupPolicyError("cadence \(cadence) is not one of \(CleanupCadence.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            policy.cadence = value
        }
        if let keepN {
            if let count = keepN, !CleanupPolicy.keepValues.contains(count) {
                throw CleanupPolicyError("keep_n \(count) is not one of \(CleanupPolicy.keepValues.map(String.init).joined(separator: ", "))")
            }
            policy.keepN = keepN
        }
        if let olderThan {
            if let text = olderThan, CleanupAge(rawValue: text) == nil {
                throw CleanupPolicyError("older_than \(text) is not one of \(CleanupAge.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            policy.olderThan = olderThan.flatMap(CleanupAge.init(rawValue:))
        }
        if let nameRegex { policy.nameRegex = nameRegex }
        if let nameRegexKeep { policy.nameRegexKeep = nameRegexKeep }
        for (field, pattern) in [("name_regex", policy.nameRegex), ("name_regex_keep", policy.nameRegexKeep)] {
            guard let pattern else { continue }
            guard pattern.count <= Self.maxPatternLength else {
                throw CleanupPolicyError("\(field) is longer than \(Self.maxPatternLength) characters")
            }
            do {
                _ = try TagPattern(pattern, wholeName: true)
            } catch {
                throw CleanupPolicyError("\(field): \(error)")
            }
        }
        return policy
    }
}
