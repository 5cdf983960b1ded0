/// A driver failure. A struct over a private code, so new cases do not break callers.
public struct StorageDriverError: Error, Sendable, CustomStringConvertible, Equatable {
    private enum Code: Sendable, Equatable {
        case pathNotFound
        case invalidPath
        case invalidRange
        case backend
        case unavailable
    }

    private let code: Code
    public let driver: String
    public let path: String
    public let reason: String

    private init(_ code: Code, driver: String, path: String, reason: String) {
        self.code = code
        self.driver = driver
        self.path = path
        self.reason = reason
    }

    public static func pathNotFound(_ path: String, driver: String) -> Self {
        Self(.pathNotFound, driver: driver, path: path, reason: "not found")
    }

    public static func invalidPath(_ path: String, driver: String) -> Self {
        Self(.invalidPath, driver: driver, path: path, reason: "invalid path")
    }

    public static func invalidRange(_ path: String, driver: String, reason: String) -> Self {
        Self(.invalidRange, driver: driver, path: path, reason: reason)
    }

    public static func backend(_ path: String, driver: String, reason: String) -> Self {
        Self(.backend, driver: driver, path: path, reason: reason)
    }

    /// A failure that passes (the backend is down or overloaded, the disk is full, a request
    /// timed out): clients are told to retry (503 with `Retry-After`) rather than give up.
    public static func unavailable(_ path: String, driver: String, reason: String) -> Self {
        Self(.unavailable, driver: driver, path: path, reason: reason)
    }

    public var isTransient: Bool { code == .unavailable }
    public var isNotFound: Bool { code == .pathNotFound }
    public var isInvalidPath: Bool { code == .invalidPath }
    public var isInvalidRange: Bool { code == .invalidRange }

    public var description: String { "\(driver): \(path): \(reason)" }
}
