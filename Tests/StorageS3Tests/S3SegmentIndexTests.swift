import NIOCore
import Testing

@testable import StorageS3

/// The index of a file written by appends: its text form, where a range lies, and the plan that
/// concatenates it within S3's multipart rules.
struct S3SegmentIndexTests {
    @Test func theIndexRoundTripsAndRefusesDamage() throws {
        let index = S3SegmentIndex(sizes: [5, 1, 7_000_000])
        #expect(try S3SegmentIndex(parsing: index.serialized) == index)
        #expect(index.total == 7_000_006)
        #expect(try S3SegmentIndex(parsing: S3SegmentIndex().serialized).sizes.isEmpty)
        #expect(throws: S3Error.self) { try S3SegmentIndex(parsing: ByteBuffer(string: "5\n6\n")) }
        #expect(throws: S3Error.self) { try S3SegmentIndex(parsing: ByteBuffer(string: "wharf-segments 1\n5\n-2\n")) }
        #expect(throws: S3Error.self) { try S3SegmentIndex(parsing: ByteBuffer(string: "wharf-segments 1\n0\n")) }
    }

    @Test func segmentKeysSortInOrderAndCannotMeetADriverPath() {
        #expect(S3SegmentIndex.segmentKey("r/_uploads/u/data", number: 1) == "r/_uploads/u/data~seg/000001")
        #expect(S3SegmentIndex.segmentKey("k", number: 12) < S3SegmentIndex.segmentKey("k", number: 100))
    }

    @Test func aRangeIsSplitAtSegmentBoundaries() {
        let index = S3SegmentIndex(sizes: [4, 3, 5])
        typealias Piece = S3SegmentIndex.Piece
        #expect(index.pieces(of: 0..<12) == [Piece(segment: 1, range: 0..<4), Piece(segment: 2, range: 0..<3), Piece(segment: 3, range: 0..<5)])
        #expect(index.pieces(of: 3..<8) == [Piece(segment: 1, range: 3..<4), Piece(segment: 2, range: 0..<3), Piece(segment: 3, range: 0..<1)])
        #expect(index.pieces(of: 4..<7) == [Piece(segment: 2, range: 0..<3)])
        #expect(index.pieces(of: 12..<12).isEmpty)
    }

    /// Every plan covers the file in order, copies whole runs of long segments, and keeps every
    /// part but the last at S3's minimum (here 5 bytes) and read-backs under twice it.
    @Test(arguments: [
        [Int64](), [3], [5], [12], [30], [2, 2, 2], [4, 9], [9, 4], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [6, 1, 6, 1, 6], [4, 4, 40, 4], [100, 3, 3],
    ])
    func concatenationPlansFollowS3Rules(_ sizes: [Int64]) {
        let index = S3SegmentIndex(sizes: sizes)
        let plan = index.concatenationPlan(minimumPart: 5, maximumCopy: 12)
        var covered: [S3SegmentIndex.Piece] = []
        for (position, part) in plan.enumerated() {
            if position < plan.count - 1 { #expect(part.size >= 5, "part \(position + 1) of \(sizes) is \(part.size) bytes") }
            switch part {
            case .copy(let piece):
                #expect(piece.length <= 12)
                #expect(piece.length >= 5, "a copy of \(piece.length) bytes in \(sizes)")
                covered.append(piece)
            case .upload(let pieces):
                #expect(part.size < 10, "a read-back of \(part.size) bytes in \(sizes)")
                covered += pieces
            }
        }
        // The pieces, joined where one continues the last, are exactly the segments in order.
        var joined: [S3SegmentIndex.Piece] = []
        for piece in covered {
            if let last = joined.last, last.segment == piece.segment, last.range.upperBound == piece.range.lowerBound {
                joined[joined.count - 1] = S3SegmentIndex.Piece(segment: last.segment, range: last.range.lowerBound..<piece.range.upperBound)
            } else {
                joined.append(piece)
            }
        }
        #expect(joined == sizes.enumerated().map { S3SegmentIndex.Piece(segment: $0.offset + 1, range: 0..<$0.element) })
        #expect(plan.reduce(0) { $0 + $1.size } == index.total)
    }

    @Test func longSegmentsAreCopiedOnTheServer() {
        let plan = S3SegmentIndex(sizes: [6, 7, 30]).concatenationPlan(minimumPart: 5, maximumCopy: 12)
        #expect(plan.count == 5)
        #expect(plan.prefix(2) == [.copy(.init(segment: 1, range: 0..<6)), .copy(.init(segment: 2, range: 0..<7))])
        #expect(plan.dropFirst(2).allSatisfy { if case .copy = $0 { true } else { false } }, "30 bytes in copies of at most 12")
    }
}
