/// A repository name: path components `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*` joined by `/`,
/// under 256 characters in all. Invalid names throw `NAME_INVALID` naming the fault.
public struct RepositoryName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let maxLength = 255

    public let value: String

    public init(_ value: String) throws(RegistryError) {
        guard !value.isEmpty else { throw RegistryError(.nameInvalid, detail: "repository name is empty") }
        guard value.utf8.count <= Self.maxLength else {
            throw RegistryError(.nameInvalid, detail: "repository name must be at most \(Self.maxLength) characters")
        }
        for component in value.split(separator: "/", omittingEmptySubsequences: false) {
            guard Self.isValidComponent(component.utf8) else {
                throw RegistryError(
                    .nameInvalid,
                    detail: "invalid path component \"\(Digest.clip(String(component)))\" in repository name: "
                        + "components are lowercase letters and digits, separated by '.', '_', '__' or dashes"
                )
            }
        }
        self.value = value
    }

    public var description: String { value }

    /// The path components, for storage layouts and authorisation.
    public var components: [Substring] { value.split(separator: "/") }

    public static func < (lhs: RepositoryName, rhs: RepositoryName) -> Bool { lhs.value < rhs.value }

    /// Whether `text` is one valid path component (a new last component, as a rename gives).
    public static func isValidComponent(_ text: String) -> Bool { isValidComponent(Substring(text).utf8) }

    /// Matches `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*` without a regex engine on the hot path.
    static func isValidComponent(_ bytes: Substring.UTF8View) -> Bool {
        var previousWasAlnum = false
        var separator: [UInt8] = []
        for byte in bytes {
            if isAlnum(byte) {
                if !separator.isEmpty {
                    guard isValidSeparator(separator) else { return false }
                    separator.removeAll(keepingCapacity: true)
                }
                previousWasAlnum = true
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") {
                guard previousWasAlnum || !separator.isEmpty else { return false }
                separator.append(byte)
                previousWasAlnum = false
            } else {
                return false
            }
        }
        return previousWasAlnum
    }

    private static func isValidSeparator(_ separator: [UInt8]) -> Bool {
        if separator == [UInt8(ascii: ".")] || separator == [UInt8(ascii: "_")] { return true }
        if separator == [UInt8(ascii: "_"), UInt8(ascii: "_")] { return true }
        return separator.allSatisfy { $0 == UInt8(ascii: "-") }
    }

    private static func isAlnum(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

extension RepositoryName: Codable {
    public init(from decoder: any Decoder) throws {
        self = try RepositoryName(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
