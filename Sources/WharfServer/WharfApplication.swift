import Config
import Foundation
import HTTPAPI
import Hummingbird
import Logging
import MetadataSQLite
import NIOCore
import Registry
import ServiceLifecycle
import StorageFilesystem

/// Builds the Wharf application from its configuration: filesystem blobs and SQLite metadata
/// under the root directory, the registry API, and the background services.
public enum WharfApplication {
    /// The metadata database's file name under the root directory.
    public static let databaseName = "wharf.sqlite"

    public static func build(
        _ configuration: Configuration, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let root = configuration.storage.rootDirectory
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw WharfStartupError("cannot create the root directory \(root): \(error.localizedDescription)")
        }
        let database = try SQLiteDatabase(path: root + "/" + databaseName)
        let identity: IdentityRuntime? =
            configuration.role == .registry ? nil : try await IdentityRuntime.start(configuration, database: database, logger: logger)
        var registry: (RegistryServices, any RegistryAuthorizer)?
        if configuration.role != .auth {
            let options = RegistryOptions(deleteEnabled: configuration.storage.deleteEnabled)
            let services = RegistryServices(
                driver: FilesystemDriver(root: root, syncOnCommit: configuration.storage.fsync),
                metadata: SQLiteMetadataStore(database: database), options: options, logger: logger
            )
            registry = (services, try AuthorizerFactory.make(configuration, ownIssuer: identity))
        }
        return build(
            registry: registry, tokenEndpoint: identity?.endpoint, adminAPI: identity?.adminAPI,
            address: .hostname(configuration.http.addr.host, port: configuration.http.addr.port), logger: logger,
            onServerRunning: onServerRunning
        )
    }

    /// The application over given services (tests pass in-memory ones).
    public static func build(
        services: RegistryServices, authorizer: any RegistryAuthorizer = OpenAccess(), tokenEndpoint: TokenEndpoint? = nil,
        adminAPI: AdminAPI? = nil, address: BindAddress, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        build(
            registry: (services, authorizer), tokenEndpoint: tokenEndpoint, adminAPI: adminAPI, address: address, logger: logger,
            onServerRunning: onServerRunning
        )
    }

    /// Routes what this process serves: `/v2` when it has a registry, `/jwt/auth` when it issues tokens.
    static func build(
        registry: (RegistryServices, any RegistryAuthorizer)?, tokenEndpoint: TokenEndpoint?, adminAPI: AdminAPI?,
        address: BindAddress, logger: Logger, onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router(context: WharfRequestContext.self)
        var background: [any Service] = []
        if let (services, authorizer) = registry {
            router.add(middleware: RegistryMiddleware(services: services, authorizer: authorizer))
            background.append(UploadPurger(uploads: services.uploads, maxAge: services.options.uploadMaxAge, logger: logger))
        }
        if let tokenEndpoint {
            router.get("/jwt/auth") { request, context in
                try await tokenEndpoint.respond(request, remoteAddress: context.remoteAddress)
            }
        }
        adminAPI?.register(on: router)
        return Application(
            router: router,
            server: .wharfHTTP1(),
            configuration: .init(address: address, serverName: "wharf"),
            services: background,
            onServerRunning: onServerRunning,
            logger: logger
        )
    }
}

/// A start-up failure with a message for the operator.
public struct WharfStartupError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
