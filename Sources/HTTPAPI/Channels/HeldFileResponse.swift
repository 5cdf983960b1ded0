#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import StorageDriver

/// A response whose head carried a `SendfileDirective`, held back until both the application's
/// end and the file's opening are in: `SendfileHandler` and `FileStreamHandler` send its body
/// from the file, each in its own way, or answer an error when the file cannot be opened.
struct HeldFileResponse<Head, Trailers> {
    var head: Head
    var headPromise: EventLoopPromise<Void>?
    let directive: SendfileDirective?
    var end: (trailers: Trailers?, promise: EventLoopPromise<Void>?)?
    var opened: Result<NIOFileHandle, any Error>?

    /// Holds `head`, whose directive header had `directiveValue`; a malformed one fails at once.
    init(head: Head, headPromise: EventLoopPromise<Void>?, directiveValue: String) {
        self.head = head
        self.headPromise = headPromise
        directive = SendfileDirective(headerValue: directiveValue)
        if directive == nil { opened = .failure(SendfileFailure.malformedDirective) }
    }

    /// What the held response becomes once its end and its file are in.
    enum Outcome {
        case send(NIOFileHandle, SendfileDirective)
        case fail(any Error)
    }

    /// The end and the outcome, when both are in.
    var ready: (end: (trailers: Trailers?, promise: EventLoopPromise<Void>?), outcome: Outcome)? {
        guard let end, let opened else { return nil }
        switch opened {
        case .success(let handle):
            // A directive that did not parse never opens a file.
            guard let directive else { return (end, .fail(SendfileFailure.malformedDirective)) }
            return (end, .send(handle, directive))
        case .failure(let error):
            return (end, .fail(error))
        }
    }

    /// Opens the directive's file on the blocking pool, never on the event loop; the result
    /// arrives on `loop`.
    static func open(_ directive: SendfileDirective, on loop: any EventLoop) -> EventLoopFuture<NIOFileHandle> {
        BlockingIOPool.shared.runIfActive(eventLoop: loop) {
            let handle = try NIOFileHandle(_deprecatedPath: directive.path)
            // A file shorter than the range would cut the body off after its head: refused now,
            // while a clean error can still be answered.
            // Reads use explicit offsets (pread, sendfile), so moving the file position is harmless.
            let size = try handle.withUnsafeFileDescriptor { descriptor in
                let end = lseek(descriptor, 0, SEEK_END)
                guard end >= 0 else { throw IOError(errnoCode: errno, reason: "lseek") }
                return Int64(end)
            }
            guard size >= directive.range.upperBound else {
                try? handle.close()
                throw SendfileFailure.fileShrank
            }
            return handle
        }.hop(to: loop)
    }

    /// Closes the file of a response that will not be sent (the channel went away).
    func discard() {
        if case .success(let handle)? = opened { try? handle.close() }
    }

    /// The channel went away before this response was sent: its file closes and its writers
    /// hear why.
    func abandon(_ error: any Error) {
        discard()
        headPromise?.fail(error)
        end?.promise?.fail(error)
    }
}
