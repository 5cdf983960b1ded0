import Foundation
import Testing
import WharfTestSupport

/// The first start's secrets — the token signing key and the root password — are never
/// readable by another local user, not even while they are written: strace shows each created
/// by `open(O_CREAT|O_EXCL, 0600)` and never renamed into place, and what is left is 0600 in
/// directories of 0700.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(if: FileManager.default.isExecutableFile(atPath: WharfProcess.binary), "the wharf binary is not built"))
struct SecretFileTests {
    @Test(.enabled(if: Tool.available("strace"), "strace is not installed"), .timeLimit(.minutes(2)))
    func theFirstStartCreatesSecretsPrivateFromTheFirstByte() async throws {
        try await withTemporaryDirectory { directory in
            let root = directory + "/data"
            let trace = directory + "/trace"
            let port = try FreePort.find()
            // The server is stopped as soon as the password file exists (and SQLite had time to
            // open its write-ahead log); the loop is bounded by the Command's timeout.
            let script = """
                strace -f -qq -o \(trace) -e trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,chmod,fchmodat \
                  "$WHARF" serve --addr 127.0.0.1:\(port) --root \(root) >\(directory)/log 2>&1 &
                pid=$!
                while [ ! -s \(root)/initial_root_password ]; do sleep 0.1; done
                sleep 1
                pkill -TERM -P $pid; wait $pid
                true
                """
            try await Command.run(["sh", "-c", script], environment: ["WHARF": WharfProcess.binary], timeout: .seconds(90))
            let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").map(String.init)

            for secret in [root + "/keys/registry.key", root + "/initial_root_password"] {
                let creations = lines.filter { $0.contains("\"\(secret)\"") && $0.contains("O_CREAT") }
                #expect(!creations.isEmpty, "no creation of \(secret) traced")
                for line in creations {
                    #expect(line.contains("O_EXCL") && line.contains(", 0600)"), "\(line)")
                }
                let renamedOnto = lines.filter { $0.contains("rename") && $0.contains("\"\(secret)\"") }
                #expect(renamedOnto.isEmpty, "\(secret) was renamed into place: \(renamedOnto)")
                #expect(mode(secret) == 0o600)
            }
            let database = root + "/wharf.sqlite"
            let firstOpen = lines.first { $0.contains("\"\(database)\"") && $0.contains("O_CREAT") }
            #expect(firstOpen?.contains(", 0600)") == true, "the database was first created as: \(firstOpen ?? "-")")
            for file in [database, database + "-wal", database + "-shm"] where FileManager.default.fileExists(atPath: file) {
                #expect(mode(file) == 0o600, "\(file)")
            }
            for directory in [root, root + "/keys"] {
                let made = lines.filter { $0.contains("mkdir") && $0.contains("\"\(directory)\"") }
                #expect(made.count == 1 && made[0].contains(", 0700)"), "\(made)")
            }
            #expect(mode(root) == 0o700)
            #expect(mode(root + "/keys") == 0o700)
            let log = try String(contentsOfFile: directory + "/log", encoding: .utf8)
            let password = try String(contentsOfFile: root + "/initial_root_password", encoding: .utf8)
                .split(separator: "\n").first { $0.hasPrefix("Password: ") }?.dropFirst("Password: ".count)
            let secretText = try #require(password)
            #expect(!log.contains(secretText), "the log carries the root password")
            #expect(log.contains("initial_root_password"), "the log names the password file")
        }
    }

    func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int
    }
}
