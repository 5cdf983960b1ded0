/// A policy change that cannot be made, in words for the CLI and the API.
public struct CleanupPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
