import Foundation
import HTTPTypes
import Hummingbird
import Metadata
import OCI
import Registry

/// Storage limits and usage (Wharf's endpoints; GitLab keeps these in Rails): `:path` is a
/// namespace or a project path, URL-encoded as GitLab's project ids are (`team%2Fapp`).
extension AdminAPI {
    struct QuotaView: Encodable {
        let path: String
        let kind: String
        let limit: Int64?
        let stored: Int64
        let reserved: Int64

        init(_ usage: StorageUsage) {
            path = usage.path
            kind = UsagePath.isTopLevel(usage.path) ? "namespace" : "project"
            limit = usage.limit
            stored = usage.stored
            reserved = usage.reserved
        }
    }

    struct QuotaList: Encodable {
        let defaultLimit: Int64?
        let quotas: [QuotaView]

        enum CodingKeys: String, CodingKey { case defaultLimit = "default", quotas }
    }

    /// `{"limit": 1073741824}` or `{"limit": "10GiB"}`.
    struct NewQuota: Decodable {
        let limit: Int64

        enum CodingKeys: String, CodingKey { case limit }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let bytes = try? container.decode(Int64.self, forKey: .limit) {
                limit = bytes
            } else {
                let text = try container.decode(String.self, forKey: .limit)
                guard let bytes = ByteCount.parse(text) else {
                    throw AdminAPIFailure(status: .badRequest, message: "limit \(text) is not a byte count: write e.g. 10GiB or 1048576")
                }
                limit = bytes
            }
        }
    }

    func registerQuotas(on api: RouterGroup<WharfRequestContext>, quotas: QuotaService) {
        api.get("registry/quotas") { _, _ in
            try Self.json(QuotaList(defaultLimit: quotas.defaultNamespaceLimit, quotas: try await quotas.limits().map(QuotaView.init)))
        }
        api.put("registry/quotas/:path") { request, context in
            let path = try Self.quotaPath(context)
            let new = try await request.decode(as: NewQuota.self, context: context)
            guard new.limit >= 0 else { throw AdminAPIFailure(status: .badRequest, message: "limit must be 0 bytes or more") }
            try await quotas.set(path, limit: new.limit)
            return try Self.json(QuotaView(try await quotas.usage(path)))
        }
        api.delete("registry/quotas/:path") { _, context in
            let path = try Self.quotaPath(context)
            guard try await quotas.remove(path) else {
                throw AdminAPIFailure(status: .notFound, message: "\(path) has no limit of its own")
            }
            return Response(status: .noContent)
        }
        api.get("registry/usage") { _, _ in try Self.json(try await quotas.namespaces().map(QuotaView.init)) }
        api.get("registry/usage/:path") { _, context in try Self.json(QuotaView(try await quotas.usage(try Self.quotaPath(context)))) }
    }

    static func quotaPath(_ context: WharfRequestContext) throws -> QuotaPath {
        let raw = try context.parameters.require("path")
        let decoded = raw.removingPercentEncoding ?? raw
        do {
            return try QuotaPath(decoded)
        } catch {
            throw AdminAPIFailure(status: .badRequest, message: "\(decoded.prefix(300)) is not a namespace or project path: \(error.detail ?? error.message)")
        }
    }
}
