import NIOCore

/// A file written by appends, as S3 can hold it without copying: each append is its own
/// segment object (`<key>~seg/000001`, ...) and the object at `<key>` is this index, the
/// segments' sizes in order, marked by the `x-amz-meta-wharf-segmented-size` header so that a
/// HEAD or GET tells it from a plain object at no extra cost. A move concatenates the segments
/// once (server-side where S3's 5 MiB part minimum allows). `~` cannot occur in driver paths,
/// so segment keys never meet a real file, and listings leave them out.
struct S3SegmentIndex: Equatable, Sendable {
    static let sizeHeader = "x-amz-meta-wharf-segmented-size"
    static let marker = "~seg"
    static let magic = "wharf-segments 1"

    var sizes: [Int64] = []

    var total: Int64 { sizes.reduce(0, +) }

    static func segmentPrefix(_ key: String) -> String { key + marker + "/" }

    /// The key of segment `number` (from 1).
    static func segmentKey(_ key: String, number: Int) -> String {
        let digits = String(number)
        return segmentPrefix(key) + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    init(sizes: [Int64] = []) {
        self.sizes = sizes
    }

    init(parsing buffer: ByteBuffer) throws(S3Error) {
        let text = String(buffer: buffer)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first == Substring(Self.magic) else {
            throw S3Error(status: 500, code: "MalformedSegmentIndex", message: "the segment index does not start with \(Self.magic)", key: "")
        }
        lines.removeFirst()
        for line in lines {
            guard let size = Int64(line), size > 0 else {
                throw S3Error(status: 500, code: "MalformedSegmentIndex", message: "segment size \(line) is not a positive number", key: "")
            }
            sizes.append(size)
        }
    }

    var serialized: ByteBuffer {
        ByteBuffer(string: ([Self.magic] + sizes.map(String.init)).joined(separator: "\n") + "\n")
    }

    /// Where `range` of the file lies: segment numbers (from 1) with the range inside each.
    func pieces(of range: Range<Int64>) -> [Piece] {
        var pieces: [Piece] = []
        var start: Int64 = 0
        for (index, size) in sizes.enumerated() {
            let end = start + size
            let lower = max(range.lowerBound, start)
            let upper = min(range.upperBound, end)
            if lower < upper { pieces.append(Piece(segment: index + 1, range: (lower - start)..<(upper - start))) }
            start = end
        }
        return pieces
    }

    struct Piece: Equatable, Sendable {
        let segment: Int
        let range: Range<Int64>

        var length: Int64 { range.upperBound - range.lowerBound }
    }

    /// One part of the concatenated object: bytes S3 copies itself, or bytes Wharf reads back
    /// and uploads (short segments, joined until they reach S3's part minimum).
    enum Part: Equatable, Sendable {
        case copy(Piece)
        case upload([Piece])

        var size: Int64 {
            switch self {
            case .copy(let piece): piece.length
            case .upload(let pieces): pieces.reduce(0) { $0 + $1.length }
            }
        }
    }

    /// The parts of the concatenation, every one but the last at least `minimumPart` long and
    /// no copy longer than `maximumCopy`. Segments of at least `minimumPart` are copied on the
    /// server; shorter runs are read back, at most twice `minimumPart` at a time.
    func concatenationPlan(minimumPart: Int64, maximumCopy: Int64) -> [Part] {
        var parts: [Part] = []
        var pending: [Piece] = []
        var pendingBytes: Int64 = 0
        func emitPending() {
            if !pending.isEmpty { parts.append(.upload(pending)) }
            pending = []
            pendingBytes = 0
        }
        for (index, size) in sizes.enumerated() {
            let segment = index + 1
            var offset: Int64 = 0
            if pendingBytes >= minimumPart { emitPending() }
            if pendingBytes > 0 {
                let take = min(minimumPart - pendingBytes, size)
                pending.append(Piece(segment: segment, range: 0..<take))
                pendingBytes += take
                offset = take
                if pendingBytes >= minimumPart { emitPending() }
            }
            let remaining = size - offset
            guard remaining > 0 else { continue }
            if remaining >= minimumPart {
                for range in S3Client.evenRanges(offset..<size, maximum: maximumCopy) {
                    parts.append(.copy(Piece(segment: segment, range: range)))
                }
            } else {
                pending.append(Piece(segment: segment, range: offset..<size))
                pendingBytes += remaining
            }
        }
        emitPending()
        return parts
    }
}
