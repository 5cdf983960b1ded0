import NIOCore
import StorageDriver

extension StorageConformance {
    static let namespaceCases: [Case] = [
        Case(name: "deleteFiles deletes many files, a missing one counting as deleted, and keeps the rest") { driver in
            // More files than one request of the driver carries (S3: 1,000 keys), so batches split.
            let paths = (0..<(driver.deleteBatchSize + 10)).map { "/blobs/sha256/0\($0 % 7)/b\($0)/data" }
            for path in paths { try await driver.putContent(path, ByteBuffer("x")) }
            try await driver.putContent("/blobs/sha256/00/keep/data", ByteBuffer("kept"))
            let failures = await driver.deleteFiles(paths + ["/blobs/sha256/ff/never-written/data"], keeping: "/blobs")
            try require(failures.isEmpty, "deleteFiles failed: \(failures.prefix(3))")
            for path in [paths[0], paths[paths.count / 2], paths[paths.count - 1]] {
                try require(!(try await driver.exists(path)), "\(path) still exists")
            }
            try require(try await driver.getContent("/blobs/sha256/00/keep/data") == ByteBuffer("kept"), "a file not named was deleted")
            let left = try await driver.list("/blobs/sha256/00")
            try require(left == ["/blobs/sha256/00/keep"], "the emptied blob directories remained: \(left.prefix(3))")
            let invalid = await driver.deleteFiles(["/blobs/../escape"], keeping: "/blobs")
            try require(invalid.count == 1, "an invalid path was not refused")
        },
        Case(name: "stat reports files and directories") { driver in
            try await driver.putContent("/dir/sub/file", ByteBuffer("12345"))
            let file = try await driver.stat("/dir/sub/file")
            try require(file.size == 5 && !file.isDirectory, "file stat \(file)")
            try require(try await driver.stat("/dir/sub").isDirectory, "directory not reported as one")
            try require(try await driver.stat("/dir").isDirectory, "ancestor not reported as a directory")
            try await requireDriverError("missing path", \.isNotFound) { _ = try await driver.stat("/dir/none") }
        },
        Case(name: "list returns sorted direct children as full paths") { driver in
            for path in ["/l/b/x", "/l/a", "/l/c/y/z", "/other/q"] {
                try await driver.putContent(path, ByteBuffer("x"))
            }
            let children = try await driver.list("/l")
            try require(children == ["/l/a", "/l/b", "/l/c"], "list gave \(children)")
            try await requireDriverError("missing directory", \.isNotFound) { _ = try await driver.list("/none") }
        },
        Case(name: "move renames and replaces the destination") { driver in
            try await driver.putContent("/src/data", ByteBuffer("new"))
            try await driver.putContent("/dst/data", ByteBuffer("old"))
            try await driver.move("/src/data", to: "/dst/data")
            try require(try await driver.getContent("/dst/data") == ByteBuffer("new"), "destination not replaced")
            try require(!(try await driver.exists("/src/data")), "source remained after move")
        },
        Case(name: "move creates missing parents") { driver in
            try await driver.putContent("/m/file", ByteBuffer("x"))
            try await driver.move("/m/file", to: "/deep/new/parents/file")
            try require(try await driver.getContent("/deep/new/parents/file") == ByteBuffer("x"), "moved content differs")
        },
        Case(name: "move of a missing source is pathNotFound") { driver in
            try await requireDriverError("missing source", \.isNotFound) { try await driver.move("/nope", to: "/dest") }
        },
        Case(name: "delete removes a file and a directory tree") { driver in
            try await driver.putContent("/t/keep", ByteBuffer("x"))
            try await driver.putContent("/t/tree/a", ByteBuffer("x"))
            try await driver.putContent("/t/tree/b/c", ByteBuffer("x"))
            try await driver.delete("/t/tree")
            try require(!(try await driver.exists("/t/tree/b/c")), "tree content remained")
            try await driver.delete("/t/keep")
            try require(!(try await driver.exists("/t/keep")), "file remained")
            try await requireDriverError("missing path", \.isNotFound) { try await driver.delete("/t/keep") }
        },
    ]
}
