import Metadata

/// A manifest an import read and verified, waiting to be recorded (images before the indexes
/// that name them).
struct ImportedManifest: Sendable {
    let record: ManifestRecord
    let references: ManifestReferences
    let isIndex: Bool
}
