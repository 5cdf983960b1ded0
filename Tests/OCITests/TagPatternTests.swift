import Foundation
import OCI
import Testing

/// Tag patterns: RE2 syntax, whole-name (cleanup) or anywhere (protection), in linear time.
@Suite struct TagPatternTests {
    static let patterns = [
        ".*", "v.*", "v\\d+\\.\\d+\\.\\d+", "(?:dev|feature)-.*", "release-[0-9]{1,3}", "[^-]+", "a|b|c", "latest",
        "main-[a-f0-9]{7}", "x*y+z?", "(ab)+", "[a-z_.-]+", "^v", "-stable$", "\\w+-\\w+", "(a|ab)(c|bcd)(d*)", "[]a]+",
        "a{2,}", "a{0,2}b", "(?<name>v)1", ".+-rc\\d*", "\\.", "(?i)V\\d", "(?i:MAIN)-.*", "[[:digit:]]+", "[[:alpha:]_]+",
        "a\\x2db|1\\x{2E}0", "(?i)[^a-c]+", "x(?i)Y",
    ]
    static let tags = [
        "latest", "v1.2.3", "v1.2", "dev-login", "feature-x", "release-10", "release-1000", "main-0a1b2c3", "main-0A1B2C3",
        "xyyz", "y", "ababab", "aba", "1.0-stable", "stable", "a", "b", "abcd", "]]a", "aa", "aaa", "ab", "b", "v1", "1.0-rc",
        "1.0-rc12", "x", "a.b", "", "V1", "MAIN-x", "main-x", "Main-1", "a-b", "1.0", "xY", "xy", "XY", "D", "d",
    ]

    /// The same answers as Foundation's regex engine on patterns both read the same way.
    @Test(arguments: patterns)
    func agreesWithFoundationsEngine(_ pattern: String) throws {
        let whole = try TagPattern(pattern, wholeName: true)
        let part = try TagPattern(pattern, wholeName: false)
        let anchored = try NSRegularExpression(pattern: "^(?:\(pattern))$")
        let anywhere = try NSRegularExpression(pattern: pattern)
        for tag in Self.tags {
            let range = NSRange(tag.startIndex..., in: tag)
            #expect(whole.matches(tag) == (anchored.firstMatch(in: tag, range: range) != nil), "\(pattern) whole \(tag)")
            #expect(part.matches(tag) == (anywhere.firstMatch(in: tag, range: range) != nil), "\(pattern) anywhere \(tag)")
        }
    }

    @Test func cleanupPatternsAreAnchoredAroundTheWholePattern() throws {
        // GitLab wraps without a group (`\Aa|b\z`); Wharf anchors the whole alternation.
        let either = try TagPattern("dev|main", wholeName: true)
        #expect(either.matches("dev") && either.matches("main"))
        #expect(!either.matches("dev-1") && !either.matches("x-main"))
        #expect(try TagPattern("", wholeName: true).matches(""))
        #expect(!(try TagPattern("", wholeName: true).matches("v1")))
        #expect(try TagPattern("\\Av\\z", wholeName: false).matches("v"))
        #expect(try TagPattern("(?P<name>v)1", wholeName: true).matches("v1"), "RE2's named groups")
    }

    @Test(arguments: [
        ("(a", "missing ')'"), ("a)", "unmatched ')'"), ("[a-", "missing ']'"), ("*a", "missing argument"), ("a**", "bad repetition"),
        ("(?=a)", "lookaround"), ("(?<!a)b", "lookaround"), ("(a)\\1", "backreference"), ("\\q", "unsupported escape"),
        ("[z-a]", "bad range"), ("a{5,2}", "bad repetition count"), ("a{1001}", "bad repetition count"), ("[[:nope:]]", "unknown class"),
        ("(?x)a", "unsupported group flag"), ("((((((((((a{1000}){1000})))))))))", "multiply"), ("\\", "trailing backslash"),
        ("((((){1000}){1000}){1000}){1000}", "multiply"), ("{5}a", "missing argument"), ("[\\d-z]", "bad character class range"), ("(a{999}){2}", "multiply"), ("\\xZZ", "bad \\x escape"),
    ])
    func badPatternsAreRefusedWithTheReason(_ pattern: String, _ reason: String) {
        #expect {
            _ = try TagPattern(pattern, wholeName: true)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    /// Patterns that take a backtracking engine exponential time answer at once here.
    @Test func pathologicalPatternsStayLinear() throws {
        let tag = String(repeating: "a", count: 128) + "!"
        for pattern in ["(a+)+$", "(a|a)*$", "(a*)*b", "(a|aa)+$", "(.*a){20}$"] {
            #expect(!(try TagPattern(pattern, wholeName: true).matches(tag)), "\(pattern)")
        }
    }
}
