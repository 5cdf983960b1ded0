import Config
import Foundation
import HTTPAPI
import Identity
import Hummingbird
import HummingbirdCore
import Logging
import Metadata
import MetadataSQLite
import NIOCore
import Registry
import ServiceLifecycle
import StorageDriver
import StorageFilesystem

/// Builds Wharf from its configuration: filesystem blobs and SQLite metadata under the root
/// directory, the registry API and/or the token issuer per process role, the debug listener,
/// and the background services, as one list of services to run in a group.
public enum WharfApplication {
    /// Everything a `wharf serve` process runs; the first service is stopped last.
    public static func services(
        _ configuration: Configuration, logger: Logger, metrics: WharfMetrics? = nil
    ) async throws -> [any Service] {
        let data = DataDirectory(configuration.storage.rootDirectory)
        let root = data.path
        do {
            try SecretFile.makePrivateDirectory(root)
        } catch {
            throw WharfStartupError("cannot create the root directory \(root): \(error.localizedDescription)")
        }
        if let mode = (try? FileManager.default.attributesOfItem(atPath: root)[.posixPermissions]) as? Int, mode & 0o077 != 0 {
            logger.warning(
                "the data directory is readable by other users: blobs of private projects are exposed on this host; run chmod 700 on it",
                metadata: ["directory": "\(root)", "mode": "\(String(mode, radix: 8))"]
            )
        }
        let lock: DataDirectoryLock?
        do {
            lock = try DataDirectoryLock.acquire(.shared, in: root)
        } catch {
            throw WharfStartupError("\(error)")
        }
        guard let lock else {
            throw WharfStartupError("\(root) is being restored (`wharf backup restore` holds \(DataDirectoryLock.fileName)): start the server when it has finished")
        }
        let database = try await SQLiteDatabase.open(path: data.database)
        // An open registry (REGISTRY_AUTH=none) issues no tokens, so it needs no key and no root.
        let issuesTokens = configuration.role == .auth || (configuration.role == .all && configuration.auth != .disabled)
        let identity: IdentityRuntime? = issuesTokens ? try await IdentityRuntime.start(configuration, data: data, database: database, logger: logger) : nil
        var registry: RegistryMiddleware?
        let origin = PublicOrigin(
            configuredBase: configuration.http.host, relativeURLs: configuration.http.relativeURLs,
            trustedProxies: Set(configuration.http.trustedProxies), tls: configuration.http.tls != nil
        )
        let driver = try await StorageFactory.driver(configuration)
        let metadata = SQLiteMetadataStore(database: database)
        if configuration.role != .auth {
            registry = RegistryMiddleware(
                services: RegistryServices(
                    driver: driver, metadata: metadata, options: registryOptions(configuration), logger: logger,
                    protectedTags: Self.protectedTags(database)
                ),
                authorizer: try AuthorizerFactory.make(configuration, ownIssuer: identity),
                origin: origin,
                readOnly: configuration.storage.readOnly, version: WharfVersion.current
            )
        }
        let collection = collectionWorkers(configuration, driver: driver, metadata: metadata, logger: logger)
        let collector = collects(configuration) ? Self.collector(configuration, driver: driver, metadata: metadata, logger: logger) : nil
        let listener = try ServerChannels.make(configuration.http.tls, limits: configuration.http.limits, logger: logger)
        let health = healthChecks(driver: driver, metadata: metadata)
        var services: [any Service] = [DatabaseCloser(database: database, lock: lock, logger: logger)]
        services += listener.services
        if let redirect = configuration.http.redirectAddr {
            services.append(Application(
                responder: HTTPSRedirect(httpsPort: configuration.http.addr.port, configuredBase: configuration.http.host),
                // Hummingbird's idle timeout counts from the last complete request part, so it
                // also ends heads trickled in slowly: enough for a listener that only redirects.
                server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.http.limits.header)))),
                configuration: .init(address: .hostname(redirect.host, port: redirect.port), serverName: "wharf-redirect"),
                logger: logger
            ))
        }
        services += collection
        if let registry, !configuration.storage.readOnly, !configuration.storage.cleanup.disabled {
            services.append(CleanupScheduler(
                cleanup: registry.services.cleanup, metadata: metadata, interval: .seconds(configuration.storage.cleanup.interval),
                maxRuntime: .seconds(configuration.storage.cleanup.maxRuntime), logger: logger
            ))
        }
        if let debug = configuration.http.debugAddr {
            services.append(debugApplication(
                address: debug, health: health, metrics: metrics, metadata: metadata, collection: collector?.settings, logger: logger
            ))
        }
        services.append(application(
            Parts(
                registry: registry, tokenEndpoint: identity?.endpoint, adminAPI: identity?.adminAPI, health: health,
                accessLog: configuration.log.accessLog, origin: origin
            ),
            server: listener.builder, address: .hostname(configuration.http.addr.host, port: configuration.http.addr.port),
            logger: logger,
            onServerRunning: { [createdRoot = identity?.createdRoot == true, host = configuration.http.host] channel in
                guard createdRoot else { return }
                logger.notice("\(InitialRootUser.loginLine(publicBase: host, port: channel.localAddress?.port ?? 0))")
            }
        ))
        return services
    }

    /// The application over given services (tests pass in-memory ones); plain HTTP/1 with
    /// Wharf's channel handlers unless another `server` is given.
    public static func build(
        services: RegistryServices, authorizer: any RegistryAuthorizer = OpenAccess(), origin: PublicOrigin = PublicOrigin(),
        readOnly: Bool = false, tokenEndpoint: TokenEndpoint? = nil, adminAPI: AdminAPI? = nil, health: HealthEndpoint? = nil,
        policy: ConnectionPolicy = ConnectionPolicy(), server: HTTPServerBuilder? = nil, address: BindAddress, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        application(
            Parts(
                registry: RegistryMiddleware(
                    services: services, authorizer: authorizer, origin: origin, readOnly: readOnly, version: WharfVersion.current
                ),
                tokenEndpoint: tokenEndpoint, adminAPI: adminAPI, health: health, accessLog: false, origin: origin
            ),
            server: server ?? .wharfHTTP1(policy: policy), address: address, logger: logger, onServerRunning: onServerRunning
        )
    }

    /// What the main listener serves.
    struct Parts {
        var registry: RegistryMiddleware?
        var tokenEndpoint: TokenEndpoint?
        var adminAPI: AdminAPI?
        var health: HealthEndpoint?
        var accessLog: Bool
        /// Public URLs and the real client's address behind trusted proxies.
        var origin: PublicOrigin
    }

    /// Routes `/v2` when the process has a registry, `/jwt/auth` and `/api/v4` when it issues tokens.
    static func application(
        _ parts: Parts, server: HTTPServerBuilder, address: BindAddress, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: WharfRequestContext.self)
        router.add(middleware: AccessLogMiddleware(logger: logger, enabled: parts.accessLog, origin: parts.origin))
        router.add(middleware: MetricsMiddleware())
        var background: [any Service] = []
        if let registry = parts.registry {
            router.add(middleware: registry)
            let options = registry.services.options
            if let interval = options.uploadPurgeInterval {
                background.append(UploadPurger(
                    uploads: registry.services.uploads, maxAge: options.uploadMaxAge, interval: .seconds(interval),
                    dryRun: options.uploadPurgeDryRun, logger: logger
                ))
            }
        }
        if let tokenEndpoint = parts.tokenEndpoint {
            let origin = parts.origin
            router.get("/jwt/auth") { request, context in
                try await tokenEndpoint.respond(request, clientAddress: origin.clientAddress(for: request.head, peer: context.remoteAddress))
            }
        }
        parts.adminAPI?.register(on: router, registry: parts.registry?.services)
        parts.health?.register(on: router)
        return Application(
            router: router, server: server, configuration: .init(address: address, serverName: "wharf"),
            services: background, onServerRunning: onServerRunning, logger: logger
        )
    }

    /// `http.debug.addr`: health and Prometheus metrics, away from the public listener.
    static func debugApplication(
        address: ListenAddress, health: HealthEndpoint, metrics: WharfMetrics?, metadata: any MetadataStore,
        collection: CollectionSettings?, logger: Logger
    ) -> some Service {
        let router = Router(context: WharfRequestContext.self)
        health.register(on: router)
        metrics?.register(on: router, metadata: metadata, collection: collection)
        return Application(
            router: router, configuration: .init(address: .hostname(address.host, port: address.port), serverName: "wharf-debug"),
            logger: logger
        )
    }

    /// Storage must take a write and the metadata store a read.
    static func healthChecks(driver: any StorageDriver, metadata: any MetadataStore) -> HealthEndpoint {
        HealthEndpoint(checks: [
            ("storagedriver_\(driver.name)", {
                try await driver.putContent("/wharf/health", ByteBuffer(string: "ok"))
                _ = try await driver.getContent("/wharf/health")
            }),
            ("metadata_sqlite", { _ = try await metadata.repositories(after: nil, limit: 1) }),
        ])
    }

    static func registryOptions(_ configuration: Configuration) -> RegistryOptions {
        let storage = configuration.storage
        return RegistryOptions(
            deleteEnabled: storage.deleteEnabled, uploadMaxAge: storage.uploadPurging.age,
            uploadPurgeInterval: storage.uploadPurging.enabled ? storage.uploadPurging.interval : nil,
            uploadPurgeDryRun: storage.uploadPurging.dryRun,
            uploadLimit: UploadLimit(perRepository: storage.uploadLimits.perRepository, perOwner: storage.uploadLimits.perPrincipal),
            // Also when this process runs no workers: `wharf gc run` may collect beside it.
            collectionTiming: storage.readOnly ? nil : (configuration.gc.reviewAfter, configuration.gc.uploadGrace),
            quotaDefaults: QuotaDefaults(namespaceLimit: storage.quotaDefault)
        )
    }

    /// Where cleanup finds the tag rules of a repository's project: the identity store in the same database
    /// (whether or not this process issues tokens, the rules are there when Wharf's identity is).
    public static func protectedTags(_ database: SQLiteDatabase) -> @Sendable (String) async throws -> [String] {
        let store = SQLiteIdentityStore(database: database)
        return { repository in try await store.tagPatterns(repository: repository) }
    }

    /// Whether this process collects garbage: a registry process, not read-only, `gc` on.
    static func collects(_ configuration: Configuration) -> Bool {
        configuration.role != .auth && !configuration.storage.readOnly && !configuration.gc.disabled
            && !(configuration.gc.blobs.disabled && configuration.gc.manifests.disabled)
    }

    /// The collector the configuration describes (also `wharf gc run`'s).
    public static func collector(_ configuration: Configuration, driver: any StorageDriver, metadata: any MetadataStore, logger: Logger) -> GarbageCollector {
        let gc = configuration.gc
        return GarbageCollector(
            driver: driver, metadata: metadata,
            settings: CollectionSettings(
                reviewDelay: gc.reviewAfter, manifestsEnabled: !gc.manifests.disabled, blobsEnabled: !gc.blobs.disabled,
                storageTimeout: gc.storageTimeout, maxBackoff: gc.maxBackoff, uploadGrace: gc.uploadGrace
            ),
            // Backups copy blobs only from the filesystem driver's data directory.
            gate: !configuration.storage.usesObjectStorage ? BackupCollectionGate(directory: configuration.storage.rootDirectory) : nil,
            logger: logger
        )
    }

    /// The blob and manifest workers, when this process collects.
    static func collectionWorkers(_ configuration: Configuration, driver: any StorageDriver, metadata: any MetadataStore, logger: Logger) -> [any Service] {
        guard collects(configuration) else { return [] }
        let gc = configuration.gc
        let collector = collector(configuration, driver: driver, metadata: metadata, logger: logger)
        var workers: [any Service] = []
        if !gc.blobs.disabled {
            workers.append(CollectionWorker(
                kind: .blobs, collector: collector, interval: gc.blobs.interval, maxBackoff: gc.maxBackoff, noIdleBackoff: gc.noIdleBackoff,
                logger: logger
            ))
        }
        if !gc.manifests.disabled {
            workers.append(CollectionWorker(
                kind: .manifests, collector: collector, interval: gc.manifests.interval, maxBackoff: gc.maxBackoff,
                noIdleBackoff: gc.noIdleBackoff, logger: logger
            ))
        }
        return workers
    }
}
