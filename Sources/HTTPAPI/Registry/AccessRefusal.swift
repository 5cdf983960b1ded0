import HTTPTypes
import OCI

/// A refused request: the spec's error and the headers that go with it (the challenge).
public struct AccessRefusal: Error, Sendable {
    public let error: RegistryError
    public let headers: HTTPFields

    public init(error: RegistryError, headers: HTTPFields) {
        self.error = error
        self.headers = headers
    }
}
