import Foundation

/// A Wharf data directory and the files in it, named in this one place: the metadata database,
/// the token signing key and certificate, the first start's password file (and, in `Backup`,
/// the blob files of the filesystem driver at their `RegistryLayout` paths). The path is absolute: a
/// relative one would mean another directory to every process started elsewhere (and
/// `sendfile(2)` directives name absolute files).
public struct DataDirectory: Sendable, Equatable, CustomStringConvertible {
    public static let databaseName = "wharf.sqlite"
    public static let initialRootPasswordName = "initial_root_password"

    public let path: String

    /// `path` made absolute against the working directory, and standardized.
    public init(_ path: String) {
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
    }

    public var database: String { path + "/" + Self.databaseName }
    public var keys: String { path + "/keys" }
    /// The signing key when `GITLAB_REGISTRY_KEY_PATH` names none.
    public var defaultSigningKey: String { keys + "/registry.key" }
    public var initialRootPassword: String { path + "/" + Self.initialRootPasswordName }
    public var description: String { path }
}
