import Foundation
import HTTPTypes
@testable import HTTPAPI
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing
import WharfTestSupport

/// Responses that arrive while a file body is held or sent wait in `LaterWrites`, which is
/// bounded: a client pipelining without end gets its connection closed, not the server's memory
/// filled.
@Suite(.timeLimit(.minutes(1)))
struct LaterWritesBoundTests {
    /// Writes a directive response and then `count` small responses in one event-loop tick (the
    /// file's open cannot complete in between); whether the channel is still open after.
    static func channelStaysOpen(afterPipelining count: Int, file: String) async throws -> Bool {
        let channel = try await NIOAsyncTestingChannel { channel in
            try channel.pipeline.syncOperations.addHandler(FileStreamHandler())
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 5000))
        let directive = SendfileDirective(path: file, range: 0..<4).headerValue
        let open = try await channel.testingEventLoop.executeInContext {
            var head = HTTPResponse(status: .ok)
            head.headerFields[.wharfSendfile] = directive
            channel.write(HTTPResponsePart.head(head), promise: nil)
            channel.write(HTTPResponsePart.end(nil), promise: nil)
            for _ in 0..<count {
                channel.write(HTTPResponsePart.head(HTTPResponse(status: .ok)), promise: nil)
                channel.write(HTTPResponsePart.body(ByteBuffer(string: "{}")), promise: nil)
                channel.write(HTTPResponsePart.end(nil), promise: nil)
            }
            return channel.isActive
        }
        _ = try? await channel.finish(acceptAlreadyClosed: true)
        return open
    }

    @Test func aFewPipelinedResponsesWaitAndTheConnectionStays() async throws {
        try await withTemporaryDirectory { root in
            let file = root + "/blob"
            try Data("blob".utf8).write(to: URL(fileURLWithPath: file))
            #expect(try await Self.channelStaysOpen(afterPipelining: 100, file: file))
        }
    }

    @Test func pipeliningPastTheBoundClosesTheConnection() async throws {
        try await withTemporaryDirectory { root in
            let file = root + "/blob"
            try Data("blob".utf8).write(to: URL(fileURLWithPath: file))
            #expect(try await !Self.channelStaysOpen(afterPipelining: LaterWrites.partLimit, file: file))
        }
    }

    @Test func theBoundCountsBodyBytes() {
        let later = LaterWrites()
        #expect(later.append(NIOAny(HTTPResponsePart.end(nil)), size: LaterWrites.byteLimit, promise: nil))
        #expect(!later.append(NIOAny(HTTPResponsePart.end(nil)), size: 1, promise: nil))
        later.fail(ChannelError.ioOnClosedChannel)
        #expect(later.append(NIOAny(HTTPResponsePart.end(nil)), size: 1, promise: nil))
    }
}
