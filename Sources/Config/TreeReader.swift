import OCI

/// Reads typed values out of a `ConfigTree` and remembers which leaves were read, so every
/// key nothing reads can be named in a warning.
struct TreeReader {
    let tree: ConfigTree
    /// The process environment, for the few settings with a fallback outside `REGISTRY_*`.
    let environment: [String: String]
    private(set) var read: Set<[String]> = []

    init(_ tree: ConfigTree, environment: [String: String] = [:]) {
        self.tree = tree
        self.environment = environment
    }

    /// The key's name in messages: its YAML path and the variable that sets it.
    static func name(_ path: [String]) -> String {
        "\(path.joined(separator: ".")) (\(EnvironmentOverlay.variable(for: path)))"
    }

    func has(_ path: [String]) -> Bool { tree[path] != nil }

    mutating func string(_ path: [String]) throws(ConfigurationError) -> String? {
        guard let node = tree[path] else { return nil }
        markRead(path)
        guard case .scalar(let value) = node else {
            throw ConfigurationError(key: Self.name(path), problem: "is not a single value", fix: "give it as key: value")
        }
        return value
    }

    mutating func bool(_ path: [String]) throws(ConfigurationError) -> Bool? {
        guard let text = try string(path) else { return nil }
        return try YAMLBool.parse(text, key: Self.name(path))
    }

    mutating func list(_ path: [String]) throws(ConfigurationError) -> [String]? {
        guard let node = tree[path] else { return nil }
        markRead(path)
        switch node {
        case .scalar(let text): return try YAMLList.parse(text, key: Self.name(path))
        case .sequence(let items):
            return try items.map { item throws(ConfigurationError) in
                guard case .scalar(let value) = item else {
                    throw ConfigurationError(key: Self.name(path), problem: "holds a non-scalar item", fix: "list plain values")
                }
                return value
            }
        case .mapping:
            throw ConfigurationError(key: Self.name(path), problem: "is a mapping, not a list", fix: "give a list of values")
        }
    }

    /// A Go-style duration (`168h`, `24h`, `30m`, `90s`) in seconds.
    mutating func duration(_ path: [String]) throws(ConfigurationError) -> Double? {
        guard let text = try string(path) else { return nil }
        guard let seconds = GoDuration.seconds(text), seconds > 0 else {
            throw ConfigurationError(key: Self.name(path), problem: "is \"\(text)\", not a duration", fix: "write e.g. 168h, 30m or 90s")
        }
        return seconds
    }

    /// A delay that may be zero: a duration, `0`, or GitLab's `-1` (no delay).
    mutating func delay(_ path: [String]) throws(ConfigurationError) -> Double? {
        guard let text = try string(path) else { return nil }
        if text == "0" || text == "-1" { return 0 }
        guard let seconds = GoDuration.seconds(text), seconds >= 0 else {
            throw ConfigurationError(key: Self.name(path), problem: "is \"\(text)\", not a duration", fix: "write e.g. 24h, 30m or 0s")
        }
        return seconds
    }

    /// A whole number of at least 1.
    mutating func positiveInt(_ path: [String]) throws(ConfigurationError) -> Int? {
        guard let text = try string(path) else { return nil }
        guard let value = Int(text), value >= 1 else {
            throw ConfigurationError(key: Self.name(path), problem: "is \"\(text)\"", fix: "give a whole number of 1 or more")
        }
        return value
    }

    /// A byte count (`10GiB`, `500MB`, `1048576`).
    mutating func bytes(_ path: [String]) throws(ConfigurationError) -> Int64? {
        guard let text = try string(path) else { return nil }
        guard let value = ByteCount.parse(text) else {
            throw ConfigurationError(key: Self.name(path), problem: "is \"\(text)\", not a byte count", fix: "write e.g. 10GiB, 500MiB or 1048576")
        }
        return value
    }

    /// Marks everything under `path` as read: accepted keys that need no handling.
    mutating func accept(_ path: [String]) {
        guard let node = tree[path] else { return }
        for leaf in node.leafPaths { read.insert(path + leaf) }
    }

    private mutating func markRead(_ path: [String]) {
        accept(path)
    }

    /// Leaves nobody read, as YAML paths.
    var unread: [[String]] {
        tree.leafPaths.filter { leaf in !read.contains(leaf) && !(leaf.isEmpty) }
    }
}

/// Go's `time.ParseDuration` for the units configuration files use.
public enum GoDuration {
    public static func seconds(_ text: String) -> Double? {
        var total = 0.0
        var number = ""
        var unit = ""
        func flush() -> Bool {
            guard let value = Double(number) else { return false }
            let scale: Double
            switch unit {
            case "h": scale = 3600
            case "m": scale = 60
            case "s": scale = 1
            case "ms": scale = 0.001
            default: return false
            }
            total += value * scale
            number = ""
            unit = ""
            return true
        }
        for character in text {
            if character.isNumber || character == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(character)
            } else {
                unit.append(character)
            }
        }
        guard !number.isEmpty, flush() else { return nil }
        return total
    }
}
