import Logging

/// Distribution's log levels (`error`, `warn`, `info`, `debug`), plus swift-log's others.
public enum LogLevel: String, Sendable, Equatable, CaseIterable {
    case trace, debug, info, notice, warn, error, critical

    public init(parsing text: String, key: String) throws(ConfigurationError) {
        let normalized = text.lowercased() == "warning" ? "warn" : text.lowercased()
        guard let level = LogLevel(rawValue: normalized) else {
            throw ConfigurationError(
                key: key, problem: "is \"\(text)\"", fix: "use one of " + Self.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        self = level
    }

    public var loggerLevel: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warn: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}
