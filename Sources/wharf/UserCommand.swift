import ArgumentParser
import Identity

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users.",
        subcommands: [Create.self, List.self, Block.self, Unblock.self, Password.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; prints a generated password unless one is given.")
        @OptionGroup var data: ConfigurationOptions
        @Argument var username: String
        @Option(help: "The password (at least 8 characters); generated when omitted.") var password: String?
        @Flag(help: "Make the user an administrator.") var admin = false

        func run() async throws {
            try await manage {
                let created = try await data.admin().createUser(username: username, password: password, isAdmin: admin)
                print("created user \(created.record.username) (id \(created.record.id))\(admin ? ", administrator" : "")")
                if password == nil { print("password: \(created.secret)") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var data: ConfigurationOptions

        func run() async throws {
            try await manage {
                for user in try await data.admin().store.users() {
                    let flags = [user.isAdmin ? "admin" : nil, user.isBlocked ? "blocked" : nil].compactMap { $0 }
                    print("\(user.id)\t\(user.username)\t\(flags.joined(separator: ","))")
                }
            }
        }
    }

    struct Block: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Block a user: logins and tokens stop working.")
        @OptionGroup var data: ConfigurationOptions
        @Argument var username: String

        func run() async throws {
            try await manage {
                try await data.admin().setBlocked(username: username, true)
                print("blocked \(username)")
            }
        }
    }

    struct Unblock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unblock a user.")
        @OptionGroup var data: ConfigurationOptions
        @Argument var username: String

        func run() async throws {
            try await manage {
                try await data.admin().setBlocked(username: username, false)
                print("unblocked \(username)")
            }
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's password.")
        @OptionGroup var data: ConfigurationOptions
        @Argument var username: String
        @Argument var password: String

        func run() async throws {
            try await manage {
                try await data.admin().setPassword(username: username, password: password)
                print("password of \(username) changed")
            }
        }
    }
}
