import ArgumentParser
import Config
import Foundation

/// `wharf config check`: what Wharf makes of the configuration, and every problem with its key
/// and a fix. Exits non-zero when the configuration cannot be used.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Inspect the configuration.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the effective configuration and its problems.")

        @Option(help: "A Distribution config.yml (default: REGISTRY_CONFIGURATION_PATH).")
        var config: String?

        func run() async throws {
            do {
                let result = try ConfigurationLoader.load(file: config, environment: ProcessInfo.processInfo.environment)
                print(ConfigurationReport.render(result))
                print(result.warnings.isEmpty ? "ok" : "ok, with \(result.warnings.count) warning(s)")
            } catch {
                print("error: \(error.key) \(error.problem)")
                print("  fix: \(error.fix)")
                throw ExitCode(1)
            }
        }
    }
}
