/// Failures of the identity side, each with a message for the operator or the client.
public enum IdentityError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidInput(String)
    case notFound(String)
    case conflict(String)

    public var description: String {
        switch self {
        case .invalidInput(let message), .notFound(let message), .conflict(let message): message
        }
    }
}
