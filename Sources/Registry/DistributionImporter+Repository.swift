import Foundation
import Metadata
import NIOCore
import OCI
import StorageDriver

/// One repository: its layer links, then its manifests (images before the indexes that name
/// them), then its tags.
extension DistributionImporter {
    func importRepository(_ repository: RepositoryName, into report: inout ImportReport) async throws {
        let base = Self.repositoriesRoot + "/" + repository.value
        let layers = try await links(in: base + "/_layers/sha256", repository: repository, report: &report)
        for partial in try await concurrentMap(layers, limit: Self.concurrentBlobs, { digest in
            var partial = ImportReport()
            try await importBlob(digest, into: repository, report: &partial)
            return partial
        }) {
            report.merge(partial)
        }
        var manifests: [Digest: ImportedManifest] = [:]
        let revisions = try await links(in: base + "/_manifests/revisions/sha256", repository: repository, report: &report)
        for (digest, manifest, partial) in try await concurrentMap(revisions, limit: Self.concurrentSmallReads, { digest in
            var partial = ImportReport()
            let manifest = try await readManifest(digest, repository: repository, report: &partial)
            return (digest, manifest, partial)
        }) {
            report.merge(partial)
            if let manifest { manifests[digest] = manifest }
        }
        // Images first, then indexes; an index of indexes needs another pass.
        var pending = manifests.keys.sorted { (manifests[$0]!.isIndex ? 1 : 0, $0) < (manifests[$1]!.isIndex ? 1 : 0, $1) }
        var imported: Set<Digest> = []
        var progressed = true
        while progressed, !pending.isEmpty {
            progressed = false
            var retry: [Digest] = []
            for digest in pending {
                let entry = manifests[digest]!
                if dryRun {
                    let waiting = entry.references.manifests.filter { manifests[$0] != nil && !imported.contains($0) }
                    if !waiting.isEmpty { retry.append(digest); continue }
                    imported.insert(digest)
                    progressed = true
                    continue
                }
                do {
                    try await metadata.putManifest(entry.record, references: entry.references, in: repository, tag: nil)
                    imported.insert(digest)
                    progressed = true
                } catch MetadataError.missingReferences(let missing) {
                    if missing.contains(where: { manifests[$0] != nil && !imported.contains($0) }) {
                        retry.append(digest)
                    } else {
                        report.problems.append(
                            "\(repository)@\(digest): manifest not imported: it names what the repository lacks: "
                                + missing.map(\.description).joined(separator: ", ")
                        )
                    }
                }
            }
            pending = retry
        }
        for digest in pending {
            report.problems.append("\(repository)@\(digest): manifest not imported: its child manifests could not be imported")
        }
        report.manifests += imported.count
        try await importTags(repository, base: base, manifests: manifests, imported: imported, report: &report)
    }

    private func importTags(
        _ repository: RepositoryName, base: String,
        manifests: [Digest: ImportedManifest], imported: Set<Digest>,
        report: inout ImportReport
    ) async throws {
        let tagDirectories: [String]
        do {
            tagDirectories = try await source.list(base + "/_manifests/tags")
        } catch let error as StorageDriverError where error.isNotFound {
            return
        }
        for directory in tagDirectories {
            let name = String(directory.split(separator: "/").last ?? "")
            guard let tag = try? Tag(name) else {
                report.problems.append("\(repository):\(name): not a valid tag, skipped")
                continue
            }
            guard let digest = try await readLink(directory + "/current/link", repository: repository, report: &report) else { continue }
            guard imported.contains(digest), let entry = manifests[digest] else {
                report.problems.append("\(repository):\(tag): points at \(digest), which was not imported")
                continue
            }
            if !dryRun { try await metadata.putManifest(entry.record, references: entry.references, in: repository, tag: tag) }
            report.tags += 1
        }
    }

    /// The digests a directory of `<hex>/link` files names, each checked against its directory.
    /// A directory without its link is how Distribution leaves a deleted manifest or layer link.
    func links(in directory: String, repository: RepositoryName, report: inout ImportReport) async throws -> [Digest] {
        let entries: [String]
        do {
            entries = try await source.list(directory)
        } catch let error as StorageDriverError where error.isNotFound {
            return []
        }
        var digests: [Digest] = []
        for (digest, partial) in try await concurrentMap(entries, limit: Self.concurrentSmallReads, { entry in
            var partial = ImportReport()
            let digest = try await linkedDigest(entry, repository: repository, report: &partial)
            return (digest, partial)
        }) {
            report.merge(partial)
            if let digest { digests.append(digest) }
        }
        return digests
    }

    /// The digest `<entry>/link` names, if it names its own directory; nil for a deleted link
    /// (one request: a missing link file is the deletion, no existence check first).
    private func linkedDigest(_ entry: String, repository: RepositoryName, report: inout ImportReport) async throws -> Digest? {
        let content: ByteBuffer
        do {
            content = try await source.getContent(entry + "/link")
        } catch let error as StorageDriverError where error.isNotFound {
            report.deletedLinks += 1
            return nil
        }
        guard let digest = linkDigest(content, path: entry + "/link", repository: repository, report: &report) else { return nil }
        guard digest.hex == entry.split(separator: "/").last.map(String.init) else {
            report.problems.append("\(repository): link \(entry)/link names \(digest), not its own directory")
            return nil
        }
        return digest
    }

    /// A revision's manifest, verified and parsed (and copied, between storages), or nil with
    /// the reason reported.
    private func readManifest(_ digest: Digest, repository: RepositoryName, report: inout ImportReport) async throws -> ImportedManifest? {
        guard let bytes = try await verifiedContent(digest, repository: repository, report: &report) else { return nil }
        let parsed: ParsedManifest
        do {
            parsed = try ManifestParser.parse(Array(bytes.readableBytesView), contentType: nil)
        } catch {
            report.problems.append("\(repository)@\(digest): manifest not imported: \(error.detail ?? error.message)")
            return nil
        }
        if !sameStorage, !dryRun { try await target.putContent(RegistryLayout.blobData(digest), bytes) }
        let record = ManifestRecord(
            digest: digest, mediaType: parsed.mediaType, size: Int64(bytes.readableBytes),
            artifactType: parsed.effectiveArtifactType, subject: parsed.subject?.digest, annotations: parsed.annotations,
            createdAt: Date().timeIntervalSince1970
        )
        let references = ManifestReferences(blobs: parsed.requiredBlobs.map(\.digest), manifests: parsed.manifests.map(\.digest))
        return ImportedManifest(record: record, references: references, isIndex: parsed.kind == .index)
    }

    /// A link file's digest; empty or malformed links (Distribution#4489) are reported.
    func readLink(_ path: String, repository: RepositoryName, report: inout ImportReport) async throws -> Digest? {
        let content: ByteBuffer
        do {
            content = try await source.getContent(path)
        } catch let error as StorageDriverError where error.isNotFound {
            report.problems.append("\(repository): \(path) is missing")
            return nil
        }
        return linkDigest(content, path: path, repository: repository, report: &report)
    }

    private func linkDigest(_ content: ByteBuffer, path: String, repository: RepositoryName, report: inout ImportReport) -> Digest? {
        let text = String(buffer: content).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let digest = try? Digest(parsing: text) else {
            report.problems.append("\(repository): \(path) does not hold a digest\(text.isEmpty ? " (it is empty)" : "")")
            return nil
        }
        return digest
    }
}
