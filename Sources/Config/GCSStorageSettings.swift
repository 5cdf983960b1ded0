import Foundation

/// `storage.gcs`: blobs in a Google Cloud Storage bucket. The keys are Distribution 2.8's:
/// `bucket`, `keyfile` or `credentials` (a service account's key, as a file or inline), and
/// without either the application default credentials (`GOOGLE_APPLICATION_CREDENTIALS`, then
/// the metadata server of the machine); `STORAGE_EMULATOR_HOST`, as Google's client libraries
/// read it, points the driver at an emulator and sends no credentials.
public struct GCSStorageSettings: Sendable, Equatable {
    public var bucket: String
    /// `keyfile`: the path of a service account's JSON key.
    public var keyFile: String?
    /// `credentials`: the same key's fields given inline, as JSON.
    public var credentialsJSON: String?
    /// `rootdirectory`: an object-name prefix inside the bucket.
    public var rootDirectory = ""
    /// `chunksize`: bytes per request of a resumable upload, a multiple of 256 KiB
    /// (Distribution's default 5 MiB).
    public var chunkSize = GCSStorageSettings.defaultChunkSize
    /// `STORAGE_EMULATOR_HOST`: an emulator's base URL (`http://` added when it has no scheme).
    public var emulatorHost: String?
    /// `GOOGLE_APPLICATION_CREDENTIALS`: a key file used when neither key is configured.
    public var applicationCredentials: String?

    public static let chunkUnit = 256 * 1024
    public static let defaultChunkSize = 20 * chunkUnit

    public init(bucket: String) {
        self.bucket = bucket
    }
}

extension GCSStorageSettings {
    /// The fields of a service account key that `credentials` may give.
    static let credentialFields = [
        "type", "project_id", "private_key_id", "private_key", "client_email", "client_id", "auth_uri", "token_uri",
        "auth_provider_x509_cert_url", "client_x509_cert_url", "universe_domain",
    ]

    /// A flat JSON object of strings, as a key file holds them.
    static func json(_ fields: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // A dictionary of strings always encodes.
        return String(decoding: (try? encoder.encode(fields)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
