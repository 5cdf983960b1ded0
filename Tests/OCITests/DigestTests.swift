import OCI
import Testing

@Suite(.timeLimit(.minutes(3))) struct DigestTests {
    static let emptySHA256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test func parsesAValidDigest() throws {
        let digest = try Digest(parsing: Self.emptySHA256)
        #expect(digest.algorithm == .sha256)
        #expect(digest.hex.count == 64)
        #expect(digest.description == Self.emptySHA256)
    }

    @Test func parsesSHA512() throws {
        let hex = String(repeating: "ab", count: 64)
        #expect(try Digest(parsing: "sha512:" + hex).algorithm == .sha512)
    }

    @Test(arguments: [
        "", "sha256", "sha256:", "sha256:abc", "md5:d41d8cd98f00b204e9800998ecf8427e",
        "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855aa",
        "SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ":e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha512:" + String(repeating: "a", count: 64),
    ])
    func rejectsMalformedDigests(_ text: String) {
        #expect {
            try Digest(parsing: text)
        } throws: { error in
            (error as? RegistryError)?.code == .digestInvalid && (error as? RegistryError)?.detail != nil
        }
    }

    @Test func hasherMatchesKnownVectors() {
        #expect(DigestHasher.digest([UInt8]()).description == Self.emptySHA256)
        #expect(
            DigestHasher.digest(Array("abc".utf8)).description
                == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        #expect(
            DigestHasher.digest(Array("abc".utf8), algorithm: .sha512).hex
                == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        )
    }

    @Test func hasherIsIncrementalAndSnapshotsByCopy() {
        var hasher = DigestHasher(.sha256)
        hasher.update(Array("a".utf8))
        let snapshot = hasher
        hasher.update(Array("bc".utf8))
        #expect(hasher.finalize() == DigestHasher.digest(Array("abc".utf8)))
        #expect(snapshot.finalize() == DigestHasher.digest(Array("a".utf8)))
    }

    @Test func codableRoundTripValidates() throws {
        let digest = try Digest(parsing: Self.emptySHA256)
        let encoded = try JSONEncoderHelper.encode(digest)
        #expect(encoded == "\"\(Self.emptySHA256)\"")
        #expect(throws: RegistryError.self) { try JSONEncoderHelper.decode(Digest.self, "\"sha256:nothex\"") }
    }
}
