/// A scope of the Docker token spec: `type[(class)]:name:action[,action]`, as in
/// `repository:group/app:pull,push` and `registry:catalog:*`.
public struct ResourceScope: Sendable, Hashable, CustomStringConvertible {
    public var type: String
    public var name: String
    public var actions: [String]

    public init(type: String, name: String, actions: [String]) {
        self.type = type
        self.name = name
        self.actions = actions
    }

    /// Parses one scope. The name may contain `:` (a registry host with a port), so the type
    /// ends at the first colon and the actions start after the last one.
    public init?(parsing text: Substring) {
        guard let first = text.firstIndex(of: ":"), let last = text.lastIndex(of: ":"), first < last else { return nil }
        var type = String(text[..<first])
        if let paren = type.firstIndex(of: "(") {
            guard type.hasSuffix(")") else { return nil }
            type = String(type[..<paren])
        }
        let name = String(text[text.index(after: first)..<last])
        let actions = text[text.index(after: last)...].split(separator: ",").map(String.init)
        guard !type.isEmpty, !name.isEmpty else { return nil }
        self.init(type: type, name: name, actions: actions)
    }

    /// Every scope in `scope` parameters: repeated, and each possibly space-separated. Scopes
    /// of one resource are merged into one, and actions named twice are kept once, in order.
    public static func parseAll(_ parameters: [String]) -> [ResourceScope] {
        var merged: [ResourceScope] = []
        var index: [String: Int] = [:]
        for scope in parameters.flatMap({ $0.split(separator: " ") }).compactMap({ ResourceScope(parsing: $0) }) {
            let key = scope.type + "\u{0}" + scope.name
            if let position = index[key] {
                merged[position].actions += scope.actions
            } else {
                index[key] = merged.count
                merged.append(scope)
            }
        }
        for position in merged.indices {
            var seen = Set<String>()
            merged[position].actions = merged[position].actions.filter { seen.insert($0).inserted }
        }
        return merged
    }

    public var description: String { "\(type):\(name):\(actions.joined(separator: ","))" }
}
