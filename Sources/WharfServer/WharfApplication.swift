import Config
import Foundation
import HTTPAPI
import Hummingbird
import Logging
import MetadataSQLite
import NIOCore
import Registry
import StorageFilesystem

/// Builds the Wharf application from its configuration: filesystem blobs and SQLite metadata
/// under the root directory, the registry API, and the background services.
public enum WharfApplication {
    /// The metadata database's file name under the root directory.
    public static let databaseName = "wharf.sqlite"

    public static func build(
        _ configuration: Configuration, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let root = configuration.storage.rootDirectory
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw WharfStartupError("cannot create the root directory \(root): \(error.localizedDescription)")
        }
        let metadata = try SQLiteMetadataStore(path: root + "/" + databaseName)
        let options = RegistryOptions(deleteEnabled: configuration.storage.deleteEnabled)
        let services = RegistryServices(
            driver: FilesystemDriver(root: root, syncOnCommit: configuration.storage.fsync), metadata: metadata, options: options, logger: logger
        )
        return build(
            services: services, authorizer: try AuthorizerFactory.make(configuration.auth),
            address: .hostname(configuration.http.addr.host, port: configuration.http.addr.port),
            logger: logger, onServerRunning: onServerRunning
        )
    }

    /// The application over given services (tests pass in-memory ones).
    public static func build(
        services: RegistryServices, authorizer: any RegistryAuthorizer = OpenAccess(), address: BindAddress,
        logger: Logger, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: WharfRequestContext.self)
        router.add(middleware: RegistryMiddleware(services: services, authorizer: authorizer))
        return Application(
            router: router,
            server: .wharfHTTP1(),
            configuration: .init(address: address, serverName: "wharf"),
            services: [UploadPurger(uploads: services.uploads, maxAge: services.options.uploadMaxAge, logger: logger)],
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
