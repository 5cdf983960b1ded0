import Foundation

extension Configuration {
    /// Every configured path made absolute against `directory` (the working directory at
    /// start), once: the data directory, TLS files, token trust files, the signing key and
    /// certificate, and the backups directory. Later code never sees a relative path, so no
    /// later change of directory or `sendfile(2)` directive can mean another file.
    public mutating func resolvePaths(relativeTo directory: String = FileManager.default.currentDirectoryPath) {
        func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: directory, isDirectory: true)).standardizedFileURL.path
        }
        storage.rootDirectory = absolute(storage.rootDirectory)
        if let tls = http.tls { http.tls = TLSFiles(certificate: absolute(tls.certificate), key: absolute(tls.key)) }
        if case .token(var token)? = auth {
            token.rootCertBundle = token.rootCertBundle.map(absolute)
            token.jwks = token.jwks.map(absolute)
            auth = .token(token)
        }
        identity.keyPath = identity.keyPath.map(absolute)
        identity.certificatePath = identity.certificatePath.map(absolute)
        backup.directory = backup.directory.map(absolute)
    }
}
