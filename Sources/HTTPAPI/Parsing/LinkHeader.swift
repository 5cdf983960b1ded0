/// The `Link: <...>; rel="next"` header of paginated listings.
public enum LinkHeader {
    public static func next(path: String, limit: Int, last: String) -> String {
        "<\(path)?n=\(limit)&last=\(percentEncode(last))>; rel=\"next\""
    }

    /// Encodes everything but unreserved characters and `/`, so names and tags survive any query parser.
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let char = Character(UnicodeScalar(byte))
            if char.isASCII, char.isLetter || char.isNumber || "-._~/".contains(char) {
                out.append(char)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
