import ArgumentParser
import Identity

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage personal access tokens.", subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; it is shown once.")
        @OptionGroup var data: ConfigurationOptions
        @Option(help: "The token's owner.") var user: String
        @Option(help: "A name to recognise the token by.") var name: String
        @Option(help: "read_registry, write_registry, api (comma-separated).") var scopes: String
        @Option(help: "Days until it expires (default: never).") var expiresInDays: Int?

        func run() async throws {
            try await manage {
                let created = try await data.admin().createPersonalAccessToken(
                    username: user, name: name, scopes: try TokenScope.parseList(scopes), expiresInDays: expiresInDays
                )
                print("created token \(created.record.id) for \(user), expires \(formatted(created.record.expiresAt))")
                print("token: \(created.secret)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (not their values).")
        @OptionGroup var data: ConfigurationOptions
        @Option(help: "Only this user's tokens.") var user: String?

        func run() async throws {
            try await manage {
                let admin = try await data.admin()
                var owner: Int64?
                if let user { owner = try await admin.requireUser(user).id }
                for token in try await admin.store.personalAccessTokens(userID: owner) {
                    let state = token.revoked ? "revoked" : "expires \(formatted(token.expiresAt))"
                    print("\(token.id)\tuser \(token.userID)\t\(token.name)\t\(token.scopes.map(\.rawValue).joined(separator: ","))\t\(state)")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token.")
        @OptionGroup var data: ConfigurationOptions
        @Argument var id: Int64

        func run() async throws {
            try await manage {
                let revoked = try await data.admin().store.revokePersonalAccessToken(id: id)
                print(revoked ? "revoked token \(id)" : "token \(id) does not exist or was already revoked")
            }
        }
    }
}

struct DeployTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy-token", abstract: "Manage deploy tokens of projects and groups.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a deploy token; its username and secret are shown once.")
        @OptionGroup var data: ConfigurationOptions
        @OptionGroup var target: TargetOptions
        @Option(help: "A name to recognise the token by.") var name: String
        @Option(help: "read_registry, write_registry (comma-separated).") var scopes: String
        @Option(help: "Days until it expires (default: never).") var expiresInDays: Int?

        func run() async throws {
            try await manage {
                let created = try await data.admin().createDeployToken(
                    for: try target.target(), name: name, scopes: try TokenScope.parseList(scopes), expiresInDays: expiresInDays
                )
                print("created deploy token \(created.record.id), expires \(formatted(created.record.expiresAt))")
                print("username: \(created.record.username)")
                print("token: \(created.secret)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deploy tokens (not their values).")
        @OptionGroup var data: ConfigurationOptions

        func run() async throws {
            try await manage {
                for token in try await data.admin().store.deployTokens() {
                    let state = token.revoked ? "revoked" : "expires \(formatted(token.expiresAt))"
                    print("\(token.id)\t\(token.username)\t\(token.name)\t\(token.scopes.map(\.rawValue).joined(separator: ","))\t\(state)")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a deploy token.")
        @OptionGroup var data: ConfigurationOptions
        @Argument var id: Int64

        func run() async throws {
            try await manage {
                let revoked = try await data.admin().store.revokeDeployToken(id: id)
                print(revoked ? "revoked deploy token \(id)" : "deploy token \(id) does not exist or was already revoked")
            }
        }
    }
}
