import Foundation

/// External programs the integration tests use, and whether a missing one skips or fails.
public enum Tool {
    /// True under CI (`CI=true`): there a missing component is a failure, never a skip.
    public static var isCI: Bool {
        ["true", "1", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")
    }

    /// Where `name` is on PATH, or nil.
    public static func path(_ name: String) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether a test needing `names` should run: all present, or under CI (where it then fails
    /// loudly on what is missing instead of being skipped).
    public static func available(_ names: String...) -> Bool {
        available(names)
    }

    public static func available(_ names: [String]) -> Bool {
        isCI || names.allSatisfy { path($0) != nil }
    }

    /// Whether `python3` can import every module in `modules`.
    public static func pythonModulesAvailable(_ modules: String...) -> Bool {
        if isCI { return true }
        guard let python = path("python3") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", modules.map { "import \($0)" }.joined(separator: "; ")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        } catch {
            return false
        }
    }
}
