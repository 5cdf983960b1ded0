/// A pattern that cannot be used, with where and why.
public struct TagPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public let pattern: String
    public let problem: String

    public var description: String { "invalid pattern \"\(pattern.prefix(300))\": \(problem)" }
}
