import ArgumentParser
import Metadata
import OCI
import Registry

/// `--namespace N` or `--project P`: the path a limit or a usage figure is about.
struct QuotaPathOptions: ParsableArguments {
    @Option(help: "A top-level namespace (group or user), e.g. team.")
    var namespace: String?

    @Option(help: "A project, e.g. team/app.")
    var project: String?

    func path(required: Bool = true) throws -> QuotaPath? {
        switch (namespace, project) {
        case (let namespace?, nil): return try parsed { () throws(RegistryError) in try QuotaPath(namespace: namespace) }
        case (nil, let project?): return try parsed { () throws(RegistryError) in try QuotaPath(project: project) }
        case (nil, nil) where !required: return nil
        case (nil, nil): throw ValidationError("give --namespace or --project")
        default: throw ValidationError("give --namespace or --project, not both")
        }
    }

    private func parsed(_ body: () throws(RegistryError) -> QuotaPath) throws -> QuotaPath {
        do { return try body() } catch { throw ValidationError(error.detail ?? error.message) }
    }
}

struct QuotaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quota", abstract: "Storage limits of namespaces and projects.", subcommands: [Set.self, Remove.self, List.self]
    )

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Limit the bytes a namespace or a project may store.",
            discussion: """
                Usage counts the distinct blobs the repositories at or below the path link (a layer shared by several
                repositories counts once) plus the bytes uploads in progress there have reserved. Pushes that would pass
                the limit are refused with 403 DENIED; what is stored already stays.
                """
        )
        @OptionGroup var options: ConfigurationOptions
        @OptionGroup var target: QuotaPathOptions
        @Option(help: "The limit: e.g. 10GiB, 500MiB, 2GB or a number of bytes.")
        var limit: String

        func run() async throws {
            guard let bytes = ByteCount.parse(limit) else {
                throw ValidationError("--limit \(limit) is not a byte count: write e.g. 10GiB, 500MiB or 1048576")
            }
            let path = try target.path()!
            let quotas = try await options.quotas()
            try await quotas.set(path, limit: bytes)
            let usage = try await quotas.usage(path)
            print("limit of \(path) set to \(ByteCount.format(bytes)); in use: \(UsageLine.describe(usage))")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the limit of a namespace or a project.")
        @OptionGroup var options: ConfigurationOptions
        @OptionGroup var target: QuotaPathOptions

        func run() async throws {
            let path = try target.path()!
            guard try await options.quotas().remove(path) else {
                throw CommandFailure(description: "\(path) has no limit of its own")
            }
            print("limit of \(path) removed")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the limits set, with what each path uses.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let quotas = try await options.quotas()
            let limits = try await quotas.limits()
            if let fallback = quotas.defaultNamespaceLimit {
                print("default (quotas.default) for namespaces without their own: \(ByteCount.format(fallback))")
            }
            if limits.isEmpty { print("no limits set") }
            for usage in limits { print("\(usage.path)\t\(UsageLine.describe(usage))") }
        }
    }
}

struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage", abstract: "Bytes a namespace or a project stores, deduplicated, and its limit."
    )
    @OptionGroup var options: ConfigurationOptions
    @OptionGroup var target: QuotaPathOptions

    func run() async throws {
        let quotas = try await options.quotas()
        guard let path = try target.path(required: false) else {
            let namespaces = try await quotas.namespaces()
            if namespaces.isEmpty { print("nothing stored") }
            for usage in namespaces { print("namespace \(usage.path): \(UsageLine.describe(usage))") }
            return
        }
        print("\(path): \(UsageLine.describe(try await quotas.usage(path)))")
    }
}

/// One line about a path's usage, for people.
enum UsageLine {
    static func describe(_ usage: StorageUsage) -> String {
        var line = "\(ByteCount.format(usage.stored)) stored, \(ByteCount.format(usage.reserved)) reserved by uploads in progress"
        if let limit = usage.limit {
            let share = limit > 0 ? Double(usage.stored + usage.reserved) / Double(limit) * 100 : 100
            line += ", limit \(ByteCount.format(limit)) (\((share * 10).rounded() / 10) % used)"
        } else {
            line += ", no limit"
        }
        return line
    }
}
