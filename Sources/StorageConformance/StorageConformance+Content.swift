import NIOCore
import StorageDriver

extension StorageConformance {
    static let contentCases: [Case] = [
        Case(name: "putContent then getContent returns the bytes") { driver in
            try await driver.putContent("/a/b/file", ByteBuffer("hello"))
            try require(try await driver.getContent("/a/b/file") == ByteBuffer("hello"), "content differs")
        },
        Case(name: "putContent replaces a file") { driver in
            try await driver.putContent("/file", ByteBuffer("first, longer content"))
            try await driver.putContent("/file", ByteBuffer("second"))
            try require(try await driver.getContent("/file") == ByteBuffer("second"), "old content remained")
        },
        Case(name: "putContent stores an empty file") { driver in
            try await driver.putContent("/empty", ByteBuffer())
            try require(try await driver.getContent("/empty").readableBytes == 0, "empty file has bytes")
            try require(try await driver.stat("/empty").size == 0, "empty file has a size")
        },
        Case(name: "getContent of a missing file is pathNotFound") { driver in
            try await requireDriverError("missing file", \.isNotFound) { _ = try await driver.getContent("/missing") }
        },
        Case(name: "invalid paths are refused") { driver in
            for path in ["relative", "/a/../b", "/a//b", "/a/./b", "/a/b/", "/a b", "/a/%2F"] {
                try await requireDriverError("path \(path)", \.isInvalidPath) {
                    try await driver.putContent(path, ByteBuffer("x"))
                }
            }
        },
    ]
}
