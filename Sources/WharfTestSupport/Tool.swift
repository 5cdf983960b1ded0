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

    /// Whether `python3` can import every module in `modules` (always true under CI, where a
    /// missing module must fail the test). Asked in a suite's async condition, so no thread waits
    /// for the interpreter: `.enabled("...") { await Tool.pythonModulesAvailable("jwt") }`.
    public static func pythonModulesAvailable(_ modules: String...) async -> Bool {
        if isCI { return true }
        guard path("python3") != nil else { return false }
        let script = modules.map { "import \($0)" }.joined(separator: "; ")
        return (try? await Command.run(["python3", "-c", script], check: false, timeout: .seconds(60)).succeeded) ?? false
    }
}
