/// A JWT NumericDate: seconds since 1970, possibly fractional; kept as whole seconds. The
/// payload is attacker-controlled and may be decoded before any signature work (`x5c`), so
/// a value outside `Int64` (`1e300`, `1e19`, infinities) is a decoding error, never a trap.
struct NumericDate: Decodable {
    let seconds: Int64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let whole = try? container.decode(Int64.self) {
            seconds = whole
            return
        }
        let value = try container.decode(Double.self)
        guard value.isFinite, let whole = Int64(exactly: value.rounded(.down)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a NumericDate out of range")
        }
        seconds = whole
    }
}
