/// Refuses manifest JSON that readers would understand differently. Swift's decoder keeps the
/// first of two equal keys; Go's `encoding/json` (Distribution, containerd, docker) keeps the
/// last and matches struct fields case-insensitively, so `{"digest":A,"digest":B}` or a
/// `"Digest"` beside `"digest"` would make Wharf check other references than clients pull
/// (and than garbage collection trusts). Exact duplicates are refused everywhere; a key that
/// folds to a manifest field's name without being it is refused outside annotation maps.
/// Malformed JSON is left to the decoder, which names the fault.
public enum JSONKeyCheck {
    /// Field names of manifests, indexes, descriptors and platforms, by their folded form.
    static let fields: [String: String] = Dictionary(
        uniqueKeysWithValues: [
            "schemaVersion", "mediaType", "artifactType", "config", "layers", "manifests", "subject", "annotations", "digest",
            "size", "urls", "platform", "data", "architecture", "os", "os.version", "os.features", "variant", "features",
        ].map { (fold($0), $0) }
    )
    /// Deeper nesting is no manifest; the decoder refuses it too.
    static let maxDepth = 64

    public static func check(_ bytes: [UInt8]) throws(RegistryError) {
        var scanner = Scanner(bytes: bytes)
        do throws(Failure) {
            try scanner.value(depth: 0, inAnnotations: false)
        } catch {
            if case .refused(let detail) = error { throw RegistryError(.manifestInvalid, detail: detail) }
        }
    }

    /// Go's case folding as it matters for ASCII field names: ASCII case, plus the two
    /// characters that fold onto ASCII letters (ſ → s, the Kelvin sign → k).
    static func fold(_ key: String) -> String {
        String(key.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "\u{017F}": "s"
            case "\u{212A}": "k"
            default: Character(String(scalar).lowercased())
            }
        })
    }

    enum Failure: Error {
        case malformed
        case refused(String)
    }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func value(depth: Int, inAnnotations: Bool) throws(Failure) {
            guard depth <= JSONKeyCheck.maxDepth else { throw .malformed }
            skipSpace()
            guard index < bytes.count else { throw .malformed }
            switch bytes[index] {
            case UInt8(ascii: "{"): try object(depth: depth, isAnnotations: inAnnotations)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""): _ = try string()
            default: try scalar()
            }
        }

        private mutating func object(depth: Int, isAnnotations: Bool) throws(Failure) {
            index += 1
            var keys = Set<String>()
            skipSpace()
            if peek(UInt8(ascii: "}")) {
                index += 1
                return
            }
            while true {
                skipSpace()
                guard peek(UInt8(ascii: "\"")) else { throw .malformed }
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw .refused("the key \"\(Digest.clip(key))\" appears twice in one object; clients would read another value than the registry")
                }
                if !isAnnotations, let field = JSONKeyCheck.fields[JSONKeyCheck.fold(key)], field != key {
                    throw .refused("the key \"\(Digest.clip(key))\" differs from the field \(field) only in case; write \(field)")
                }
                skipSpace()
                guard peek(UInt8(ascii: ":")) else { throw .malformed }
                index += 1
                try value(depth: depth + 1, inAnnotations: key == "annotations")
                skipSpace()
                guard index < bytes.count else { throw .malformed }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return
                } else {
                    throw .malformed
                }
            }
        }

        private mutating func array(depth: Int) throws(Failure) {
            index += 1
            skipSpace()
            if peek(UInt8(ascii: "]")) {
                index += 1
                return
            }
            while true {
                try value(depth: depth + 1, inAnnotations: false)
                skipSpace()
                guard index < bytes.count else { throw .malformed }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return
                } else {
                    throw .malformed
                }
            }
        }

        /// A string's decoded text; the index ends after its closing quote.
        private mutating func string() throws(Failure) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var run = index
            func flush(_ end: Int) throws(Failure) {
                guard run < end else { return }
                guard let text = String(validating: bytes[run..<end], as: UTF8.self) else { throw .malformed }
                scalars.append(contentsOf: text.unicodeScalars)
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    try flush(index)
                    index += 1
                    return String(scalars)
                }
                guard byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                try flush(index)
                guard index + 1 < bytes.count else { throw .malformed }
                let escape = bytes[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var unit = try hex4()
                    if (0xD800..<0xDC00).contains(unit), peek(UInt8(ascii: "\\")), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try hex4()
                        unit = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                    }
                    scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                default:
                    throw .malformed
                }
                run = index
            }
            throw .malformed
        }

        private mutating func hex4() throws(Failure) -> UInt32 {
            guard index + 4 <= bytes.count else { throw .malformed }
            var value: UInt32 = 0
            for byte in bytes[index..<(index + 4)] {
                guard let digit = Self.hexValue(byte) else { throw .malformed }
                value = value << 4 | digit
            }
            index += 4
            return value
        }

        private static func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        /// Numbers, `true`, `false`, `null`: skipped, the decoder checks them.
        private mutating func scalar() throws(Failure) {
            let start = index
            while index < bytes.count, !Self.isDelimiter(bytes[index]) { index += 1 }
            guard index > start else { throw .malformed }
        }

        private static func isDelimiter(_ byte: UInt8) -> Bool {
            [UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(byte)
        }

        private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

        private mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }
    }
}
