import Foundation

/// GitLab's registry writes times in UTC with milliseconds (`2022-06-07T12:11:13.633Z`), and
/// tag-list markers with microseconds.
enum GitLabTimestamp {
    static func milliseconds(_ seconds: Double) -> String {
        format(seconds, fraction: 3)
    }

    static func microseconds(_ seconds: Double) -> String {
        format(seconds, fraction: 6)
    }

    private static func format(_ seconds: Double, fraction: Int) -> String {
        let scale = pow(10, Double(fraction))
        let scaled = (seconds * scale).rounded(.down)
        let whole = Int64((scaled / scale).rounded(.down))
        let part = Int64(scaled) - whole * Int64(scale)
        let date = Date(timeIntervalSince1970: Double(whole))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let digits = String(part).count < fraction ? String(repeating: "0", count: fraction - String(part).count) + String(part) : String(part)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!) + digits + "Z"
    }

    /// Parses what `microseconds` writes (any fraction), for markers clients send back.
    static func parse(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text) else { return nil }
        // ISO8601DateFormatter keeps milliseconds only: take the digits from the text.
        guard let dot = text.firstIndex(of: "."), let end = text.firstIndex(of: "Z") else { return date.timeIntervalSince1970 }
        let digits = text[text.index(after: dot)..<end]
        guard let fraction = Double("0." + digits) else { return date.timeIntervalSince1970 }
        return date.timeIntervalSince1970.rounded(.down) + fraction
    }
}
