/// A content digest `algorithm:hex`. Only registered, supported algorithms with an encoding of
/// the right length exist as values; anything else throws `DIGEST_INVALID`.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let algorithm: DigestAlgorithm
    /// Lowercase hex encoding.
    public let hex: String

    public init(algorithm: DigestAlgorithm, hex: String) throws(RegistryError) {
        guard hex.utf8.count == algorithm.hexLength, hex.utf8.allSatisfy(Self.isLowerHex) else {
            throw RegistryError(
                .digestInvalid,
                detail: "\(algorithm.rawValue) digest must be \(algorithm.hexLength) lowercase hex characters"
            )
        }
        self.algorithm = algorithm
        self.hex = hex
    }

    public init(parsing string: String) throws(RegistryError) {
        guard let colon = string.firstIndex(of: ":") else {
            throw RegistryError(.digestInvalid, detail: "invalid digest \"\(Self.clip(string))\": expected algorithm:hex")
        }
        let name = String(string[..<colon])
        guard let algorithm = DigestAlgorithm(rawValue: name) else {
            throw RegistryError(
                .digestInvalid,
                detail: "unsupported digest algorithm \"\(Self.clip(name))\" (supported: sha256, sha512)"
            )
        }
        do {
            try self.init(algorithm: algorithm, hex: String(string[string.index(after: colon)...]))
        } catch {
            throw RegistryError(.digestInvalid, detail: "invalid digest \"\(Self.clip(string))\": \(error.detail ?? "")")
        }
    }

    public var description: String { "\(algorithm.rawValue):\(hex)" }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
    }

    /// Keeps error details short when a client sends garbage.
    static func clip(_ text: String) -> String {
        text.count > 140 ? String(text.prefix(140)) + "…" : text
    }
}

extension Digest: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        self = try Digest(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
