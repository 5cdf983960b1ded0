import NIOCore
import StorageDriver

extension StorageConformance {
    static let readCases: [Case] = [
        Case(name: "read streams a large file intact") { driver in
            let content = patternBytes(3 * 1024 * 1024 + 17, seed: 4)
            try await driver.putContent("/big", content)
            var chunks = 0
            var received = ByteBuffer()
            try await driver.read("/big", range: nil) { chunk in
                chunks += 1
                var chunk = chunk
                received.writeBuffer(&chunk)
            }
            try require(received == content, "streamed bytes differ")
            try require(chunks > 1, "a 3 MiB file arrived in one chunk: reads must stream")
        },
        Case(name: "read of a range returns exactly those bytes") { driver in
            let content = patternBytes(10_000, seed: 5)
            try await driver.putContent("/ranged", content)
            let middle = try await readAll(driver, "/ranged", range: 1000..<2500)
            try require(middle == content.getSlice(at: 1000, length: 1500), "middle range differs")
            let tail = try await readAll(driver, "/ranged", range: 9999..<10_000)
            try require(tail == content.getSlice(at: 9999, length: 1), "last byte differs")
            let empty = try await readAll(driver, "/ranged", range: 10_000..<10_000)
            try require(empty.readableBytes == 0, "empty range returned bytes")
        },
        Case(name: "ranges of a large file arrive intact across its internal boundaries") { driver in
            // Drivers read large files in pieces (S3's read-ahead windows, a segmented file's
            // segments): ranges must start, cross and end anywhere.
            let size = 1024 * 1024 + 5
            let content = patternBytes(size, seed: 7)
            try await driver.putContent("/large", content)
            for range in [1000..<900_001, (size - 300_000)..<size, 0..<size, 262_143..<262_145] {
                let bytes = try await readAll(driver, "/large", range: Int64(range.lowerBound)..<Int64(range.upperBound))
                try require(bytes == content.getSlice(at: range.lowerBound, length: range.count), "range \(range) differs")
            }
            try require(try await readAll(driver, "/large") == content, "the whole file differs")
        },
        Case(name: "read of an empty file streams nothing") { driver in
            try await driver.putContent("/empty", ByteBuffer())
            try require(try await readAll(driver, "/empty").readableBytes == 0, "an empty file returned bytes")
            try require(try await readAll(driver, "/empty", range: 0..<0).readableBytes == 0, "an empty range returned bytes")
        },
        Case(name: "read past the end is invalidRange") { driver in
            try await driver.putContent("/short", ByteBuffer("12345"))
            try await requireDriverError("range past end", \.isInvalidRange) {
                _ = try await readAll(driver, "/short", range: 2..<6)
            }
        },
        Case(name: "read of a missing file is pathNotFound") { driver in
            try await requireDriverError("missing file", \.isNotFound) { _ = try await readAll(driver, "/nothing") }
        },
    ]
}
