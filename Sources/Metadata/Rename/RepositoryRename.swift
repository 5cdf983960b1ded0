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

    /// GitLab's `{"name": ...}`: the last component changes, the parent stays.
    public static func renaming(_ source: RepositoryName, to name: String) throws(RepositoryRenameError) -> RepositoryRename {
        guard RepositoryName.isValidComponent(name) else { throw .invalidName(name) }
        let parent = source.components.dropLast().joined(separator: "/")
        return try RepositoryRename(source: source, target: validName(parent.isEmpty ? name : parent + "/" + name))
    }

    /// GitLab's `{"namespace": ...}`: the path moves below another namespace, keeping its last
    /// component. A top-level namespace cannot move.
    public static func moving(_ source: RepositoryName, into namespace: String) throws(RepositoryRenameError) -> RepositoryRename {
        guard source.components.count > 1 else { throw .topLevel(source.value) }
        let parent: RepositoryName
        do { parent = try RepositoryName(namespace) } catch { throw .invalidName(namespace) }
        return try RepositoryRename(source: source, target: validName(parent.value + "/" + source.components.last!))
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
    /// Top-level namespaces cannot be moved.
    case topLevel(String)

    public var message: String {
        switch self {
        case .invalidName(let name): "'\(name.prefix(300))' is not a valid repository name"
        case .overlapping(let source, let target): "\(source) cannot be renamed to \(target): one path contains the other"
        case .topLevel(let path): "\(path) is a top-level namespace, which cannot be moved"
        }
    }
}
