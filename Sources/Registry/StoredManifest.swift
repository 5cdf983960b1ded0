import Metadata
import NIOCore

/// A manifest to send: its record and its exact bytes.
public struct StoredManifest: Sendable {
    public let record: ManifestRecord
    public let bytes: ByteBuffer
}
