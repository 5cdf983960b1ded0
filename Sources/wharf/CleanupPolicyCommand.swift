import ArgumentParser
import Foundation
import MetadataSQLite
import Logging
import Metadata
import OCI
import Registry
import WharfServer

/// `wharf cleanup-policy set|show|run --project P`: GitLab's cleanup policies from the shell.
struct CleanupPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup-policy", abstract: "A project's cleanup policy: which tags to delete, and how often.",
        subcommands: [Set.self, Show.self, Run.self]
    )

    struct ProjectOption: ParsableArguments {
        @Option(help: "The project, e.g. team/app: the policy covers every repository at or below it.")
        var project: String

        func path() throws -> String {
            do {
                return try RepositoryName(project).value
            } catch {
                throw ValidationError("--project \(project): \(error.detail ?? error.message)")
            }
        }
    }

    static func service(_ options: ConfigurationOptions) async throws -> CleanupService {
        var logger = Logger(label: "wharf-cleanup")
        logger.logLevel = .warning
        let database = try await options.database(try options.configuration())
        return CleanupService(
            metadata: SQLiteMetadataStore(database: database), logger: logger, protectedTags: WharfApplication.protectedTags(database)
        )
    }

    static func print(_ policy: CleanupPolicy) {
        Swift.print("project \(policy.project): \(CleanupService.describe(policy))")
        if let next = policy.nextRunAt, policy.enabled { Swift.print("next run: \(formatted(next))") }
        if let cursor = policy.cursor { Swift.print("an unfinished run resumes after \(cursor)") }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a project's policy (GitLab's fields and values).",
            discussion: """
                Tags whose whole name matches --name-regex are deleted, except those matching --name-regex-keep, the
                --keep-n most recently pushed of them, those pushed within --older-than, protected tags and `latest`.
                Both patterns use RE2 syntax and must match the whole tag name. Saving an enabled policy schedules its
                next run one cadence from now.
                """
        )
        @OptionGroup var options: ConfigurationOptions
        @OptionGroup var target: ProjectOption
        @Flag(help: "Turn the policy on.")
        var enable = false
        @Flag(help: "Turn the policy off.")
        var disable = false
        @Option(help: "How often it runs: 1d, 7d, 14d, 1month or 3month.")
        var cadence: String?
        @Option(help: "Keep this many most recent matching tags: 1, 5, 10, 25, 50, 100, or none.")
        var keepN: String?
        @Option(help: "Delete only tags older than 7d, 14d, 30d, 90d, or none.")
        var olderThan: String?
        @Option(help: "Tags to delete (RE2, whole name), e.g. '.*'.")
        var nameRegex: String?
        @Option(help: "Tags to keep whatever else matches (RE2, whole name).")
        var nameRegexKeep: String?
        @Flag(help: "Clear --name-regex-keep.")
        var noNameRegexKeep = false

        func run() async throws {
            guard !(enable && disable) else { throw ValidationError("give --enable or --disable, not both") }
            var change = CleanupPolicyChange(enabled: enable ? true : (disable ? false : nil), cadence: cadence, nameRegex: nameRegex)
            if let keepN {
                guard keepN == "none" || Int(keepN) != nil else { throw ValidationError("--keep-n \(keepN) is not a number or none") }
                change.keepN = .some(Int(keepN))
            }
            if let olderThan { change.olderThan = .some(olderThan == "none" ? nil : olderThan) }
            if let nameRegexKeep { change.nameRegexKeep = .some(nameRegexKeep) }
            if noNameRegexKeep { change.nameRegexKeep = .some(nil) }
            do {
                let updated = try await CleanupPolicyCommand.service(options).update(
                    project: try target.path(), change: change, now: Date().timeIntervalSince1970
                )
                CleanupPolicyCommand.print(updated)
            } catch let error as CleanupPolicyError {
                throw CommandFailure(description: error.description)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a project's policy (GitLab's default, off, when none is set).")
        @OptionGroup var options: ConfigurationOptions
        @OptionGroup var target: ProjectOption

        func run() async throws {
            CleanupPolicyCommand.print(try await CleanupPolicyCommand.service(options).policy(for: try target.path()))
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a project's policy now, beside a running server, printing every tag it deletes.",
            discussion: "With --dry-run, prints exactly the tags a run would delete and deletes nothing."
        )
        @OptionGroup var options: ConfigurationOptions
        @OptionGroup var target: ProjectOption
        @Flag(help: "Print what would be deleted; change nothing.")
        var dryRun = false

        func run() async throws {
            let service = try await CleanupPolicyCommand.service(options)
            let policy = try await service.policy(for: try target.path())
            let report: CleanupReport
            do {
                report = try await service.run(policy, now: Date().timeIntervalSince1970, dryRun: dryRun)
            } catch let error as TagPatternError {
                throw CommandFailure(description: "the policy of \(policy.project) cannot run: \(error)")
            }
            for deletion in report.deleted {
                Swift.print("\(dryRun ? "would delete" : "deleted") \(deletion.repository):\(deletion.record.tag) (\(deletion.record.digest))")
            }
            var summary = "\(report.deleted.count) tags \(dryRun ? "would be deleted" : "deleted") of \(report.tagsSeen) in \(report.repositories) repositories"
            if report.skipped > 0 { summary += "; \(report.skipped) kept, pushed again meanwhile" }
            Swift.print(summary + (dryRun ? " (dry run: nothing changed)" : ""))
        }
    }
}
