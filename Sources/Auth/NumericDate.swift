/// A JWT NumericDate: seconds since 1970, possibly fractional; kept as whole seconds.
struct NumericDate: Decodable {
    let seconds: Int64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let whole = try? container.decode(Int64.self) {
            seconds = whole
        } else {
            seconds = Int64(try container.decode(Double.self).rounded(.down))
        }
    }
}
