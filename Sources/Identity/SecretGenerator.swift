import Crypto

/// New secrets (passwords, token values) and the digests tokens are stored as.
public enum SecretGenerator {
    private static let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".utf8)

    /// `prefix` followed by `length` random characters of an unambiguous alphabet.
    public static func make(prefix: String = "", length: Int = 20) -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] }
        return prefix + String(decoding: characters, as: UTF8.self)
    }

    /// The stored form of a token: hex SHA-256. Tokens have 110+ bits of entropy, so an
    /// unsalted fast hash is enough and lets a token be found by its digest.
    public static func digest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
