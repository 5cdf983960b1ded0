/// Open upload sessions allowed when one more is created: per repository and per owner (the
/// principal that opened them). Checked in the transaction that creates the session.
public struct UploadLimit: Sendable, Equatable {
    public var perRepository: Int
    public var perOwner: Int

    public init(perRepository: Int, perOwner: Int) {
        self.perRepository = perRepository
        self.perOwner = perOwner
    }

    public static let unlimited = UploadLimit(perRepository: .max, perOwner: .max)
}
