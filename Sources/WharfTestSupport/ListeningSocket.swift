import Foundation

/// The TCP port a process listens on, read from `/proc`: its descriptors name socket inodes,
/// and `/proc/net/tcp` gives each listening inode's local port. For servers told to bind port
/// 0 that do not say which one they got.
public enum ListeningSocket {
    public static func port(of pid: Int32) -> Int? {
        let descriptors = "/proc/\(pid)/fd"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: descriptors) else { return nil }
        var inodes: Set<String> = []
        for name in names {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: descriptors + "/" + name),
                target.hasPrefix("socket:[")
            else { continue }
            inodes.insert(String(target.dropFirst("socket:[".count).dropLast()))
        }
        guard !inodes.isEmpty else { return nil }
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                // sl local_address rem_address st tx:rx tr:tm retrnsmt uid timeout inode
                guard fields.count > 9, fields[3] == "0A", inodes.contains(String(fields[9])),
                    let portHex = fields[1].split(separator: ":").last, let port = Int(portHex, radix: 16)
                else { continue }
                return port
            }
        }
        return nil
    }
}
