import Backup
import Foundation
import Testing
import WharfTestSupport

@Suite(.timeLimit(.minutes(3))) struct TarHeaderTests {
    @Test func aHeaderRoundTrips() throws {
        let header = TarHeader(name: "metadata/wharf.sqlite", size: 122_880, mode: 0o600, modificationTime: 1_796_042_082)
        let block = try header.encoded()
        #expect(block.count == 512)
        #expect(try TarHeader.decode(block) == header)
    }

    @Test func longNamesUseThePrefixField() throws {
        let hex = String(repeating: "ab", count: 64)
        let name = "blobs/sha512/\(hex.prefix(64))/\(hex.dropFirst(64))"
        let block = try TarHeader(name: name, size: 1).encoded()
        #expect(try TarHeader.decode(block)?.name == name)
        #expect(throws: TarError.self) { try TarHeader(name: String(repeating: "x", count: 101), size: 1).encoded() }
    }

    @Test func sizesOf8GiBAndMoreUseBase256() throws {
        let size: Int64 = 20 * 1024 * 1024 * 1024
        let block = try TarHeader(name: "blobs/big", size: size).encoded()
        #expect(block[124] == 0x80)
        #expect(try TarHeader.decode(block)?.size == size)
    }

    @Test func aDamagedHeaderIsRefused() throws {
        var block = try TarHeader(name: "wharf-backup.json", size: 10).encoded()
        block[3] ^= 0x01
        #expect(throws: TarError.badHeaderChecksum) { try TarHeader.decode(block) }
        var notTar = [UInt8](repeating: 0x41, count: 512)
        notTar[0] = 0x7B
        #expect(throws: TarError.notTar) { try TarHeader.decode(notTar) }
        #expect(try TarHeader.decode([UInt8](repeating: 0, count: 512)) == nil, "a zero block ends the archive")
    }

    @Test func paddingFillsTheLastBlock() {
        #expect(TarHeader.padding(after: 0) == 0)
        #expect(TarHeader.padding(after: 1) == 511)
        #expect(TarHeader.padding(after: 512) == 0)
        #expect(TarHeader.padding(after: 513) == 511)
    }

    /// GNU tar reads what TarWriter writes, and TarReader reads what GNU tar writes.
    @Test func gnuTarAgrees() async throws {
        let directory = NSTemporaryDirectory() + "wharf-tar-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/in/deep", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let longName = String(repeating: "d", count: 90) + "/" + String(repeating: "f", count: 60)
        let file = try RawFile(path: directory + "/ours.tar", mode: .createNew)
        let writer = TarWriter(file: file)
        try writer.add(name: "short.txt", bytes: Array("hello\n".utf8), modificationTime: 0)
        try writer.add(name: longName, bytes: Array(repeating: 7, count: 1025), modificationTime: 0)
        try writer.finish()
        file.close()
        let listing = try await run(["tar", "-tf", directory + "/ours.tar"])
        #expect(listing == "short.txt\n\(longName)\n")

        try "abc".write(toFile: directory + "/in/deep/a.txt", atomically: true, encoding: .utf8)
        _ = try await run(["tar", "--format=ustar", "-cf", directory + "/theirs.tar", "-C", directory + "/in", "deep/a.txt"])
        let reader = TarReader(file: try RawFile(path: directory + "/theirs.tar", mode: .read))
        let header = try #require(try reader.next())
        #expect(header.name == "deep/a.txt")
        #expect(try reader.readSmallBody(limit: 100) == Array("abc".utf8))
        #expect(try reader.next() == nil)
    }

    func run(_ arguments: [String]) async throws -> String {
        try await Command.run(arguments).stdout
    }
}
