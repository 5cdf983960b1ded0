/// A connection closed on arrival because the listener serves `http.maxconnections` already.
struct ConnectionRefused: Error, CustomStringConvertible {
    var description: String { "the listener is at http.maxconnections" }
}
