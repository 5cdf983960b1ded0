@testable import HTTPAPI
import NIOCore
import Testing

/// The deadlines of one connection, event by event.
@Suite(.timeLimit(.minutes(3))) struct ConnectionDeadlineTests {
    static let timeouts = ConnectionDeadline.Timeouts(header: .seconds(20), idle: .seconds(120), body: .seconds(300))
    static func at(_ seconds: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(seconds) * 1_000_000_000) }

    @Test func aNewConnectionWaitsIdleThenTheHeadHasTheHeaderTimeout() {
        var state = ConnectionDeadline(timeouts: Self.timeouts, now: Self.at(0))
        #expect(state.deadline == Self.at(120))
        state.bytesArrived(at: Self.at(5))
        #expect(state.deadline == Self.at(25), "the head's clock starts at its first bytes")
        state.bytesArrived(at: Self.at(15))
        #expect(state.deadline == Self.at(25), "trickling more header lines does not move it")
    }

    @Test func bodiesMayStallOnlyForTheBodyTimeout() {
        var state = ConnectionDeadline(timeouts: Self.timeouts, now: Self.at(0))
        state.bytesArrived(at: Self.at(1))
        state.headReceived(at: Self.at(1))
        #expect(state.deadline == Self.at(301))
        state.bytesArrived(at: Self.at(200))
        #expect(state.deadline == Self.at(500), "every read moves it")
        state.requestEnded(at: Self.at(210))
        #expect(state.deadline == nil, "answering has no deadline")
        state.responseEnded(at: Self.at(400))
        #expect(state.deadline == Self.at(520), "then the connection idles")
        state.bytesArrived(at: Self.at(430))
        #expect(state.deadline == Self.at(450))
    }

    @Test func anEarlyAnswerLeavesTheBodyDeadline() {
        var state = ConnectionDeadline(timeouts: Self.timeouts, now: Self.at(0))
        state.headReceived(at: Self.at(0))
        state.responseEnded(at: Self.at(1))
        #expect(state.deadline == Self.at(301), "the unread body still has to arrive or stop")
        state.requestEnded(at: Self.at(2))
        #expect(state.deadline == Self.at(122))
    }

    @Test func aBodyTheServerHoldsBackHasNoDeadlineUntilItReadsAgain() {
        var state = ConnectionDeadline(timeouts: Self.timeouts, now: Self.at(0))
        state.headReceived(at: Self.at(1))
        state.bytesArrived(at: Self.at(2))
        state.readsPaused()
        #expect(state.deadline == nil, "the server is behind (a slow disk), not the client")
        state.readAsked(at: Self.at(100))
        #expect(state.deadline == Self.at(400), "the client's time starts when the server asks again")
        state.readsPaused()
        state.readAsked(at: Self.at(101))
        #expect(state.deadline == Self.at(401))
        state.readAsked(at: Self.at(150))
        #expect(state.deadline == Self.at(401), "asking again while waiting does not move it")
    }

    @Test func pausedReadsDoNotExtendTheHeaderOrIdleTimeouts() {
        var state = ConnectionDeadline(timeouts: Self.timeouts, now: Self.at(0))
        state.readsPaused()
        #expect(state.deadline == Self.at(120))
        state.bytesArrived(at: Self.at(5))
        state.readsPaused()
        #expect(state.deadline == Self.at(25))
    }
}
