import ArgumentParser
import Identity

/// `wharf tag-protection add|list|remove`: GitLab's protected and immutable container tags.
struct TagProtectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag-protection", abstract: "Protected and immutable tags of a project.", subcommands: [Add.self, List.self, Remove.self]
    )

    static func describe(_ rule: TagProtectionRule) -> String {
        if rule.isImmutable { return "\(rule.id)\t\(rule.pattern)\timmutable" }
        return "\(rule.id)\t\(rule.pattern)\tpush: \(rule.minimumPushLevel!)\tdelete: \(rule.minimumDeleteLevel!)"
    }

    static func level(_ text: String?, _ option: String) throws -> ProtectionLevel? {
        guard let text else { return nil }
        guard let level = ProtectionLevel(name: text) else { throw ValidationError("\(option) \(text) is not maintainer, owner or admin") }
        return level
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Protect the tags a pattern matches, or make them immutable.",
            discussion: """
                The pattern is RE2 syntax matched anywhere in a tag's name, as GitLab's registry matches it (anchor it with
                ^ and $). Protected tags may be pushed over and deleted only from the given levels up; immutable tags, once
                they exist, by nobody. Tokens carry the patterns their holder is denied, so a registry beside GitLab
                enforces GitLab's rules the same way. Cleanup policies leave every matching tag alone. At most 5 rules.
                """
        )
        @OptionGroup var data: ConfigurationOptions
        @Option(help: "The project, e.g. team/app.") var project: String
        @Option(help: "RE2 pattern, e.g. '^v\\d+\\.\\d+\\.\\d+$'.") var pattern: String
        @Option(help: "Lowest level that may push over a matching tag: maintainer, owner or admin.") var push: String?
        @Option(help: "Lowest level that may delete a matching tag: maintainer, owner or admin.") var delete: String?
        @Flag(help: "Nobody may overwrite or delete matching tags.") var immutable = false

        func run() async throws {
            let pushLevel = try TagProtectionCommand.level(push, "--push")
            let deleteLevel = try TagProtectionCommand.level(delete, "--delete")
            guard immutable == (pushLevel == nil && deleteLevel == nil) else {
                throw ValidationError("give --push and --delete (a protected tag), or --immutable")
            }
            try await manage {
                let rule = try await data.admin().addTagProtectionRule(
                    project: project, pattern: pattern, minimumPushLevel: pushLevel, minimumDeleteLevel: deleteLevel
                )
                print("added rule \(TagProtectionCommand.describe(rule))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a project's rules.")
        @OptionGroup var data: ConfigurationOptions
        @Option(help: "The project, e.g. team/app.") var project: String

        func run() async throws {
            try await manage {
                let rules = try await data.admin().tagProtectionRules(project: project)
                if rules.isEmpty { print("no tag protection rules") }
                for rule in rules { print(TagProtectionCommand.describe(rule)) }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a rule by its id (see list).")
        @OptionGroup var data: ConfigurationOptions
        @Option(help: "The project, e.g. team/app.") var project: String
        @Option(help: "The rule's id.") var id: Int64

        func run() async throws {
            try await manage {
                try await data.admin().removeTagProtectionRule(project: project, id: id)
                print("removed rule \(id)")
            }
        }
    }
}
