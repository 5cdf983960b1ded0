import Metadata
import OCI

extension MetadataConformance {
    static let usageCases: [Case] = [
        Case(name: "usage counts a blob once per path however many repositories there link it") { store in
            try await store.commitBlob(Fixture.blob("x", size: 100), in: Fixture.repo("team/a"))
            try await store.commitBlob(Fixture.blob("x", size: 100), in: Fixture.repo("team/b"))
            try require(try await store.linkBlob(Fixture.digest("x"), into: Fixture.repo("other/c")), "mount failed")
            try await store.commitBlob(Fixture.blob("y", size: 50), in: Fixture.repo("team/a/sub"))
            try await expectStored(store, ["team": 150, "team/a": 150, "team/b": 100, "team/a/sub": 50, "other": 100, "none": 0])
            let namespaces = try await store.namespaceUsage(quota: QuotaDefaults(namespaceLimit: 1000))
            try require(
                namespaces == [
                    StorageUsage(path: "other", stored: 100, reserved: 0, limit: 1000),
                    StorageUsage(path: "team", stored: 150, reserved: 0, limit: 1000),
                ],
                "namespaces' usage: \(namespaces)"
            )
            try require(try await store.unlinkBlob(Fixture.digest("x"), from: Fixture.repo("team/a")), "unlink failed")
            try await expectStored(store, ["team": 150, "team/a": 50, "team/b": 100])
            try require(try await store.unlinkBlob(Fixture.digest("x"), from: Fixture.repo("team/b")), "unlink failed")
            try await expectStored(store, ["team": 50, "team/a": 50, "team/b": 0, "other": 100])
        },
        Case(name: "a mount past a limit is refused and a blob the path links already is free") { store in
            try await store.setQuota(StorageQuota(path: "team", limit: 120))
            try await store.commitBlob(Fixture.blob("x", size: 100), in: Fixture.repo("team/a"))
            try await store.commitBlob(Fixture.blob("z", size: 30), in: Fixture.repo("elsewhere"))
            let refused = try await quotaRefusal { _ = try await store.linkBlob(Fixture.digest("z"), into: Fixture.repo("team/b"), quota: .none) }
            try require(
                refused == QuotaExceeded(path: "team", limit: 120, stored: 100, reserved: 0, needed: 30),
                "refusal of a mount past the namespace's limit: \(String(describing: refused))"
            )
            try require(try await store.linkBlob(Fixture.digest("x"), into: Fixture.repo("team/b"), quota: .none), "a free mount failed")
            try await store.setQuota(StorageQuota(path: "team/a", limit: 100))
            try await store.commitBlob(Fixture.blob("w", size: 10), in: Fixture.repo("elsewhere"))
            let project = try await quotaRefusal { _ = try await store.linkBlob(Fixture.digest("w"), into: Fixture.repo("team/a/sub"), quota: .none) }
            try require(project?.path == "team/a", "the project's limit did not refuse: \(String(describing: project))")
            try require(try await store.blob(Fixture.digest("w"), in: Fixture.repo("team/a/sub")) == nil, "a refused mount linked")
            try await expectStored(store, ["team": 100, "team/a": 100, "team/a/sub": 0])
        },
        Case(name: "uploads reserve against limits, commits turn reservations into usage, deletes release them") { store in
            try await store.setQuota(StorageQuota(path: "team", limit: 1000))
            for (id, repository) in [("u1", "team/a"), ("u2", "team/b"), ("u3", "team/c")] {
                try await store.createUpload(UploadRecord(id: id, repository: Fixture.repo(repository), startedAt: 1))
            }
            try await store.reserveUpload("u1", upTo: 600, digest: nil, quota: .none)
            let refused = try await quotaRefusal { try await store.reserveUpload("u2", upTo: 500, digest: nil, quota: .none) }
            try require(
                refused == QuotaExceeded(path: "team", limit: 1000, stored: 0, reserved: 600, needed: 500),
                "refusal of a reservation past the limit: \(String(describing: refused))"
            )
            try await store.reserveUpload("u2", upTo: 400, digest: nil, quota: .none)
            try await store.reserveUpload("u2", upTo: 300, digest: nil, quota: .none)  // holds 400 already
            try require(try await store.upload("u2")?.reserved == 400, "a smaller reservation shrank one")
            try await expectUsage(store, "team", stored: 0, reserved: 1000)
            try await store.commitBlob(Fixture.blob("x", size: 600), in: Fixture.repo("team/a"), releasing: "u1", quota: .none)
            try await expectUsage(store, "team", stored: 600, reserved: 400)
            try await expectUsage(store, "team/a", stored: 600, reserved: 0)
            try await store.deleteUpload("u2")
            try await expectUsage(store, "team", stored: 600, reserved: 0)
            try await store.setQuota(StorageQuota(path: "team", limit: 600))
            try await store.reserveUpload("u3", upTo: 600, digest: Fixture.digest("x"), quota: .none)
            try require(try await store.upload("u3")?.reserved == 0, "an upload of a blob the namespace links reserved")
            try require(
                try await quotaRefusal { try await store.reserveUpload("u3", upTo: 1, digest: nil, quota: .none) } != nil,
                "a reservation at the limit was granted"
            )
            try require(
                try await quotaRefusal { try await store.reserveUpload("gone", upTo: 1, digest: nil, quota: .none) } == nil,
                "an unknown upload was reserved for"
            )
        },
        Case(name: "reservations of absurd lengths are refused, not summed, and paths without a limit hold nothing") { store in
            try await store.setQuota(StorageQuota(path: "team", limit: 100))
            try await store.commitBlob(Fixture.blob("x", size: 60), in: Fixture.repo("team/a"))
            try await store.createUpload(UploadRecord(id: "u1", repository: Fixture.repo("team/a"), startedAt: 1))
            let refused = try await quotaRefusal { try await store.reserveUpload("u1", upTo: .max, digest: nil, quota: .none) }
            try require(refused?.needed == .max, "a reservation of Int64.max: \(String(describing: refused))")
            try await store.createUpload(UploadRecord(id: "u2", repository: Fixture.repo("free/a"), startedAt: 1))
            try await store.reserveUpload("u2", upTo: .max, digest: nil, quota: .none)
            try await store.reserveUpload("u2", upTo: .max, digest: nil, quota: .none)
            try await expectUsage(store, "free", stored: 0, reserved: 0)
            try await expectUsage(store, "team", stored: 60, reserved: 0)
        },
        Case(name: "a blob the path links is free only up to its own size") { store in
            try await store.setQuota(StorageQuota(path: "team", limit: 60))
            try await store.commitBlob(Fixture.blob("x", size: 60), in: Fixture.repo("team/a"))
            try await store.createUpload(UploadRecord(id: "u1", repository: Fixture.repo("team/b"), startedAt: 1))
            try await store.reserveUpload("u1", upTo: 60, digest: Fixture.digest("x"), quota: .none)
            let longer = try await quotaRefusal { try await store.reserveUpload("u1", upTo: 61, digest: Fixture.digest("x"), quota: .none) }
            try require(longer?.needed == 61, "bytes past the linked blob's size were free: \(String(describing: longer))")
        },
        Case(name: "a commit the reservation no longer covers is refused and links nothing") { store in
            try await store.setQuota(StorageQuota(path: "team", limit: 100))
            let x = Fixture.blob("x", size: 60)
            try await store.commitBlob(x, in: Fixture.repo("team/a"))
            try await store.createUpload(UploadRecord(id: "u", repository: Fixture.repo("team/b"), startedAt: 1))
            try await store.reserveUpload("u", upTo: 60, digest: x.digest, quota: .none)  // free: team links x
            try require(try await store.unlinkBlob(x.digest, from: Fixture.repo("team/a")), "unlink failed")
            try await store.createUpload(UploadRecord(id: "v", repository: Fixture.repo("team/c"), startedAt: 1))
            try await store.reserveUpload("v", upTo: 100, digest: nil, quota: .none)
            let refused = try await quotaRefusal { try await store.commitBlob(x, in: Fixture.repo("team/b"), releasing: "u", quota: .none) }
            try require(refused == QuotaExceeded(path: "team", limit: 100, stored: 0, reserved: 100, needed: 60), "\(String(describing: refused))")
            try require(try await store.blob(x.digest, in: Fixture.repo("team/b")) == nil, "a refused commit linked")
            try await expectUsage(store, "team", stored: 0, reserved: 100)
            try await store.deleteUpload("v")
            try await store.commitBlob(x, in: Fixture.repo("team/b"), releasing: "u", quota: .none)
            try await expectUsage(store, "team", stored: 60, reserved: 0)
        },
        Case(name: "a trimmed reservation gives back what it held beyond the bytes written") { store in
            try await store.setQuota(StorageQuota(path: "team", limit: 1000))
            try await store.createUpload(UploadRecord(id: "u", repository: Fixture.repo("team/a"), startedAt: 1, reserved: 999))
            try require(try await store.upload("u")?.reserved == 0, "a new session came with a reservation")
            try await store.reserveUpload("u", upTo: 500, digest: nil, quota: .none)
            try await store.trimReservation("u", to: 200)
            try await expectUsage(store, "team", stored: 0, reserved: 200)
            try await store.trimReservation("u", to: 300)
            try require(try await store.upload("u")?.reserved == 200, "a trim grew a reservation")
            try await expectUsage(store, "team", stored: 0, reserved: 200)
        },
        Case(name: "a link garbage collection removes no longer counts") { store in
            try await store.commitBlob(Fixture.blob("dangling", size: 70), in: Fixture.repo("team/a"))  // queued at 1000
            try await store.commitBlob(Fixture.blob("dangling", size: 70), in: Fixture.repo("team/b"))
            try await expectStored(store, ["team": 70, "team/a": 70])
            try require(try await store.collectLinks(CollectionReview(now: 5000, reviewDelay: 0, limit: 10)).count == 2, "links not collected")
            try await expectStored(store, ["team": 0, "team/a": 0, "team/b": 0])
        },
        Case(name: "limits are set, listed and removed, and the default applies to top-level namespaces only") { store in
            try require(!(try await store.hasQuotas()), "a new store has limits")
            try await store.setQuota(StorageQuota(path: "team/app", limit: 5))
            try await store.setQuota(StorageQuota(path: "team", limit: 10))
            try await store.setQuota(StorageQuota(path: "team", limit: 20))
            try require(
                try await store.quotas() == [StorageQuota(path: "team", limit: 20), StorageQuota(path: "team/app", limit: 5)],
                "limits listed"
            )
            try require(try await store.hasQuotas(), "limits not seen")
            let defaults = QuotaDefaults(namespaceLimit: 7)
            try require(try await store.usage(of: "other", quota: defaults).limit == 7, "the default of a namespace")
            try require(try await store.usage(of: "other/app", quota: defaults).limit == nil, "the default applied to a project")
            try require(try await store.usage(of: "team", quota: defaults).limit == 20, "a namespace's own limit")
            try await store.createUpload(UploadRecord(id: "u1", repository: Fixture.repo("other/app"), startedAt: 1))
            try require(
                try await quotaRefusal { try await store.reserveUpload("u1", upTo: 8, digest: nil, quota: defaults) }?.path == "other",
                "the default did not limit a reservation"
            )
            try require(try await store.removeQuota("team"), "removal reported nothing")
            try require(!(try await store.removeQuota("team")), "a second removal reported a limit")
            try require(try await store.quotas() == [StorageQuota(path: "team/app", limit: 5)], "limits after removal")
        },
    ]

    static func expectStored(_ store: any MetadataStore, _ expected: [String: Int64]) async throws {
        for (path, bytes) in expected.sorted(by: { $0.key < $1.key }) {
            let stored = try await store.usage(of: path, quota: .none).stored
            try require(stored == bytes, "usage of \(path): \(stored) bytes, expected \(bytes)")
        }
    }

    static func expectUsage(_ store: any MetadataStore, _ path: String, stored: Int64, reserved: Int64) async throws {
        let usage = try await store.usage(of: path, quota: .none)
        try require(
            usage.stored == stored && usage.reserved == reserved,
            "usage of \(path): \(usage.stored) stored, \(usage.reserved) reserved; expected \(stored) and \(reserved)"
        )
    }

    /// The refusal a write met, or nil when it succeeded or failed otherwise.
    static func quotaRefusal(_ write: () async throws -> Void) async throws -> QuotaExceeded? {
        do { try await write() } catch MetadataError.quotaExceeded(let refusal) { return refusal } catch { return nil }
        return nil
    }
}
