import Logging
import Metadata
import NIOCore
import OCI
@testable import Registry
import StorageDriver
import Testing

/// Reservations of uploads against storage limits, below HTTP: streamed bodies without a
/// length, and the planner that decides how far ahead to reserve.
@Suite(.timeLimit(.minutes(3))) struct UploadQuotaTests {
    let repo = try! RepositoryName("team/app")

    @Test func aStreamedBodyIsCutOffAtTheLimitKeepingWhatFits() async throws {
        let metadata = InMemoryMetadataStore()
        let mebibyte = 1024 * 1024
        try await metadata.setQuota(StorageQuota(path: "team", limit: Int64(mebibyte + mebibyte / 2)))
        let services = RegistryServices(driver: InMemoryDriver(), metadata: metadata, options: RegistryOptions(), logger: Logger(label: "test"))
        let session = try await services.uploads.start(in: repo)
        let piece = String(decoding: [UInt8](repeating: UInt8(ascii: "a"), count: 256 * 1024), as: UTF8.self)
        await #expect {
            _ = try await services.uploads.append(
                session.id, in: repo, contentRange: nil, contentLength: nil, body: ChunkedBody(chunks: Array(repeating: piece, count: 12))
            )
        } throws: { error in
            let refusal = error as? RegistryError
            return refusal?.code == .denied && refusal?.status == 403
                && refusal?.message.hasSuffix("this push needs 1.0 MiB more") == true
        }
        #expect(try await services.uploads.status(session.id, in: repo).offset == Int64(mebibyte), "the first batch fitted and was kept")
        #expect(try await metadata.usage(of: "team", quota: .none).reserved == Int64(mebibyte))
        try await services.uploads.cancel(session.id, in: repo)
        #expect(try await metadata.usage(of: "team", quota: .none).reserved == 0)
    }

    @Test func aStreamedChunkHoldsWhatItWroteOnceItEnds() async throws {
        let metadata = InMemoryMetadataStore()
        try await metadata.setQuota(StorageQuota(path: "team", limit: 1 << 30))
        let services = RegistryServices(driver: InMemoryDriver(), metadata: metadata, options: RegistryOptions(), logger: Logger(label: "test"))
        let session = try await services.uploads.start(in: repo)
        let piece = String(decoding: [UInt8](repeating: UInt8(ascii: "b"), count: 256 * 1024), as: UTF8.self)
        _ = try await services.uploads.append(
            session.id, in: repo, contentRange: nil, contentLength: nil, body: ChunkedBody(chunks: Array(repeating: piece, count: 5))
        )
        #expect(try await metadata.upload(session.id)?.reserved == 5 * 256 * 1024, "the step reserved ahead was given back")
    }

    @Test func withoutAnyLimitNothingIsReserved() async throws {
        let metadata = InMemoryMetadataStore()
        let services = RegistryServices(driver: InMemoryDriver(), metadata: metadata, options: RegistryOptions(), logger: Logger(label: "test"))
        let session = try await services.uploads.start(in: repo)
        _ = try await services.uploads.append(session.id, in: repo, contentRange: nil, contentLength: nil, body: ChunkedBody(chunks: ["abc"]))
        #expect(try await metadata.upload(session.id)?.reserved == 0)
    }

    @Test func announcedChunksReserveTheirEndAtOnce() {
        let plan = UploadReservation(held: 100, announcedEnd: 900)
        #expect(plan.request(before: 50) == nil, "covered by what is held")
        #expect(plan.request(before: 200).map { [$0.ask, $0.atLeast] } == [900, 900])
    }

    @Test func streamedChunksReserveInStepsAndFallBackToWhatTheyWrite() {
        var plan = UploadReservation(held: 0, announcedEnd: nil)
        let first = plan.request(before: 1000)
        #expect(first.map { [$0.ask, $0.atLeast] } == [1000 + UploadReservation.step, 1000])
        plan.granted(1000 + UploadReservation.step)
        #expect(plan.request(before: 2000) == nil)
        #expect(plan.request(before: 2000 + UploadReservation.step)?.atLeast == 2000 + UploadReservation.step)
        plan.granted(10)
        #expect(plan.held == 1000 + UploadReservation.step, "a grant never shrinks what is held")
    }
}
