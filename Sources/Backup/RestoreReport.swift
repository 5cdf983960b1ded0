/// What a restore did.
public struct RestoreReport: Sendable, Equatable {
    public var descriptor: BackupDescriptor
    /// Key and certificate files written, role to path.
    public var filesRestored: [String: String] = [:]
    /// Lines for the operator: roles not restored, blobs kept from the old data, leftovers cleaned.
    public var notes: [String] = []

    public init(descriptor: BackupDescriptor) {
        self.descriptor = descriptor
    }
}
