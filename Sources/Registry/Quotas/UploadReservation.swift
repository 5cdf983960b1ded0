/// How far ahead an upload reserves bytes against its storage limits, so that stored plus
/// reserved never passes a limit while bytes arrive. A chunk of announced length reserves
/// all of it before its first byte is written; a streamed one reserves in steps, and when a
/// step is refused asks for exactly what it is about to write, so it is cut off at the limit
/// rather than a step before it.
struct UploadReservation: Sendable, Equatable {
    /// Bytes a streamed chunk reserves at a time: few transactions, little held back.
    static let step: Int64 = 64 * 1024 * 1024

    /// The total the upload holds.
    private(set) var held: Int64
    /// Where the chunk ends when its length was announced.
    let announcedEnd: Int64?

    init(held: Int64, announcedEnd: Int64?) {
        self.held = held
        self.announcedEnd = announcedEnd
    }

    /// The total to ask for before the upload holds `end` bytes, and the smallest total that
    /// would still do; nil when what is held covers it.
    func request(before end: Int64) -> (ask: Int64, atLeast: Int64)? {
        guard end > held else { return nil }
        if let announcedEnd, announcedEnd >= end { return (announcedEnd, announcedEnd) }
        return (Self.sum(end, Self.step), end)
    }

    /// Offsets and lengths come from clients' headers: a sum past `Int64.max` is held there
    /// (and refused by any limit) instead of trapping.
    static func sum(_ a: Int64, _ b: Int64) -> Int64 {
        let (total, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : total
    }

    /// The store granted `total`.
    mutating func granted(_ total: Int64) {
        held = max(held, total)
    }
}
