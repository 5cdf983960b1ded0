import OCI

/// The paths whose usage a repository counts toward: every leading run of its components
/// (`team`, `team/app`, `team/app/web` for `team/app/web`). Usage of a path is that of the
/// repositories at or below it, so one count serves a top-level namespace, a group, a project
/// and GitLab's `size=self_with_descendants` alike, without knowing which path is which.
public enum UsagePath {
    public static func paths(of repository: RepositoryName) -> [String] {
        var paths: [String] = []
        var path = ""
        for component in repository.components {
            path = path.isEmpty ? String(component) : path + "/" + component
            paths.append(path)
        }
        return paths
    }

    /// A top-level namespace is a path of one component: `quotas.default` applies to it.
    public static func isTopLevel(_ path: String) -> Bool { !path.contains("/") }

    /// Whether `repository` counts toward `path`.
    public static func contains(_ path: String, _ repository: RepositoryName) -> Bool {
        repository.value == path || repository.value.hasPrefix(path + "/")
    }
}
