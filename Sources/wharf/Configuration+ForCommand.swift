import ArgumentParser
import Config
import Foundation

extension Configuration {
    /// The configuration a maintenance command works with: the file (or REGISTRY_CONFIGURATION_PATH)
    /// and the environment, read as `wharf serve` reads them; a problem is a usage error.
    static func forCommand(file: String?) throws -> Configuration {
        do {
            return try ConfigurationLoader.load(file: file, environment: ProcessInfo.processInfo.environment).configuration
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
