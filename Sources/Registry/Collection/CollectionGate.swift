/// Lets something else hold off garbage collection's storage deletes for a while: a backup
/// copying the blobs its snapshot names. Reviews go on; deletions begin again once it is done.
public protocol CollectionGate: Sendable {
    /// A token that allows storage deletes while it is kept; nil while they are held off.
    func allowDeletes() async -> (any Sendable)?
}

extension CollectionGate {
    /// `allowDeletes`, wrapped so that "no gate" and "held off" stay apart: nil is no gate.
    func permit() async -> (any Sendable)?? {
        .some(await allowDeletes())
    }
}
