import ArgumentParser
import Config
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals
import WharfServer

/// `wharf serve`: runs the registry until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the registry.")

    @Argument(help: "A Distribution config.yml, as `registry serve CONFIG` takes it (or --config, or REGISTRY_CONFIGURATION_PATH).")
    var configFile: String?

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "Listen address, host:port (default :5000; env REGISTRY_HTTP_ADDR).")
    var addr: String?

    @Flag(inversion: .prefixedEnableDisable, help: "Allow DELETE of manifests, tags and blobs (env REGISTRY_STORAGE_DELETE_ENABLED).")
    var delete: Bool?

    @Flag(inversion: .prefixedNo, help: "Sync blobs to disk before acknowledging a push (env REGISTRY_STORAGE_FILESYSTEM_FSYNC).")
    var fsync: Bool?

    @Option(help: "What this process serves: all (registry and /jwt/auth), auth (only /jwt/auth), registry (only the registry).")
    var role: String?

    @Option(help: "Log level: error, warn, info, debug (env REGISTRY_LOG_LEVEL).")
    var logLevel: String?

    func run() async throws {
        var configuration: Configuration
        var warnings: [String] = []
        do throws(ConfigurationError) {
            let loaded = try options.load(file: configFile)
            configuration = loaded.configuration
            warnings = loaded.warnings
            if let addr { configuration.http.addr = try ListenAddress(parsing: addr, key: "--addr") }
            if let delete { configuration.storage.deleteEnabled = delete }
            if let fsync { configuration.storage.fsync = fsync }
            if let role {
                guard let parsed = ProcessRole(rawValue: role) else {
                    throw ConfigurationError(key: "--role", problem: "is \(role)", fix: "use all, auth or registry")
                }
                configuration.role = parsed
            }
            if let logLevel { configuration.log.level = try LogLevel(parsing: logLevel, key: "--log-level") }
        } catch {
            // The command line was fine; the configuration was not: the key, the problem and
            // the fix, without a usage text.
            throw CommandFailure(description: "configuration: \(error.key) \(error.problem)\n  fix: \(error.fix)")
        }
        let level = configuration.log.level.loggerLevel
        let json = configuration.log.json
        LoggingSystem.bootstrap { label in
            if json { return JSONLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let metrics = WharfMetrics()
        metrics.bootstrap()
        let logger = Logger(label: "wharf")
        for warning in warnings { logger.warning("configuration: \(warning)") }
        if configuration.auth == .disabled, configuration.role != .auth {
            logger.warning("AUTHENTICATION IS OFF (REGISTRY_AUTH=none): anyone who can reach this port can push, pull and delete")
        }
        if let limits = FileDescriptorLimit.raiseToHardLimit(), limits.after > limits.before {
            logger.info("raised the open-file limit", metadata: ["from": "\(limits.before)", "to": "\(limits.after)"])
        }
        let services = try await WharfApplication.services(configuration, logger: logger, metrics: metrics)
        logger.info(
            "wharf serving",
            metadata: [
                "addr": "\(configuration.http.addr)", "root": "\(configuration.storage.rootDirectory)",
                "delete": "\(configuration.storage.deleteEnabled)", "fsync": "\(configuration.storage.fsync)",
                "role": "\(configuration.role.rawValue)",
                "blobs": "\(StorageFactory.objectStorage(configuration) ?? "data directory")",
            ]
        )
        // SIGTERM or SIGINT: stop accepting, let requests in flight finish for up to 30 s, then
        // cancel what remains; the database closes last.
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(30)
        group.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: group).run()
    }
}
