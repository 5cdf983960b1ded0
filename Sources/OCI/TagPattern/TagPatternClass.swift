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
}
