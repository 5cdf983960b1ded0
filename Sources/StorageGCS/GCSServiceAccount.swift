import Foundation

/// A service account's JSON key, the fields the token exchange needs. Google's key files
/// name the token endpoint (`token_uri`); keys without it use Google's.
public struct GCSServiceAccount: Sendable, Equatable {
    public let clientEmail: String
    public let privateKeyPEM: String
    public let privateKeyID: String?
    public let tokenURI: String

    public static let defaultTokenURI = "https://oauth2.googleapis.com/token"
    /// Distribution asks for full control; reads, writes, lists and deletes need read_write.
    public static let scope = "https://www.googleapis.com/auth/devstorage.read_write"

    public init(clientEmail: String, privateKeyPEM: String, privateKeyID: String?, tokenURI: String = GCSServiceAccount.defaultTokenURI) {
        self.clientEmail = clientEmail
        self.privateKeyPEM = privateKeyPEM
        self.privateKeyID = privateKeyID
        self.tokenURI = tokenURI
    }

    private struct KeyFile: Decodable {
        let type: String?
        let client_email: String?
        let private_key: String?
        let private_key_id: String?
        let token_uri: String?
    }

    /// Parses a key file's JSON; `source` names it in errors.
    public init(json: Data, source: String) throws(GCSConfigurationError) {
        let file: KeyFile
        do {
            file = try JSONDecoder().decode(KeyFile.self, from: json)
        } catch {
            throw GCSConfigurationError("\(source) is not a service account key (JSON): \(error)")
        }
        if let type = file.type, type != "service_account" {
            throw GCSConfigurationError("\(source) holds credentials of type \(type); the gcs driver takes a service account's key")
        }
        guard let email = file.client_email, !email.isEmpty, let key = file.private_key, key.contains("PRIVATE KEY") else {
            throw GCSConfigurationError("\(source) lacks client_email or private_key")
        }
        let uri = file.token_uri.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultTokenURI
        // The signed assertion is an hour's grant: plain http only to this machine.
        let loopback = ["http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/", "http://[::1]:", "http://[::1]/"]
        guard uri.hasPrefix("https://") || loopback.contains(where: uri.hasPrefix) else {
            throw GCSConfigurationError("\(source): token_uri \(uri) is not an https URL")
        }
        self.init(clientEmail: email, privateKeyPEM: key, privateKeyID: file.private_key_id, tokenURI: uri)
    }
}
