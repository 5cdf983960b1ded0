/// A list in an environment variable: a YAML flow sequence (`[RS256, ES256]`, as Distribution
/// parses it) or, for convenience, comma-separated values.
enum YAMLList {
    static func parse(_ text: String, key: String) throws(ConfigurationError) -> [String] {
        var body = Substring(text).trimmingCharacters(" ")
        if body.hasPrefix("[") {
            guard body.hasSuffix("]") else {
                throw ConfigurationError(key: key, problem: "is \"\(text)\", an unclosed list", fix: "write [A, B] or A,B")
            }
            body = body.dropFirst().dropLast()
        }
        let items = body.split(separator: ",").map { $0.trimmingCharacters(" \"'") }.filter { !$0.isEmpty }.map(String.init)
        guard !items.isEmpty else { throw ConfigurationError(key: key, problem: "is an empty list", fix: "name at least one value") }
        return items
    }
}

extension Substring {
    func trimmingCharacters(_ characters: String) -> Substring {
        var text = self
        while let first = text.first, characters.contains(first) { text.removeFirst() }
        while let last = text.last, characters.contains(last) { text.removeLast() }
        return text
    }
}
