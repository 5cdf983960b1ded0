/// Open upload sessions allowed (Wharf's keys `limits.uploads.*`): sessions are purged only
/// after `uploadpurging.age`, so without a cap one client could open millions.
public struct UploadLimits: Sendable, Equatable {
    /// `limits.uploads.perrepository`.
    public var perRepository = 1000
    /// `limits.uploads.perprincipal`: per token subject, or per client address when open.
    public var perPrincipal = 1000

    public init() {}
}
