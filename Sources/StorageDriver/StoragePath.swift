/// Validation of driver paths: absolute, `/`-separated, components of `[A-Za-z0-9._-]`, no
/// `.` or `..`, so no path can leave a driver's root.
public enum StoragePath {
    public static func isValid(_ path: String) -> Bool {
        guard path.first == "/" else { return false }
        if path == "/" { return true }
        for component in path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
            guard !component.isEmpty else { return false }
            if component.elementsEqual(".".utf8) || component.elementsEqual("..".utf8) { return false }
            guard component.allSatisfy(isAllowed) else { return false }
        }
        return true
    }

    public static func validate(_ path: String, driver: String) throws {
        guard isValid(path) else { throw StorageDriverError.invalidPath(path, driver: driver) }
    }

    /// The parent directory of a path (`/` for top-level entries).
    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// Joins a directory and a child name.
    public static func join(_ directory: String, _ name: String) -> String {
        directory == "/" ? "/" + name : directory + "/" + name
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
