import Foundation

/// Byte counts as people write them: `10GiB`, `512MiB`, `1.5GB`, `1048576`.
public enum ByteCount {
    static let units: [(String, Int64)] = [
        ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("tib", 1 << 40),
        ("kb", 1_000), ("mb", 1_000_000), ("gb", 1_000_000_000), ("tb", 1_000_000_000_000),
        ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("t", 1 << 40), ("b", 1),
    ]

    /// Parses a count; nil when it is not one (or is negative, or too large).
    public static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !trimmed.isEmpty else { return nil }
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            return scaled(number, factor)
        }
        return scaled(trimmed, 1)
    }

    private static func scaled(_ number: String, _ factor: Int64) -> Int64? {
        if let whole = Int64(number), whole >= 0 {
            let (product, overflow) = whole.multipliedReportingOverflow(by: factor)
            return overflow ? nil : product
        }
        guard let value = Double(number), value.isFinite, value >= 0, value * Double(factor) < 9.2e18 else { return nil }
        return Int64((value * Double(factor)).rounded())
    }

    /// A count for people: `1.50 GiB`, `512 B`.
    public static func format(_ bytes: Int64) -> String {
        let names = ["KiB", "MiB", "GiB", "TiB", "PiB"]
        guard bytes >= 1024 || bytes <= -1024 else { return "\(bytes) B" }
        var value = Double(bytes) / 1024
        var index = 0
        while abs(value) >= 1024 && index < names.count - 1 {
            value /= 1024
            index += 1
        }
        let rounded = (value * 100).rounded() / 100
        return "\(rounded) \(names[index])"
    }
}
