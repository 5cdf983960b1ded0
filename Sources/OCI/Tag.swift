/// A tag: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`. Invalid tags throw `TAG_INVALID`.
public struct Tag: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let maxLength = 128

    public let value: String

    public init(_ value: String) throws(RegistryError) {
        let bytes = value.utf8
        guard let first = bytes.first, bytes.count <= Self.maxLength,
            Self.isWord(first), bytes.allSatisfy({ Self.isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
        else {
            throw RegistryError(
                .tagInvalid,
                detail: "invalid tag \"\(Digest.clip(value))\": tags match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}"
            )
        }
        self.value = value
    }

    public var description: String { value }

    public static func < (lhs: Tag, rhs: Tag) -> Bool { lhs.value < rhs.value }

    private static func isWord(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }
}
