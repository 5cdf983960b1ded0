import Foundation

/// Directories with short paths under /tmp, for programs that limit path lengths.
public enum ShortDirectory {
    public static func make() throws -> String {
        var template = Array("/tmp/wr-XXXXXX".utf8CString)
        guard let result = mkdtemp(&template) else { throw SupportError("mkdtemp failed") }
        return String(cString: result)
    }
}
