import ArgumentParser

/// The `wharf` command.
@main
struct Wharf: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wharf",
        abstract: "A container registry: OCI Distribution and Docker Registry v2 in one binary.",
        subcommands: [Serve.self]
    )
}
