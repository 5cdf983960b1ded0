/// A gcs setting that cannot be used (a key file that is not a service account's key, an
/// unreadable file): `wharf serve` stops with it at start-up.
public struct GCSConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
