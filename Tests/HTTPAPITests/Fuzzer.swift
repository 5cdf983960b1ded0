/// Inputs for fuzz tests: seeds mutated by a seeded generator (the same inputs on every run,
/// so a failure reproduces), with fragments that break parsers — integer edges, separators,
/// percent signs, NULs, non-ASCII.
struct Fuzzer {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    static let fragments = [
        "0", "1", "-", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
        "1e300", "99999999999999999999999999", "bytes=", "bytes ", "/", "*", ",", " ", ":", "=", "%", "%2F", "..", "\u{0}",
        "é", "\u{1F600}", "sha256:", "sha512:", "\"", "{", "}", "[", "]", "null", "true", ".", "_", "__", "\\", "\r\n",
    ]

    /// SplitMix64.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    /// One of `seeds`, changed by one to four mutations.
    mutating func mutate(_ seeds: [String]) -> String {
        var characters = Array(seeds[below(seeds.count)])
        for _ in 0...below(4) {
            switch below(5) {
            case 0:
                let fragment = Array(Self.fragments[below(Self.fragments.count)])
                characters.insert(contentsOf: fragment, at: below(characters.count + 1))
            case 1 where !characters.isEmpty:
                let start = below(characters.count)
                characters.removeSubrange(start..<min(characters.count, start + 1 + below(8)))
            case 2 where !characters.isEmpty:
                characters[below(characters.count)] = Character(Unicode.Scalar(UInt8(truncatingIfNeeded: next() % 128)))
            case 3 where !characters.isEmpty:
                let start = below(characters.count)
                let piece = characters[start..<min(characters.count, start + 1 + below(16))]
                characters.insert(contentsOf: Array(piece), at: below(characters.count + 1))
            default:
                let fragment = Array(Self.fragments[below(Self.fragments.count)])
                characters.append(contentsOf: fragment)
            }
        }
        return String(characters)
    }

    /// A size anywhere in `0...Int64.max`, often small or at an edge.
    mutating func size() -> Int64 {
        switch below(4) {
        case 0: return Int64(below(4))
        case 1: return Int64(below(1 << 20))
        case 2: return Int64.max - Int64(below(4))
        default: return Int64(bitPattern: next() >> 1)
        }
    }
}
