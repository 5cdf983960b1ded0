/// A set of characters a pattern position accepts: ranges of Unicode scalars, possibly negated.
struct TagPatternClass: Equatable, Sendable {
    var ranges: [ClosedRange<UInt32>]
    var negated: Bool

    init(_ ranges: [ClosedRange<UInt32>], negated: Bool = false) {
        self.ranges = ranges
        self.negated = negated
    }

    static func literal(_ scalar: Unicode.Scalar) -> TagPatternClass { TagPatternClass([scalar.value...scalar.value]) }

    /// `.`: anything but a newline.
    static let any = TagPatternClass([10...10], negated: true)
    static let digit = TagPatternClass([48...57])
    static let word = TagPatternClass([48...57, 65...90, 95...95, 97...122])
    static let space = TagPatternClass([9...10, 12...13, 32...32])

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        ranges.contains { $0.contains(scalar.value) } != negated
    }

    var inverted: TagPatternClass { TagPatternClass(ranges, negated: !negated) }

    /// The class with each ASCII letter's other case added (`(?i)`).
    var caseFolded: TagPatternClass {
        var folded = ranges
        for range in ranges {
            for (from, to) in [(UInt32(65)...90, Int64(32)), (UInt32(97)...122, Int64(-32))] {
                let low = max(range.lowerBound, from.lowerBound), high = min(range.upperBound, from.upperBound)
                if low <= high { folded.append(UInt32(Int64(low) + to)...UInt32(Int64(high) + to)) }
            }
        }
        return TagPatternClass(folded, negated: negated)
    }
}
