import Yams

/// Distribution's configuration as a tree of scalars, mappings and lists: what `config.yml`
/// says, with `REGISTRY_*` variables laid over it, before it becomes a typed `Configuration`.
public indirect enum ConfigTree: Sendable, Equatable {
    case scalar(String)
    case mapping([String: ConfigTree])
    case sequence([ConfigTree])

    public static let empty = ConfigTree.mapping([:])

    /// Parses YAML; an empty document is an empty mapping.
    public init(yaml: String, source: String) throws(ConfigurationError) {
        let node: Node?
        do {
            node = try compose(yaml: yaml)
        } catch {
            throw ConfigurationError(key: source, problem: "is not valid YAML (\(error))", fix: "fix the file's syntax")
        }
        guard let node else {
            self = .empty
            return
        }
        self = try Self(node: node, path: source)
        guard case .mapping = self else {
            throw ConfigurationError(key: source, problem: "is not a YAML mapping", fix: "start with keys such as version, storage, http")
        }
    }

    private init(node: Node, path: String) throws(ConfigurationError) {
        switch node {
        case .scalar(let scalar):
            self = .scalar(scalar.string)
        case .sequence(let sequence):
            var items: [ConfigTree] = []
            for (index, item) in sequence.enumerated() { items.append(try Self(node: item, path: "\(path)[\(index)]")) }
            self = .sequence(items)
        case .mapping(let mapping):
            var entries: [String: ConfigTree] = [:]
            for (key, value) in mapping {
                guard let name = key.string else {
                    throw ConfigurationError(key: path, problem: "has a key that is not a string", fix: "use plain keys")
                }
                entries[name] = try Self(node: value, path: path + "." + name)
            }
            self = .mapping(entries)
        case .alias:
            throw ConfigurationError(key: path, problem: "uses a YAML alias", fix: "write the value out")
        }
    }

    /// The node at `path`, if any.
    public subscript(path: [String]) -> ConfigTree? {
        var node = self
        for component in path {
            switch node {
            case .mapping(let entries):
                guard let next = entries[component] else { return nil }
                node = next
            case .sequence(let items):
                guard let index = Int(component), items.indices.contains(index) else { return nil }
                node = items[index]
            case .scalar:
                return nil
            }
        }
        return node
    }

    /// Sets a scalar at `path`, creating mappings (and list slots for numeric components) on the way.
    public mutating func set(_ value: String, at path: ArraySlice<String>) {
        guard let head = path.first else {
            self = .scalar(value)
            return
        }
        let rest = path.dropFirst()
        if let index = Int(head), case .sequence(var items) = self {
            while items.count <= index { items.append(.empty) }
            items[index].set(value, at: rest)
            self = .sequence(items)
            return
        }
        if Int(head) != nil, case .mapping(let entries) = self, entries.isEmpty {
            var items: [ConfigTree] = []
            items.set(value, index: Int(head)!, rest: rest)
            self = .sequence(items)
            return
        }
        var entries: [String: ConfigTree] = [:]
        if case .mapping(let existing) = self { entries = existing }
        var child = entries[head] ?? .empty
        child.set(value, at: rest)
        entries[head] = child
        self = .mapping(entries)
    }

    /// Every path to a scalar, for reporting keys nothing reads.
    public var leafPaths: [[String]] {
        switch self {
        case .scalar: return [[]]
        case .mapping(let entries):
            return entries.keys.sorted().flatMap { key in entries[key]!.leafPaths.map { [key] + $0 } }
        case .sequence(let items):
            return items.indices.flatMap { index in items[index].leafPaths.map { [String(index)] + $0 } }
        }
    }
}

extension [ConfigTree] {
    fileprivate mutating func set(_ value: String, index: Int, rest: ArraySlice<String>) {
        while count <= index { append(.empty) }
        self[index].set(value, at: rest)
    }
}
