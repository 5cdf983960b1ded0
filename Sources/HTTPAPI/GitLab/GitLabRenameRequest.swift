import Foundation
import Metadata
import OCI

/// GitLab's rename request (`PATCH /gitlab/v1/repositories/<path>/?dry_run=`, body
/// `{"name": ...}` or `{"namespace": ...}`), checked as GitLab's registry checks it.
public struct GitLabRenameRequest: Equatable, Sendable {
    public let rename: RepositoryRename
    public let dryRun: Bool
    /// The namespace a move goes into; nil for a rename in place. A move also needs push on
    /// `<namespace>/*`.
    public let namespace: String?

    /// A body is small: anything longer is not a rename.
    public static let maxBodyBytes = 16 * 1024

    public init(path: RepositoryName, dryRun: String?, body: [UInt8]) throws(RegistryError) {
        switch dryRun {
        case nil, "false": self.dryRun = false
        case "true": self.dryRun = true
        default: throw RegistryError(.invalidQueryParameterType, detail: "the 'dry_run' query parameter value type must be one of: bool")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw RegistryError(.invalidJSONBody, detail: "the body must be a JSON object with 'name' or 'namespace'")
        }
        let name = try Self.string(object, "name"), namespace = try Self.string(object, "namespace")
        do {
            switch (name, namespace) {
            case (let name?, nil):
                rename = try RepositoryRename.renaming(path, to: name)
            case (nil, let namespace?):
                rename = try RepositoryRename.moving(path, into: namespace)
            case (.some, .some):
                throw RegistryError(.invalidBodyParameter, detail: "'name' and 'namespace' are mutually exclusive")
            case (nil, nil):
                throw RegistryError(.invalidBodyParameter, detail: "the body must set 'name' or 'namespace'")
            }
        } catch let error as RepositoryRenameError {
            switch error {
            case .overlapping: throw RegistryError(.renameConflict, detail: error.message)
            // GitLab's registry answers a name that is no project name with this code.
            case .invalidName: throw RegistryError(.invalidBodyParameterType, detail: error.message)
            case .topLevel, .otherTopLevel: throw RegistryError(.invalidBodyParameter, detail: error.message)
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.invalidBodyParameter, detail: "\(error)")
        }
        self.namespace = namespace
    }

    private static func string(_ object: [String: Any], _ key: String) throws(RegistryError) -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else {
            throw RegistryError(.invalidBodyParameterType, detail: "the '\(key)' body parameter value type must be one of: string")
        }
        return text
    }
}
