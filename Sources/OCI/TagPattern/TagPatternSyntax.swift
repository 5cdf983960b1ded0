/// The parsed form of a tag pattern: RE2's syntax, without what RE2 leaves out too
/// (backreferences, lookaround), so that matching can run in time linear in the tag.
indirect enum TagPatternSyntax: Equatable, Sendable {
    case empty
    case character(TagPatternClass)
    case sequence([TagPatternSyntax])
    case alternation([TagPatternSyntax])
    /// `max` nil: unbounded.
    case repetition(TagPatternSyntax, min: Int, max: Int?)
    case startOfText
    case endOfText
}
