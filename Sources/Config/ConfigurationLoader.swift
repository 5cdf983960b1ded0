import Foundation

/// Builds a `Configuration` from a YAML file and the environment, and names every key it
/// could not use: unknown or not yet implemented keys are warnings, contradictions errors.
public enum ConfigurationLoader {
    /// Where registry:2 keeps its file. Like Distribution, Wharf reads it only when it is named
    /// (`wharf serve /etc/docker/registry/config.yml`, `--config`, `REGISTRY_CONFIGURATION_PATH`):
    /// Debian's docker-registry package installs one there (htpasswd auth,
    /// /var/lib/docker-registry), and a development `wharf serve` must not adopt it unasked.
    public static let registryImageFile = "/etc/docker/registry/config.yml"

    public struct Result: Sendable {
        public var configuration: Configuration
        /// One line per key Wharf does not use, naming it.
        public var warnings: [String]
        /// Where the YAML came from, if anywhere.
        public var source: String?
    }

    /// Reads `file` (or `REGISTRY_CONFIGURATION_PATH`) and the environment.
    public static func load(file: String?, environment: [String: String]) throws(ConfigurationError) -> Result {
        let path = file ?? environment["REGISTRY_CONFIGURATION_PATH"].flatMap { $0.isEmpty ? nil : $0 }
        guard let path else { return try load(yaml: nil, source: "", environment: environment) }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(key: path, problem: "cannot be read (\(error.localizedDescription))", fix: "check the path and permissions")
        }
        var result = try load(yaml: text, source: path, environment: environment)
        result.source = path
        return result
    }

    public static func load(yaml: String?, source: String, environment: [String: String]) throws(ConfigurationError) -> Result {
        var tree = try yaml.map { text throws(ConfigurationError) in try ConfigTree(yaml: text, source: source) } ?? .empty
        EnvironmentOverlay.apply(environment, to: &tree)
        var reader = TreeReader(tree, environment: environment)
        var configuration = Configuration()
        var warnings: [String] = []
        try ConfigurationSections.read(&reader, into: &configuration, warnings: &warnings)
        try SeedVariables.apply(environment, to: &configuration)
        if let value = environment["REGISTRY_AUTH"] {
            switch value.lowercased() {
            case "none", "": configuration.auth = .disabled
            case "token": break
            default: throw ConfigurationError(key: "REGISTRY_AUTH", problem: "is \"\(value)\"", fix: "use none or token")
            }
        }
        for path in reader.unread {
            warnings.append("\(TreeReader.name(path)) is not implemented by Wharf yet and is ignored")
        }
        return Result(configuration: configuration, warnings: warnings, source: nil)
    }
}
