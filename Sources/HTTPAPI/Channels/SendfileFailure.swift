import Foundation
import NIOCore

/// Why a blob's file could not be sent by `SendfileHandler` or `FileStreamHandler`, and what
/// the client is told when no head has gone out yet.
enum SendfileFailure: Error {
    case malformedDirective
    /// The file ended before the range the head promised.
    case fileShrank
    /// The client took no bytes of a body for the stall timeout.
    case clientStalled
    /// A pipelining client queued more responses than are held behind a file body.
    case tooManyPipelined

    /// The answer to a file that could not be opened: 404 `BLOB_UNKNOWN` when it is gone, 503
    /// `UNAVAILABLE` (which clients retry) for anything else, with the spec's error body.
    struct Answer {
        let status: Int
        let body: String
        let retry: Bool
    }

    static func answer(for error: any Error) -> Answer {
        if (error as? IOError)?.errnoCode == ENOENT {
            return Answer(
                status: 404,
                body: #"{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry","detail":"the blob's file is missing from storage"}]}"#,
                retry: false
            )
        }
        return Answer(
            status: 503,
            body: #"{"errors":[{"code":"UNAVAILABLE","message":"service unavailable","detail":"the blob's file cannot be read now; retry"}]}"#,
            retry: true
        )
    }
}
