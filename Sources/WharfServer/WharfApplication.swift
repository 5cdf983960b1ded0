import Config
import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdCore
import Logging
import MetadataSQLite
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
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
        // An open registry (REGISTRY_AUTH=none) issues no tokens, so it needs no key and no root.
        let issuesTokens = configuration.role == .auth || (configuration.role == .all && configuration.auth != .disabled)
        let identity: IdentityRuntime? = issuesTokens ? try await IdentityRuntime.start(configuration, database: database, logger: logger) : nil
        var registry: RegistryMiddleware?
        if configuration.role != .auth {
            let storage = configuration.storage
            let options = RegistryOptions(
                deleteEnabled: storage.deleteEnabled, uploadMaxAge: storage.uploadPurging.age,
                uploadPurgeInterval: storage.uploadPurging.enabled ? storage.uploadPurging.interval : nil,
                uploadPurgeDryRun: storage.uploadPurging.dryRun
            )
            let services = RegistryServices(
                driver: FilesystemDriver(root: root, syncOnCommit: storage.fsync),
                metadata: SQLiteMetadataStore(database: database), options: options, logger: logger
            )
            let origin = PublicOrigin(
                configuredBase: configuration.http.host, relativeURLs: configuration.http.relativeURLs,
                trustedProxies: Set(configuration.http.trustedProxies), tls: configuration.http.tls != nil
            )
            registry = RegistryMiddleware(
                services: services, authorizer: try AuthorizerFactory.make(configuration, ownIssuer: identity), origin: origin,
                readOnly: storage.readOnly
            )
        }
        var server = HTTPServerBuilder.wharfHTTP1()
        var extraServices: [any Service] = []
        if let files = configuration.http.tls {
            let tls: TLSConfiguration
            do {
                tls = try TLSSettings.configuration(certificatePath: files.certificate, keyPath: files.key)
            } catch let failure as TLSSettings.Failure {
                throw WharfStartupError(failure.description)
            }
            let channel = NIOLockedValueBox<TLSServerChannel?>(nil)
            server = HTTPServerBuilder { responder in
                let made = try TLSServerChannel(tlsConfiguration: tls, responder: responder)
                channel.withLockedValue { $0 = made }
                return made
            }
            extraServices.append(CertificateReloader(files: files, channel: channel, logger: logger))
        }
        return build(
            registry: registry, tokenEndpoint: identity?.endpoint, adminAPI: identity?.adminAPI, server: server,
            extraServices: extraServices, address: .hostname(configuration.http.addr.host, port: configuration.http.addr.port),
            logger: logger, onServerRunning: onServerRunning
        )
    }

    /// The application over given services (tests pass in-memory ones).
    public static func build(
        services: RegistryServices, authorizer: any RegistryAuthorizer = OpenAccess(), origin: PublicOrigin = PublicOrigin(),
        readOnly: Bool = false, tokenEndpoint: TokenEndpoint? = nil, adminAPI: AdminAPI? = nil, address: BindAddress,
        logger: Logger, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        build(
            registry: RegistryMiddleware(services: services, authorizer: authorizer, origin: origin, readOnly: readOnly),
            tokenEndpoint: tokenEndpoint, adminAPI: adminAPI, server: .wharfHTTP1(), extraServices: [], address: address,
            logger: logger, onServerRunning: onServerRunning
        )
    }

    /// Routes what this process serves: `/v2` when it has a registry, `/jwt/auth` when it issues tokens.
    static func build(
        registry: RegistryMiddleware?, tokenEndpoint: TokenEndpoint?, adminAPI: AdminAPI?, server: HTTPServerBuilder,
        extraServices: [any Service], address: BindAddress, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router(context: WharfRequestContext.self)
        var background: [any Service] = extraServices
        if let registry {
            router.add(middleware: registry)
            let options = registry.services.options
            if let interval = options.uploadPurgeInterval {
                background.append(UploadPurger(
                    uploads: registry.services.uploads, maxAge: options.uploadMaxAge, interval: .seconds(interval),
                    dryRun: options.uploadPurgeDryRun, logger: logger
                ))
            }
        }
        if let tokenEndpoint {
            router.get("/jwt/auth") { request, context in
                try await tokenEndpoint.respond(request, remoteAddress: context.remoteAddress)
            }
        }
        adminAPI?.register(on: router)
        return Application(
            router: router,
            server: server,
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
