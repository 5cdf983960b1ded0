import Foundation
import Identity
import Logging

/// GitLab's first start: on an empty user table, an admin `root` with a random password,
/// written to `<root>/initial_root_password` (mode 0600) and announced once in the log.
enum InitialRootUser {
    static let fileName = "initial_root_password"

    static func ensure(admin: IdentityAdmin, root: String, logger: Logger) async throws {
        guard try await admin.store.users().isEmpty else { return }
        let password = try await admin.createUser(username: "root", password: nil, isAdmin: true).secret
        let path = root + "/" + fileName
        let text = "# The password of the admin user root, made on first start. Change it and delete this file.\nPassword: \(password)\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw WharfStartupError("cannot write \(path)")
        }
        logger.notice("created the admin user root; its password is in \(path) (shown once)", metadata: ["password": "\(password)"])
    }
}
