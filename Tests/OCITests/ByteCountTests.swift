import OCI
import Testing

@Suite struct ByteCountTests {
    @Test(arguments: [
        ("10GiB", Int64(10) << 30), ("512 MiB", 512 << 20), ("1.5GB", 1_500_000_000), ("2g", 2 << 30), ("1048576", 1 << 20),
        ("0", 0), ("7b", 7), ("1tib", 1 << 40),
    ])
    func countsAsPeopleWriteThem(_ text: String, _ bytes: Int64) {
        #expect(ByteCount.parse(text) == bytes)
    }

    @Test(arguments: ["", "lots", "-1GiB", "10XB", "9999999999999999999", "1e30GiB", "nan"])
    func whatIsNotACountIsRefused(_ text: String) {
        #expect(ByteCount.parse(text) == nil)
    }

    @Test func countsAreWrittenForPeople() {
        #expect(ByteCount.format(512) == "512 B")
        #expect(ByteCount.format(1536) == "1.5 KiB")
        #expect(ByteCount.format(10 << 30) == "10.0 GiB")
        #expect(ByteCount.format(322_122_547) == "307.2 MiB")
    }
}
