import NIOCore
import StorageDriver

/// The shared test suite every storage driver passes (Distribution's `testsuites` pattern).
/// A driver's test runs each case against a fresh driver:
///
/// ```swift
/// @Test(arguments: StorageConformance.cases)
/// func conformance(_ check: StorageConformance.Case) async throws {
///     try await check.run(FilesystemDriver(root: temporaryDirectory))
/// }
/// ```
public enum StorageConformance {
    /// One named check. `run` throws `ConformanceFailure` with what differed.
    public struct Case: Sendable, CustomStringConvertible {
        public let name: String
        let body: @Sendable (any StorageDriver) async throws -> Void

        public func run(_ driver: any StorageDriver) async throws {
            try await body(driver)
        }

        public var description: String { name }
    }

    /// Runs every case against drivers made by `makeDriver`, one fresh driver per case.
    public static func run(makeDriver: () async throws -> any StorageDriver) async throws {
        for check in cases {
            try await check.run(try await makeDriver())
        }
    }

    public static let cases: [Case] = contentCases + writerCases + readCases + namespaceCases + concurrencyCases
}

/// A conformance check that did not hold.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Throws a failure naming the check when `condition` is false.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw ConformanceFailure(message()) }
}

/// Requires that `body` throws a driver error for which `matches` holds.
func requireDriverError(
    _ message: String, _ matches: (StorageDriverError) -> Bool, _ body: () async throws -> Void
) async throws {
    do {
        try await body()
    } catch let error as StorageDriverError {
        try require(matches(error), "\(message): wrong error \(error)")
        return
    }
    throw ConformanceFailure("\(message): no error was thrown")
}

extension ByteBuffer {
    init(_ text: String) { self.init(string: text) }
}

/// Deterministic pseudo-random bytes, so a failing case is reproducible. Eight bytes per step,
/// stored straight into the buffer: a debug build spent seconds of a cooperative thread on
/// one `writeInteger` per byte of a 3 MiB file, stalling every test running beside it.
func patternBytes(_ count: Int, seed: UInt64) -> ByteBuffer {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1
    var buffer = ByteBuffer()
    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { bytes in
        var offset = 0
        while offset < count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            withUnsafeBytes(of: state.littleEndian) { word in
                let length = min(8, count - offset)
                bytes.baseAddress!.advanced(by: offset).copyMemory(from: word.baseAddress!, byteCount: length)
            }
            offset += 8
        }
        return count
    }
    return buffer
}

/// Reads a whole file through the streaming API.
func readAll(_ driver: any StorageDriver, _ path: String, range: Range<Int64>? = nil) async throws -> ByteBuffer {
    var result = ByteBuffer()
    try await driver.read(path, range: range) { chunk in
        var chunk = chunk
        result.writeBuffer(&chunk)
    }
    return result
}
