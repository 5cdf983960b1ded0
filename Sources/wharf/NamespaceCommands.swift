import ArgumentParser
import Identity

struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "Manage groups (nested: group/sub).", subcommands: [Create.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a group; a subgroup needs its parent.")
        @OptionGroup var data: ConfigurationOptions
        @Argument var path: String

        func run() async throws {
            try await manage {
                let group = try await data.admin().createGroup(path: path)
                print("created group \(group.path) (id \(group.id))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List groups and personal namespaces.")
        @OptionGroup var data: ConfigurationOptions

        func run() async throws {
            try await manage {
                for namespace in try await data.admin().store.namespaces() {
                    print("\(namespace.id)\t\(namespace.path)\t\(namespace.kind.rawValue)")
                }
            }
        }
    }
}

struct ProjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project", abstract: "Manage projects: registry repositories live under their paths.",
        subcommands: [Create.self, List.self, Visibility.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a project under a group or a user's namespace.")
        @OptionGroup var data: ConfigurationOptions
        @Argument var path: String
        @Option(help: "private, internal or public.") var visibility = "private"

        func run() async throws {
            guard let visibility = Identity.Visibility(rawValue: visibility) else {
                throw ValidationError("visibility is private, internal or public")
            }
            try await manage {
                let project = try await data.admin().createProject(path: path, visibility: visibility)
                print("created project \(project.path) (id \(project.id), \(project.visibility.rawValue))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List projects.")
        @OptionGroup var data: ConfigurationOptions

        func run() async throws {
            try await manage {
                for project in try await data.admin().store.projects() {
                    print("\(project.id)\t\(project.path)\t\(project.visibility.rawValue)")
                }
            }
        }
    }

    struct Visibility: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a project's visibility.")
        @OptionGroup var data: ConfigurationOptions
        @Argument var path: String
        @Argument var visibility: String

        func run() async throws {
            guard let visibility = Identity.Visibility(rawValue: visibility) else {
                throw ValidationError("visibility is private, internal or public")
            }
            try await manage {
                try await data.admin().setVisibility(project: path, visibility)
                print("\(path) is \(visibility.rawValue)")
            }
        }
    }
}

struct MemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member", abstract: "Give users roles on groups and projects.", subcommands: [Add.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add or change a membership.")
        @OptionGroup var data: ConfigurationOptions
        @OptionGroup var target: TargetOptions
        @Option(help: "The user.") var user: String
        @Option(help: "guest, reporter, developer, maintainer or owner.") var role: String

        func run() async throws {
            guard let role = Role(name: role) else { throw ValidationError("role is guest, reporter, developer, maintainer or owner") }
            try await manage {
                try await data.admin().addMember(username: user, to: try target.target(), role: role)
                print("\(user) is \(role) of \(target.group ?? target.project ?? "")")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a membership.")
        @OptionGroup var data: ConfigurationOptions
        @OptionGroup var target: TargetOptions
        @Option(help: "The user.") var user: String

        func run() async throws {
            try await manage {
                let removed = try await data.admin().removeMember(username: user, from: try target.target())
                print(removed ? "removed \(user)" : "\(user) was not a member there")
            }
        }
    }
}
