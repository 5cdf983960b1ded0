/// A tag pattern in RE2's syntax, as GitLab's cleanup policies and protection rules use, run
/// in linear time (a Thompson NFA) so that no pattern can make matching a tag slow: the
/// patterns come from users and run over every tag of a repository.
public struct TagPattern: Sendable, Equatable, CustomStringConvertible {
    public let source: String
    /// Whether the whole name must match (cleanup policies, anchored as GitLab's are), or any
    /// part of it (protection rules, matched as GitLab's registry does).
    public let wholeName: Bool
    let program: [TagPatternInstruction]

    public init(_ source: String, wholeName: Bool) throws(TagPatternError) {
        var syntax = try TagPatternParser.parse(source)
        if wholeName { syntax = .sequence([.startOfText, syntax, .endOfText]) }
        self.source = source
        self.wholeName = wholeName
        self.program = try TagPatternCompiler.compile(syntax, source: source)
    }

    public var description: String { source }

    public func matches(_ name: String) -> Bool {
        let text = Array(name.unicodeScalars)
        var marks = [Int](repeating: -1, count: program.count)
        var current: [Int] = []
        var next: [Int] = []
        var stack: [Int] = []
        /// Adds `pc` and what it reaches without consuming a character, once per position.
        func add(_ pc: Int, at position: Int, to list: inout [Int]) {
            stack.append(pc)
            while let pc = stack.popLast() {
                guard marks[pc] != position else { continue }
                marks[pc] = position
                switch program[pc] {
                case .jump(let target): stack.append(target)
                case .split(let first, let second): stack.append(second); stack.append(first)
                case .assertStart: if position == 0 { stack.append(pc + 1) }
                case .assertEnd: if position == text.count { stack.append(pc + 1) }
                case .character, .match: list.append(pc)
                }
            }
        }
        add(0, at: 0, to: &current)
        for position in 0...text.count {
            if current.contains(where: { program[$0] == .match }) { return true }
            guard position < text.count else { break }
            next.removeAll(keepingCapacity: true)
            for pc in current {
                if case .character(let set) = program[pc], set.contains(text[position]) { add(pc + 1, at: position + 1, to: &next) }
            }
            // A match may start anywhere: the anchors decide where it may not.
            add(0, at: position + 1, to: &next)
            swap(&current, &next)
        }
        return false
    }
}
