import Metadata
import OCI
import Registry
import Testing

/// GitLab's cleanup rules, pure.
@Suite struct CleanupRulesTests {
    static let day = 86_400.0
    static let now = 1_000_000_000.0

    func record(_ name: String, daysAgo: Double) -> TagRecord {
        TagRecord(tag: try! Tag(name), digest: DigestHasher.digest(Array(name.utf8)), pushedAt: Self.now - daysAgo * Self.day)
    }

    /// The worked example of GitLab's documentation ("Example cleanup policy workflow").
    @Test func gitLabsWorkedExample() throws {
        let tags = [
            record("latest", daysAgo: 2.0 / 24), record("production-v44", daysAgo: 3), record("production-v43", daysAgo: 6),
            record("production-v42", daysAgo: 11), record("dev-v44", daysAgo: 2), record("dev-v43", daysAgo: 5),
            record("dev-v42", daysAgo: 10), record("v44", daysAgo: 1), record("v43", daysAgo: 12), record("v42", daysAgo: 20),
        ]
        let policy = CleanupPolicy(project: "p", enabled: true, keepN: 1, olderThan: .week, nameRegex: ".*", nameRegexKeep: "production-.*")
        let deleted = try CleanupRules(policy).tagsToDelete(tags, now: Self.now).map(\.tag.value)
        #expect(deleted == ["dev-v42", "v42", "v43"])
    }

    @Test func latestIsAlwaysKeptAndTheRegexesAreAnchored() throws {
        let tags = [record("latest", daysAgo: 100), record("v1", daysAgo: 100), record("xv1", daysAgo: 100), record("v1-keep", daysAgo: 100)]
        let policy = CleanupPolicy(project: "p", keepN: nil, olderThan: nil, nameRegex: "v1|latest|v1-keep", nameRegexKeep: "keep")
        // `keep` anchored matches no tag; `v1|...` anchored around the whole alternation does not match `xv1`.
        #expect(try CleanupRules(policy).tagsToDelete(tags, now: Self.now).map(\.tag.value) == ["v1", "v1-keep"])
    }

    @Test func keepNCountsTheNewestMatchingTagsWithTiesByName() throws {
        let tags = (0..<6).map { record("t\($0)", daysAgo: Double(10 + $0 / 2)) }  // t0,t1 newest (tie), t2,t3, t4,t5
        let policy = CleanupPolicy(project: "p", keepN: 3, olderThan: nil, nameRegex: ".*")
        #expect(try CleanupRules(policy).tagsToDelete(tags, now: Self.now).map(\.tag.value) == ["t3", "t4", "t5"])
        let reversed = try CleanupRules(policy).tagsToDelete(tags.reversed(), now: Self.now)
        #expect(reversed.map(\.tag.value) == ["t3", "t4", "t5"], "the order tags are read in changes nothing")
    }

    @Test func olderThanKeepsTagsPushedWithinIt() throws {
        let tags = [record("a", daysAgo: 6.9), record("b", daysAgo: 7.1)]
        let policy = CleanupPolicy(project: "p", keepN: nil, olderThan: .week, nameRegex: ".*")
        #expect(try CleanupRules(policy).tagsToDelete(tags, now: Self.now).map(\.tag.value) == ["b"])
    }

    @Test func protectedTagsAreSkipped() throws {
        let tags = [record("v1.0.0", daysAgo: 100), record("dev", daysAgo: 100)]
        let policy = CleanupPolicy(project: "p", keepN: nil, olderThan: nil, nameRegex: ".*")
        let protected = [try TagPattern("^v\\d", wholeName: false)]
        #expect(try CleanupRules(policy).tagsToDelete(tags, now: Self.now, protected: protected).map(\.tag.value) == ["dev"])
    }

    @Test func changesAreValidatedWithGitLabsValues() throws {
        let base = CleanupPolicy(project: "p")
        let changed = try CleanupPolicyChange(enabled: true, cadence: "7d", keepN: .some(nil), olderThan: "14d", nameRegexKeep: "main")
            .applied(to: base)
        #expect(changed.enabled && changed.cadence == .weekly && changed.keepN == nil && changed.olderThan == .fortnight)
        #expect(changed.nameRegexKeep == "main" && changed.nameRegex == ".*")
        for (change, message) in [
            (CleanupPolicyChange(cadence: "2d"), "cadence 2d is not one of 1d, 7d, 14d, 1month, 3month"),
            (CleanupPolicyChange(keepN: 3), "keep_n 3 is not one of 1, 5, 10, 25, 50, 100"),
            (CleanupPolicyChange(olderThan: "1d"), "older_than 1d is not one of 7d, 14d, 30d, 90d"),
            (CleanupPolicyChange(nameRegex: "(a"), "name_regex: invalid pattern"),
            (CleanupPolicyChange(nameRegexKeep: String(repeating: "a", count: 256)), "name_regex_keep is longer than 255"),
        ] {
            #expect {
                _ = try change.applied(to: base)
            } throws: { error in
                "\(error)".hasPrefix(message)
            }
        }
    }
}
