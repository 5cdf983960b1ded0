/// One action on one resource that a request needs, e.g. push on `repository:group/app`.
public struct ResourceAccess: Sendable, Hashable, CustomStringConvertible {
    public var type: String
    public var name: String
    public var action: String

    public init(type: String, name: String, action: String) {
        self.type = type
        self.name = name
        self.action = action
    }

    public static func repository(_ name: String, _ action: String) -> ResourceAccess {
        ResourceAccess(type: "repository", name: name, action: action)
    }

    public static let catalog = ResourceAccess(type: "registry", name: "catalog", action: "*")

    public var description: String { "\(type):\(name):\(action)" }

    /// The `scope` of a challenge asking for all of `accesses`: actions of one resource joined.
    public static func challengeScope(_ accesses: [ResourceAccess]) -> String {
        var order: [String] = []
        var actions: [String: [String]] = [:]
        for access in accesses {
            let key = "\(access.type):\(access.name)"
            if actions[key] == nil { order.append(key) }
            if !(actions[key]?.contains(access.action) ?? false) { actions[key, default: []].append(access.action) }
        }
        return order.map { "\($0):\(actions[$0]!.joined(separator: ","))" }.joined(separator: " ")
    }
}
