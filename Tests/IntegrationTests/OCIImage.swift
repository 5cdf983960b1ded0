import Foundation
import WharfTestSupport

/// Images made without an engine: umoci builds an OCI layout with one layer per size.
enum OCIImage {
    /// Creates `<directory>/oci:<tag>` with layers holding files of `sizes` random bytes.
    static func make(in directory: String, tag: String, layerSizes sizes: [Int], architecture: String = "amd64") async throws {
        let layout = directory + "/oci"
        if !FileManager.default.fileExists(atPath: layout) {
            try await Command.run(["umoci", "init", "--layout", layout])
        }
        try await Command.run(["umoci", "new", "--image", "\(layout):\(tag)"])
        try await Command.run(["umoci", "config", "--image", "\(layout):\(tag)", "--architecture", architecture])
        let bundle = directory + "/bundle-\(tag)"
        for (index, size) in sizes.enumerated() {
            try await Command.run(["umoci", "unpack", "--rootless", "--image", "\(layout):\(tag)", bundle])
            // Hundreds of MiB are read and written on a thread of their own, off the cooperative pool.
            let file = bundle + "/rootfs/layer-\(index).bin"
            try await onThread { try randomBytes(size).write(to: URL(fileURLWithPath: file)) }
            try await Command.run(["umoci", "repack", "--image", "\(layout):\(tag)", bundle])
            try FileManager.default.removeItem(atPath: bundle)
        }
    }

    /// The manifest digest an OCI layout's `index.json` records for `tag`.
    static func manifestDigest(layout: String, tag: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: layout + "/index.json"))
        let index = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        for entry in index["manifests"] as? [[String: Any]] ?? [] {
            let annotations = entry["annotations"] as? [String: String] ?? [:]
            if annotations["org.opencontainers.image.ref.name"] == tag, let digest = entry["digest"] as? String {
                return digest
            }
        }
        throw SupportError("no manifest tagged \(tag) in \(layout)")
    }

    /// The layer digests of a manifest blob in an OCI layout.
    static func layerDigests(layout: String, manifest digest: String) throws -> [String] {
        let hex = digest.split(separator: ":")[1]
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(layout)/blobs/sha256/\(hex)"))
        let manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return (manifest["layers"] as? [[String: Any]] ?? []).compactMap { $0["digest"] as? String }
    }

    /// `count` random bytes, filled by the kernel a large block per call: a random number per
    /// 8 bytes took seconds of a debug build's CPU for a 256 MiB layer, holding one of the
    /// cooperative threads the in-process servers of other tests need.
    static func randomBytes(_ count: Int) -> Data {
        Data(WharfTestSupport.randomBytes(count))
    }
}
