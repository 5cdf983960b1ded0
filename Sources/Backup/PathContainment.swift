import Foundation

/// Whether one path lies inside another, after `.`/`..` and symbolic links are resolved: a
/// backups directory or an archive inside the data directory would be swept away by a restore.
enum PathContainment {
    static func isInside(_ path: String, _ directory: String) -> Bool {
        let inner = canonical(path)
        let outer = canonical(directory)
        return inner == outer || inner.hasPrefix(outer.hasSuffix("/") ? outer : outer + "/")
    }

    /// The resolved path, resolving the longest existing prefix (the rest may not exist yet).
    static func canonical(_ path: String) -> String {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var missing: [String] = []
        while !FileManager.default.fileExists(atPath: url.path), url.path != "/" {
            missing.insert(url.lastPathComponent, at: 0)
            url.deleteLastPathComponent()
        }
        var resolved = url.resolvingSymlinksInPath()
        for component in missing { resolved.appendPathComponent(component) }
        return resolved.path
    }
}
