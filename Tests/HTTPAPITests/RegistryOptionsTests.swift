import Config
import Registry
import Testing
@testable import WharfServer

/// What the configuration turns on: applications built in tests run no purger by default
/// (`RegistryOptions`), so the server's must come from the configuration.
@Suite(.timeLimit(.minutes(3))) struct RegistryOptionsTests {
    @Test func theServerPurgesUploadsAsDistributionDoes() {
        let options = WharfApplication.registryOptions(Configuration())
        #expect(options.uploadPurgeInterval.map { Int($0) } == 24 * 3600)
        #expect(Int(options.uploadMaxAge) == 168 * 3600)
        var disabled = Configuration()
        disabled.storage.uploadPurging.enabled = false
        #expect(WharfApplication.registryOptions(disabled).uploadPurgeInterval == nil)
    }
}
