import Metadata
import OCI

/// GitLab's cleanup rules over one repository's tags, pure: which tags a run deletes. Unlike
/// GitLab, which applies `keep_n` to each page of 1,000 tags, the rules see every tag of the
/// repository at once, so the outcome does not depend on how tags page.
public struct CleanupRules: Sendable {
    /// The tag every policy keeps.
    public static let alwaysKept = "latest"

    let delete: TagPattern
    let keep: TagPattern?
    let keepN: Int?
    let olderThan: Double?

    public init(_ policy: CleanupPolicy) throws(TagPatternError) {
        delete = try TagPattern(policy.nameRegex, wholeName: true)
        keep = try policy.nameRegexKeep.map { pattern throws(TagPatternError) in try TagPattern(pattern, wholeName: true) }
        keepN = policy.keepN
        olderThan = policy.olderThan?.seconds
    }

    /// The tags to delete, by name: `latest` never; of the others, those `name_regex` matches
    /// and `name_regex_keep` does not, except the `keep_n` most recently pushed of them, those
    /// pushed within `older_than`, and those a protection pattern matches.
    public func tagsToDelete(_ tags: [TagRecord], now: Double, protected: [TagPattern] = []) -> [TagRecord] {
        var candidates = tags.filter { record in
            let name = record.tag.value
            return name != Self.alwaysKept && delete.matches(name) && !(keep?.matches(name) ?? false)
        }
        // Newest first; a tie goes to the name, so a run is the same however tags are read.
        candidates.sort { $0.pushedAt != $1.pushedAt ? $0.pushedAt > $1.pushedAt : $0.tag < $1.tag }
        if let keepN { candidates.removeFirst(min(keepN, candidates.count)) }
        if let olderThan { candidates.removeAll { $0.pushedAt >= now - olderThan } }
        candidates.removeAll { record in protected.contains { $0.matches(record.tag.value) } }
        return candidates.sorted { $0.tag < $1.tag }
    }
}
