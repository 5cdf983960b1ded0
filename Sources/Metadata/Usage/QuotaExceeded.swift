import OCI

/// A write refused because it would take a path past its limit: what the client is told.
public struct QuotaExceeded: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var limit: Int64
    public var stored: Int64
    public var reserved: Int64
    /// The bytes the refused write would have added.
    public var needed: Int64

    public init(path: String, limit: Int64, stored: Int64, reserved: Int64, needed: Int64) {
        self.path = path
        self.limit = limit
        self.stored = stored
        self.reserved = reserved
        self.needed = needed
    }

    public var description: String {
        let kind = UsagePath.isTopLevel(path) ? "namespace" : "project"
        return "storage limit of \(kind) \(path) reached: limit \(ByteCount.format(limit)), in use "
            + "\(ByteCount.format(stored + reserved)) (\(ByteCount.format(stored)) stored, \(ByteCount.format(reserved)) "
            + "reserved by uploads in progress), this push needs \(ByteCount.format(needed)) more"
    }
}
