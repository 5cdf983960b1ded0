/// A start-up failure with a message for the operator.
public struct WharfStartupError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
