/// A storage.s3 setting Wharf cannot use, with what is wrong.
public struct S3ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
