import Crypto

/// Incremental hashing for one digest algorithm. A value type: copying it snapshots the state,
/// which is how an upload keeps its hash between requests.
public struct DigestHasher: Sendable {
    private enum State: Sendable {
        case sha256(SHA256)
        case sha512(SHA512)
    }

    private var state: State
    public let algorithm: DigestAlgorithm

    public init(_ algorithm: DigestAlgorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .sha256: state = .sha256(SHA256())
        case .sha512: state = .sha512(SHA512())
        }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .sha256(var hash):
            hash.update(bufferPointer: bytes)
            state = .sha256(hash)
        case .sha512(var hash):
            hash.update(bufferPointer: bytes)
            state = .sha512(hash)
        }
    }

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        switch state {
        case .sha256(var hash):
            hash.update(data: Array(bytes))
            state = .sha256(hash)
        case .sha512(var hash):
            hash.update(data: Array(bytes))
            state = .sha512(hash)
        }
    }

    /// The digest of everything hashed so far; the hasher itself keeps going.
    public func finalize() -> Digest {
        let bytes: [UInt8]
        switch state {
        case .sha256(let hash): bytes = Array(hash.finalize())
        case .sha512(let hash): bytes = Array(hash.finalize())
        }
        // The encoding is built from the hash, so it always has the right length.
        return try! Digest(algorithm: algorithm, hex: Self.hex(bytes))
    }

    /// Digest of a whole byte sequence in one call.
    public static func digest<Bytes: Sequence>(_ bytes: Bytes, algorithm: DigestAlgorithm = .sha256) -> Digest
    where Bytes.Element == UInt8 {
        var hasher = DigestHasher(algorithm)
        hasher.update(bytes)
        return hasher.finalize()
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
