import NIOCore
import StorageDriver

extension StorageConformance {
    static let writerCases: [Case] = [
        Case(name: "writer writes chunks and commits them") { driver in
            let writer = try await driver.writer("/uploads/one/data", append: false)
            let first = patternBytes(100_000, seed: 1)
            let second = patternBytes(70_000, seed: 2)
            try await writer.write(first)
            try await writer.write(second)
            try require(writer.size == 170_000, "size \(writer.size) after two writes")
            try await writer.commit()
            var expected = first
            var tail = second
            expected.writeBuffer(&tail)
            try require(try await readAll(driver, "/uploads/one/data") == expected, "committed bytes differ")
        },
        Case(name: "writer with append continues after existing bytes") { driver in
            let first = try await driver.writer("/up/data", append: false)
            try await first.write(ByteBuffer("abc"))
            try await first.close()
            let second = try await driver.writer("/up/data", append: true)
            try require(second.size == 3, "append writer starts at \(second.size), not 3")
            try await second.write(ByteBuffer("def"))
            try await second.commit()
            try require(try await driver.getContent("/up/data") == ByteBuffer("abcdef"), "appended content differs")
        },
        Case(name: "writer without append truncates") { driver in
            try await driver.putContent("/up/data", ByteBuffer("old content"))
            let writer = try await driver.writer("/up/data", append: false)
            try require(writer.size == 0, "new writer starts at \(writer.size)")
            try await writer.write(ByteBuffer("new"))
            try await writer.commit()
            try require(try await driver.getContent("/up/data") == ByteBuffer("new"), "old bytes remained")
        },
        Case(name: "writer with append creates a missing file") { driver in
            let writer = try await driver.writer("/fresh/data", append: true)
            try require(writer.size == 0, "size of a new file is \(writer.size)")
            try await writer.write(ByteBuffer("x"))
            try await writer.commit()
            try require(try await driver.getContent("/fresh/data") == ByteBuffer("x"), "content differs")
        },
        Case(name: "writer cancel removes the file") { driver in
            let writer = try await driver.writer("/up/cancelled", append: false)
            try await writer.write(ByteBuffer("partial"))
            try await writer.cancel()
            try require(!(try await driver.exists("/up/cancelled")), "cancelled file still exists")
        },
        Case(name: "bytes written before close are visible to stat") { driver in
            let writer = try await driver.writer("/up/partial", append: false)
            try await writer.write(patternBytes(4096, seed: 3))
            try await writer.close()
            try require(try await driver.stat("/up/partial").size == 4096, "stat does not see written bytes")
        },
    ]
}
