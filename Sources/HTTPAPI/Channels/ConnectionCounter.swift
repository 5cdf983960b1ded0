import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Connections open on a listener, refused past `limit`: with timeouts, this keeps a crowd of
/// idle clients from taking every file descriptor.
public final class ConnectionCounter: Sendable {
    public let limit: Int
    private let state = NIOLockedValueBox((open: 0, refused: 0))

    public init(limit: Int) {
        self.limit = limit
    }

    public var open: Int { state.withLockedValue { $0.open } }

    /// Counts `channel` until it closes, or returns false (and counts a refusal) when full.
    func admit(_ channel: any Channel, logger: Logger) -> Bool {
        let (admitted, refused) = state.withLockedValue { state -> (Bool, Int) in
            guard state.open < limit else {
                state.refused += 1
                return (false, state.refused)
            }
            state.open += 1
            return (true, state.refused)
        }
        if admitted {
            channel.closeFuture.whenComplete { [state] _ in state.withLockedValue { $0.open -= 1 } }
        } else if refused.nonzeroBitCount == 1 {
            // 1st, 2nd, 4th, 8th... refusal: visible without flooding the log.
            logger.warning("connection refused: http.maxconnections reached", metadata: ["limit": "\(limit)", "refused": "\(refused)"])
        }
        return admitted
    }
}
