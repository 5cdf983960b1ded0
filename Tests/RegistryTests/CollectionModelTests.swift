import Foundation
import Testing
import WharfTestSupport

/// The hand-off between pushes and the sweep, model-checked: `models/collection.pml` states
/// which code each step stands for. spin explores every interleaving of an upload, a manifest
/// push, a client delete, a link review and two sweepers; the image a client was told is
/// stored keeps its bytes. Each safeguard removed (`NO_CLAIM`, `NO_RECHECK`) must let spin
/// find a lost image, so the model is shown able to fail.
@Suite(.backgroundPriority, .timeLimit(.minutes(3)), .enabled(if: Tool.available("spin", "gcc"), "spin and gcc are needed (apt-get install spin gcc)"))
struct CollectionModelTests {
    static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/collection.pml").path

    /// Runs spin's verifier (with the LTL property and assertions) and returns its report.
    func verify(defines: [String] = []) async throws -> String {
        try await withTemporaryDirectory { directory in
            let copy = directory + "/collection.pml"
            try FileManager.default.copyItem(atPath: Self.model, toPath: copy)
            try await Command.run(["spin"] + defines.map { "-D\($0)" } + ["-a", "collection.pml"], directory: directory)
            try await Command.run(["gcc", "-O2", "-o", "pan", "pan.c"], directory: directory)
            let result = try await Command.run([directory + "/pan", "-a", "-m100000"], directory: directory, check: false)
            return result.stdout + result.stderr
        }
    }

    @Test func noInterleavingLosesAnAcknowledgedImage() async throws {
        let report = try await verify()
        #expect(report.contains("errors: 0"), "\(report)")
        #expect(!report.contains("violated"), "\(report)")
        #expect(report.contains("states, stored"), "spin explored nothing: \(report)")
    }

    @Test(arguments: ["NO_CLAIM", "NO_RECHECK", "POSTPONE_IN_FLIGHT"])
    func removingASafeguardLosesAnImage(_ safeguard: String) async throws {
        let report = try await verify(defines: [safeguard])
        #expect(report.contains("errors: 1") && report.contains("violated"), "without \(safeguard): \(report)")
    }
}
