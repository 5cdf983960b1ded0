import OCI

/// A path a limit may be set on: a top-level namespace (`team`) or a project (`team/app`,
/// `group/sub/app`), spelled as repository names are.
public struct QuotaPath: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init(namespace: String) throws(RegistryError) {
        let name = try RepositoryName(namespace)
        guard name.components.count == 1 else {
            throw RegistryError(.nameInvalid, detail: "\(namespace) is not a top-level namespace: give its first path component")
        }
        value = name.value
    }

    public init(project: String) throws(RegistryError) {
        let name = try RepositoryName(project)
        guard name.components.count > 1 else {
            throw RegistryError(.nameInvalid, detail: "\(project) is a top-level namespace, not a project: use the namespace's limit")
        }
        value = name.value
    }

    /// Either kind, told apart by its components.
    public init(_ path: String) throws(RegistryError) {
        let name = try RepositoryName(path)
        value = name.value
    }

    public var isNamespace: Bool { !value.contains("/") }
    public var description: String { (isNamespace ? "namespace " : "project ") + value }
}
