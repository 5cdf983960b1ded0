import OCI

/// A rename of a base repository path (GitLab's project path) together with every repository
/// below it: `team/app` → `team/web` takes `team/app/cache` to `team/web/cache`. Source and
/// target never overlap, so no repository is renamed onto another one of the same rename.
public struct RepositoryRename: Sendable, Equatable {
    public let source: RepositoryName
    public let target: RepositoryName

    /// Refuses a target that is the source, lies below it or above it.
    public init(source: RepositoryName, target: RepositoryName) throws(RepositoryRenameError) {
        guard !UsagePath.contains(source.value, target), !UsagePath.contains(target.value, source) else {
            throw .overlapping(source: source.value, target: target.value)
        }
        self.source = source
        self.target = target
    }

    /// GitLab's `{"name": ...}`: the last component changes, the parent stays. The name is a
    /// GitLab project name as well as a repository component: `[a-z0-9]+([.-][a-z0-9]+)*`.
    /// A top-level namespace is not renamed (it is a tenant, not a project).
    public static func renaming(_ source: RepositoryName, to name: String) throws(RepositoryRenameError) -> RepositoryRename {
        guard source.components.count > 1 else { throw .topLevel(source.value) }
        guard isProjectName(name) else { throw .invalidName(name) }
        let parent = source.components.dropLast().joined(separator: "/")
        return try RepositoryRename(source: source, target: validName(parent + "/" + name))
    }

    /// GitLab's `{"namespace": ...}`: the path moves below another namespace of the same
    /// top-level namespace, keeping its last component. Nothing moves between top-level
    /// namespaces (tenants, with their own limits).
    public static func moving(_ source: RepositoryName, into namespace: String) throws(RepositoryRenameError) -> RepositoryRename {
        guard source.components.count > 1 else { throw .topLevel(source.value) }
        let parent: RepositoryName
        do { parent = try RepositoryName(namespace) } catch { throw .invalidName(namespace) }
        guard parent.components[0] == source.components[0] else { throw .otherTopLevel(source: source.value, namespace: namespace) }
        return try RepositoryRename(source: source, target: validName(parent.value + "/" + source.components.last!))
    }

    /// `[a-z0-9]+([.-][a-z0-9]+)*`: what GitLab allows as a project path.
    static func isProjectName(_ name: String) -> Bool {
        var previous: UInt8?
        for byte in name.utf8 {
            let alphanumeric = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            if !alphanumeric {
                guard byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-"), let previous, previous != UInt8(ascii: "."), previous != UInt8(ascii: "-") else {
                    return false
                }
            }
            previous = byte
        }
        return previous.map { $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "-") } ?? false
    }

    /// The new name of a repository at or below the source; nil for any other repository.
    /// Throws when the new name is not a valid repository name (too long).
    public func renamed(_ repository: RepositoryName) throws(RepositoryRenameError) -> RepositoryName? {
        guard UsagePath.contains(source.value, repository) else { return nil }
        return try Self.validName(target.value + repository.value.dropFirst(source.value.count))
    }

    /// A path at or below the source, as it is called after the rename (quotas, policies).
    public func renamedPath(_ path: String) -> String? {
        guard path == source.value || path.hasPrefix(source.value + "/") else { return nil }
        return target.value + path.dropFirst(source.value.count)
    }

    /// The same paths the other way round: what a path of the target was called before.
    public static func reverse(_ rename: RepositoryRename) -> RepositoryRename {
        // Valid: the fields were checked not to overlap when `rename` was made.
        try! RepositoryRename(source: rename.target, target: rename.source)
    }

    private static func validName(_ text: String) throws(RepositoryRenameError) -> RepositoryName {
        do { return try RepositoryName(text) } catch { throw .invalidName(text) }
    }
}

/// Why a rename cannot even be asked of a store.
public enum RepositoryRenameError: Error, Sendable, Equatable {
    /// Not a valid repository name (or component of one).
    case invalidName(String)
    /// The target is the source, or one lies below the other.
    case overlapping(source: String, target: String)
    /// Top-level namespaces are neither renamed nor moved.
    case topLevel(String)
    /// A move may not leave its top-level namespace.
    case otherTopLevel(source: String, namespace: String)

    public var message: String {
        switch self {
        case .invalidName(let name): "'\(name.prefix(300))' is not a valid repository name"
        case .overlapping(let source, let target): "\(source) cannot be renamed to \(target): one path contains the other"
        case .topLevel(let path): "\(path) is a top-level namespace, which cannot be renamed or moved"
        case .otherTopLevel(let source, let namespace):
            "\(source) cannot move to \(namespace.prefix(300)): top level namespaces can not be changed"
        }
    }
}
