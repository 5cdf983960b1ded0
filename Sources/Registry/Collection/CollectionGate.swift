/// Lets something else hold off garbage collection's storage deletes for a while: a backup
/// copying the blobs its snapshot names. Reviews go on; deletions begin again once it is done.
public protocol CollectionGate: Sendable {
    /// A token that allows storage deletes while it is kept; nil while they are held off.
    func allowDeletes() -> (any Sendable)?
}
