/// Distribution's override rule: `REGISTRY_` + the YAML path upper-cased and joined by `_`
/// sets that key (`REGISTRY_STORAGE_S3_BUCKET` sets `storage.s3.bucket`); keys themselves have
/// no underscores, so the split is unambiguous; a number is a list index.
enum EnvironmentOverlay {
    /// Variables that look like overrides but are Wharf's own switches or Distribution's
    /// configuration path, not keys.
    static let ignored: Set<String> = ["REGISTRY_AUTH", "REGISTRY_CONFIGURATION_PATH"]

    static func apply(_ environment: [String: String], to tree: inout ConfigTree) {
        for name in environment.keys.sorted() where name.hasPrefix("REGISTRY_") && !ignored.contains(name) {
            let path = name.dropFirst("REGISTRY_".count).split(separator: "_").map { $0.lowercased() }
            guard !path.isEmpty, let value = environment[name] else { continue }
            tree.set(value, at: path[...])
        }
    }

    /// The variable that sets `path`, for messages.
    static func variable(for path: [String]) -> String {
        "REGISTRY_" + path.map { $0.uppercased() }.joined(separator: "_")
    }
}
