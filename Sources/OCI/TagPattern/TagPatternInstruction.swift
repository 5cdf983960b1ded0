/// One step of a compiled pattern, run as a Thompson NFA: every thread advances together, so
/// matching costs at most (program size × tag length), whatever the pattern.
enum TagPatternInstruction: Equatable, Sendable {
    case character(TagPatternClass)
    case split(Int, Int)
    case jump(Int)
    case assertStart
    case assertEnd
    case match
}
