/// Parses RE2's syntax into `TagPatternSyntax`. Refuses what RE2 refuses (backreferences,
/// lookaround) and what linear-time matching cannot do, naming the problem.
struct TagPatternParser {
    /// Longer patterns are refused before parsing: GitLab's fields hold at most 255 characters.
    static let maxLength = 1024
    static let maxNesting = 100
    static let maxCount = 1000

    let source: String
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0
    /// `(?i)`: letters match either case from here to the end of the group.
    private var caseInsensitive = false

    static func parse(_ pattern: String) throws(TagPatternError) -> TagPatternSyntax {
        var parser = TagPatternParser(source: pattern)
        guard pattern.unicodeScalars.count <= maxLength else { throw parser.failure("longer than \(maxLength) characters") }
        let syntax = try parser.alternation()
        guard parser.position == parser.scalars.count else { throw parser.failure("unmatched ')' at \(parser.position + 1)") }
        // RE2's rule: nested counted repetitions multiply, and their product is at most 1,000
        // (`((a{1000}){1000})` would be a million copies, and empty ones never fill a program).
        guard repetitionProduct(syntax) <= maxCount else {
            throw parser.failure("bad repetition operator: nested repetition counts multiply past \(maxCount)")
        }
        return syntax
    }

    /// The largest product of counts along any nesting of repetitions (unbounded ones count
    /// their minimum, at least 1).
    static func repetitionProduct(_ syntax: TagPatternSyntax) -> Int {
        switch syntax {
        case .repetition(let inner, let min, let max):
            return Swift.min(maxCount + 1, Swift.max(1, max ?? min) * repetitionProduct(inner))
        case .sequence(let items), .alternation(let items):
            return items.map(repetitionProduct).max() ?? 1
        case .empty, .character, .startOfText, .endOfText:
            return 1
        }
    }

    private init(source: String) {
        self.source = source
        self.scalars = Array(source.unicodeScalars)
    }

    private func failure(_ problem: String) -> TagPatternError { TagPatternError(pattern: source, problem: problem) }

    private var next: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func take() -> Unicode.Scalar? {
        defer { position += 1 }
        return next
    }

    private mutating func alternation() throws(TagPatternError) -> TagPatternSyntax {
        var branches = [try sequence()]
        while next == "|" {
            position += 1
            branches.append(try sequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func sequence() throws(TagPatternError) -> TagPatternSyntax {
        var items: [TagPatternSyntax] = []
        while let scalar = next, scalar != "|", scalar != ")" {
            var item = try atom()
            var repeated = false
            while let (min, max) = try quantifier() {
                // `a**` is refused as RE2 refuses it; `(a*)*` is a group repeated, and fine.
                if repeated { throw failure("bad repetition operator at \(position)") }
                repeated = true
                item = .repetition(item, min: min, max: max)
                if next == "?" { position += 1 }  // lazy: the same set of matches
            }
            items.append(item)
        }
        return items.count == 1 ? items[0] : (items.isEmpty ? .empty : .sequence(items))
    }

    private mutating func atom() throws(TagPatternError) -> TagPatternSyntax {
        let syntax = try plainAtom()
        if caseInsensitive, case .character(let set) = syntax { return .character(set.caseFolded) }
        return syntax
    }

    private mutating func plainAtom() throws(TagPatternError) -> TagPatternSyntax {
        let start = position
        guard let scalar = take() else { throw failure("ends early") }
        switch scalar {
        case "(": return try group()
        case "[": return .character(try characterClass())
        case ".": return .character(.any)
        case "^": return .startOfText
        case "$": return .endOfText
        case "\\":
            if let set = try escape(inClass: false) { return .character(set) }
            return scalars[start + 1] == "A" ? .startOfText : .endOfText
        case "*", "+", "?": throw failure("missing argument to repetition operator '\(scalar)' at \(start + 1)")
        case "{":
            // A count with nothing before it is refused as RE2 refuses it; any other `{` is a literal.
            position = start
            if try quantifier() != nil { throw failure("missing argument to repetition operator '{' at \(start + 1)") }
            position = start + 1
            return .character(.literal(scalar))
        default: return .character(.literal(scalar))
        }
    }

    private mutating func group() throws(TagPatternError) -> TagPatternSyntax {
        let start = position
        let outerFlags = caseInsensitive
        if next == "?" {
            position += 1
            switch take() {
            case ":": break
            case let flag? where "imsU-".unicodeScalars.contains(flag):
                // RE2's flags: i (either case) is what changes matching tags; m, s and U only
                // matter for newlines or for where a match ends, so they are accepted as such.
                var scalar: Unicode.Scalar? = flag
                var on = true
                var setting = caseInsensitive
                while let current = scalar, current != ")" && current != ":" {
                    switch current {
                    case "-": on = false
                    case "i": setting = on
                    case "m", "s", "U": break
                    default: throw failure("unsupported group flag \(current) at \(position)")
                    }
                    scalar = take()
                }
                guard let end = scalar else { throw failure("missing ')' for the flags at \(start)") }
                if end == ")" {
                    // `(?i)` applies to the rest of the enclosing group: keep it past this one.
                    caseInsensitive = setting
                    return .empty
                }
                caseInsensitive = setting
            case "P" where next == "<", "<" where next != "=" && next != "!":
                if scalars[position - 1] == "P" { position += 1 }
                while let scalar = take(), scalar != ">" {}
            case "=", "!", "<": throw failure("lookaround (at \(start)) is not supported: RE2 syntax has none")
            default: throw failure("unsupported group flag at \(start + 1)")
            }
        }
        depth += 1
        guard depth <= Self.maxNesting else { throw failure("nested deeper than \(Self.maxNesting) groups") }
        let inner = try alternation()
        depth -= 1
        guard take() == ")" else { throw failure("missing ')' for the group at \(start)") }
        // Flags set inside the group (`(?i:...)`, or `(?i)` within it) end with it.
        caseInsensitive = outerFlags
        return inner
    }

    /// `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}` after an atom; nil when none follows (a `{` that
    /// does not start a count is a literal, as in RE2).
    private mutating func quantifier() throws(TagPatternError) -> (Int, Int?)? {
        switch next {
        case "*": position += 1; return (0, nil)
        case "+": position += 1; return (1, nil)
        case "?": position += 1; return (0, 1)
        case "{":
            let start = position
            position += 1
            guard let min = number() else { position = start; return nil }
            var max: Int? = min
            if next == "," {
                position += 1
                max = number()
            }
            guard take() == "}" else { position = start; return nil }
            guard min <= Self.maxCount, (max ?? 0) <= Self.maxCount, max.map({ $0 >= min }) ?? true else {
                throw failure("bad repetition count at \(start + 1): at most \(Self.maxCount), and {n,m} with n <= m")
            }
            return (min, max)
        default: return nil
        }
    }

    private mutating func number() -> Int? {
        var value: Int?
        while let scalar = next, let digit = Int(String(scalar)), scalar.isASCII {
            value = min((value ?? 0) * 10 + digit, Self.maxCount + 1)
            position += 1
        }
        return value
    }

    /// After `\`: a character class, or nil for `\A` and `\z`.
    private mutating func escape(inClass: Bool) throws(TagPatternError) -> TagPatternClass? {
        guard let scalar = take() else { throw failure("trailing backslash") }
        switch scalar {
        case "d": return .digit
        case "D": return TagPatternClass.digit.inverted
        case "w": return .word
        case "W": return TagPatternClass.word.inverted
        case "s": return .space
        case "S": return TagPatternClass.space.inverted
        case "t": return .literal("\t")
        case "n": return .literal("\n")
        case "r": return .literal("\r")
        case "f": return .literal("\u{0C}")
        case "v": return .literal("\u{0B}")
        case "A" where !inClass, "z" where !inClass: return nil
        case "x":
            // `\xHH` or `\x{H...}`.
            var hex = ""
            if next == "{" {
                position += 1
                while let scalar = take(), scalar != "}" { hex.unicodeScalars.append(scalar) }
            } else {
                for _ in 0..<2 { if let scalar = take() { hex.unicodeScalars.append(scalar) } }
            }
            guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
                throw failure("bad \\x escape at \(position)")
            }
            return .literal(scalar)
        case "1"..."9": throw failure("backreference \\\(scalar) is not supported: RE2 syntax has none")
        default:
            guard !scalar.properties.isAlphabetic, !("0"..."9").contains(scalar) else {
                throw failure("unsupported escape \\\(scalar) at \(position - 1)")
            }
            return .literal(scalar)
        }
    }

    /// `[:name:]` inside a class, after its `[`: RE2's ASCII classes.
    private mutating func posixClass() throws(TagPatternError) -> [ClosedRange<UInt32>] {
        let start = position
        position += 1
        var name = ""
        while let scalar = take(), scalar != ":" { name.unicodeScalars.append(scalar) }
        guard take() == "]" else { throw failure("missing ':]' for the class at \(start)") }
        switch name {
        case "alnum": return [48...57, 65...90, 97...122]
        case "alpha": return [65...90, 97...122]
        case "ascii": return [0...127]
        case "blank": return [9...9, 32...32]
        case "cntrl": return [0...31, 127...127]
        case "digit": return [48...57]
        case "graph": return [33...126]
        case "lower": return [97...122]
        case "print": return [32...126]
        case "punct": return [33...47, 58...64, 91...96, 123...126]
        case "space": return [9...13, 32...32]
        case "upper": return [65...90]
        case "word": return [48...57, 65...90, 95...95, 97...122]
        case "xdigit": return [48...57, 65...70, 97...102]
        default: throw failure("unknown class [:\(name):] at \(start)")
        }
    }

    private mutating func characterClass() throws(TagPatternError) -> TagPatternClass {
        let start = position
        var negated = false
        if next == "^" {
            negated = true
            position += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while true {
            guard let scalar = take() else { throw failure("missing ']' for the class at \(start)") }
            if scalar == "]" && !first { break }
            first = false
            var low: UInt32
            if scalar == "\\" {
                guard let escaped = try escape(inClass: true), !escaped.negated else {
                    throw failure("negated classes inside [...] are not supported (at \(position - 1))")
                }
                guard escaped.ranges.count == 1, escaped.ranges[0].count == 1 else {
                    // `[\d-z]`: a class cannot start a range (RE2: bad character class range).
                    if next == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                        throw failure("bad character class range at \(position)")
                    }
                    ranges += escaped.ranges
                    continue
                }
                low = escaped.ranges[0].lowerBound
            } else if scalar == "[" && next == ":" {
                ranges += try posixClass()
                continue
            } else {
                low = scalar.value
            }
            if next == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                position += 1
                guard var high = take()?.value else { throw failure("missing ']'") }
                if high == 92 {  // `\`
                    guard let escaped = try escape(inClass: true), escaped.ranges.count == 1, escaped.ranges[0].count == 1 else {
                        throw failure("bad range end at \(position)")
                    }
                    high = escaped.ranges[0].lowerBound
                }
                guard low <= high else { throw failure("bad range at \(position - 2): its start is after its end") }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        return TagPatternClass(ranges, negated: negated)
    }
}
