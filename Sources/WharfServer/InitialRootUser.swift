import Config
import Foundation
import Identity
import Logging

/// GitLab's first start: on an empty user table, an admin `root` with a random password,
/// written to `<root>/initial_root_password` (mode 0600 from its creation). The log names the
/// file, never the password: logs are shipped and kept where the file is not.
enum InitialRootUser {
    /// True when it made root now.
    static func ensure(admin: IdentityAdmin, data: DataDirectory, logger: Logger) async throws -> Bool {
        guard try await admin.store.users().isEmpty else { return false }
        let password = try await admin.createUser(username: "root", password: nil, isAdmin: true).secret
        let path = data.initialRootPassword
        let text = "# The password of the admin user root, made on first start. Change it and delete this file.\nPassword: \(password)\n"
        try SecretFile.write(text, to: path)
        logger.notice("created the admin user root; its password is in \(path) (mode 0600)")
        return true
    }

    /// The line to copy once the listener is up: the public host, or localhost and the port.
    static func loginLine(publicBase: String?, port: Int) -> String {
        let host = publicBase.map { $0.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "") }
        return "first login: docker login \(host ?? "localhost:\(port)") -u root   (password in \(DataDirectory.initialRootPasswordName))"
    }
}
