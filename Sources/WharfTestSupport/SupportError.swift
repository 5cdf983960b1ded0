/// A failure of the test support code itself, with what went wrong.
public struct SupportError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
