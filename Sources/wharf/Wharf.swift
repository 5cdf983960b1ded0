import ArgumentParser
import WharfServer

/// The `wharf` command.
@main
struct Wharf: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wharf",
        abstract: "A container registry: OCI Distribution and Docker Registry v2 in one binary.",
        version: WharfVersion.current,
        subcommands: [
            Serve.self, KeysCommand.self, UserCommand.self, GroupCommand.self, ProjectCommand.self, MemberCommand.self,
            TokenCommand.self, DeployTokenCommand.self, ConfigCommand.self, ImportCommand.self, BackupCommand.self, GCCommand.self,
            QuotaCommand.self, UsageCommand.self, CleanupPolicyCommand.self, TagProtectionCommand.self,
        ]
    )
}
