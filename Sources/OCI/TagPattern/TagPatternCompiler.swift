/// Turns `TagPatternSyntax` into a program of `TagPatternInstruction`s; counted repetitions
/// are unrolled, within a bound on the program's size.
struct TagPatternCompiler {
    static let maxInstructions = 20_000

    private(set) var program: [TagPatternInstruction] = []

    static func compile(_ syntax: TagPatternSyntax, source: String) throws(TagPatternError) -> [TagPatternInstruction] {
        var compiler = TagPatternCompiler()
        guard compiler.emit(syntax) else {
            throw TagPatternError(pattern: source, problem: "too large once its repetitions are counted out")
        }
        compiler.program.append(.match)
        return compiler.program
    }

    /// False when the program grew past its bound.
    private mutating func emit(_ syntax: TagPatternSyntax) -> Bool {
        guard program.count < Self.maxInstructions else { return false }
        switch syntax {
        case .empty:
            return true
        case .character(let set):
            program.append(.character(set))
        case .startOfText:
            program.append(.assertStart)
        case .endOfText:
            program.append(.assertEnd)
        case .sequence(let items):
            for item in items where !emit(item) { return false }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (index, branch) in branches.enumerated() {
                let isLast = index == branches.count - 1
                let split = program.count
                if !isLast { program.append(.split(split + 1, -1)) }
                guard emit(branch) else { return false }
                if !isLast {
                    jumps.append(program.count)
                    program.append(.jump(-1))
                    program[split] = .split(split + 1, program.count)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repetition(let inner, let min, let max):
            // A part that compiles to nothing (`()`, `a{0}`) is the same repeated any number of times.
            let before = program.count
            guard emit(inner) else { return false }
            if program.count == before { return true }
            program.removeSubrange(before...)
            for _ in 0..<min where !emit(inner) { return false }
            if let max {
                // Each optional copy may be skipped to the end of all of them.
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(program.count)
                    program.append(.split(program.count + 1, -1))
                    guard emit(inner) else { return false }
                }
                for split in splits { program[split] = .split(split + 1, program.count) }
            } else {
                let loop = program.count
                program.append(.split(loop + 1, -1))
                guard emit(inner) else { return false }
                program.append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        }
        return program.count <= Self.maxInstructions
    }
}
