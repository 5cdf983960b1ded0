import Foundation
import Metadata
import NIOCore
import OCI
import StorageDriver

/// Blobs: adopted in place or copied, always verified against their digest first.
extension DistributionImporter {
    func importBlob(_ digest: Digest, into repository: RepositoryName, report: inout ImportReport) async throws {
        if try await metadata.blob(digest) != nil {
            if !dryRun, !(try await metadata.linkBlob(digest, into: repository)) {
                report.problems.append("\(repository): blob \(digest) was being deleted by garbage collection; import it again")
                return
            }
            report.blobsAlreadyKnown += 1
            return
        }
        let path = RegistryLayout.blobData(digest)
        if sameStorage || dryRun {
            // One read gives the digest and the size: no stat first (a request each, on S3).
            let hashed: (digest: Digest, size: Int64)
            do {
                hashed = try await hash(path, algorithm: digest.algorithm)
            } catch let error as StorageDriverError where error.isNotFound {
                report.problems.append("\(repository): layer link to \(digest), whose blob is missing (or was deleted while it was read)")
                return
            }
            guard hashed.digest == digest else {
                report.problems.append("\(repository): blob \(digest) is corrupt (its bytes hash to something else); not imported")
                return
            }
            if !dryRun {
                guard try await commit(digest, size: hashed.size, path: path, into: repository, report: &report) else { return }
            }
            if sameStorage { report.blobsAdopted += 1 } else { report.blobsCopied += 1 }
            return
        }
        let size: Int64
        do {
            size = try await source.stat(path).size
        } catch let error as StorageDriverError where error.isNotFound {
            report.problems.append("\(repository): layer link to \(digest), whose blob is missing")
            return
        }
        // Copy and verify in one pass, into a file of its own, renamed into place when right.
        let temporary = Self.scratchRoot + "/" + UUID().uuidString.lowercased()
        let writer = try await target.writer(temporary, append: false)
        var hasher = DigestHasher(digest.algorithm)
        do {
            try await source.read(path, range: nil) { chunk in
                try await writer.write(chunk)
                chunk.withUnsafeReadableBytes { hasher.update($0) }
            }
            guard hasher.finalize() == digest else {
                try await writer.cancel()
                report.problems.append("\(repository): blob \(digest) is corrupt (its bytes hash to something else); not imported")
                return
            }
            try await writer.commit()
        } catch {
            // Not in this task, which a sibling's failure may have cancelled: the cancel aborts
            // a multipart upload, and a cancelled request would leave it behind.
            await Task { try? await writer.cancel() }.value
            throw error
        }
        try await target.move(temporary, to: path)
        guard try await commit(digest, size: size, path: path, into: repository, report: &report) else { return }
        report.blobsCopied += 1
    }

    /// Records the blob, waiting out a garbage collector's deletion of the same digest; a
    /// deletion that took the file meanwhile is a problem to report, not a row without bytes.
    func commit(_ digest: Digest, size: Int64, path: String, into repository: RepositoryName, report: inout ImportReport) async throws -> Bool {
        let record = BlobRecord(digest: digest, size: size, createdAt: Date().timeIntervalSince1970)
        try await DeletionWait.retrying { try await metadata.commitBlob(record, in: repository) }
        guard try await target.exists(path) else {
            report.problems.append("\(repository): blob \(digest) was deleted by garbage collection during the import; import it again")
            return false
        }
        return true
    }

    /// A manifest's bytes, if they match their digest.
    func verifiedContent(_ digest: Digest, repository: RepositoryName, report: inout ImportReport) async throws -> ByteBuffer? {
        let content: ByteBuffer
        do {
            content = try await source.getContent(RegistryLayout.blobData(digest))
        } catch let error as StorageDriverError where error.isNotFound {
            report.problems.append("\(repository): manifest link to \(digest), whose blob is missing")
            return nil
        }
        guard DigestHasher.digest(Array(content.readableBytesView), algorithm: digest.algorithm) == digest else {
            report.problems.append("\(repository): manifest \(digest) is corrupt; not imported")
            return nil
        }
        return content
    }

    func hash(_ path: String, algorithm: DigestAlgorithm) async throws -> (digest: Digest, size: Int64) {
        var hasher = DigestHasher(algorithm)
        var size: Int64 = 0
        try await source.read(path, range: nil) { chunk in
            size += Int64(chunk.readableBytes)
            chunk.withUnsafeReadableBytes { hasher.update($0) }
        }
        return (hasher.finalize(), size)
    }
}
