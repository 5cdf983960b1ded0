import Foundation
import HTTPTypes
import HummingbirdTesting
import Registry
import Testing
import WharfTestSupport

/// python-dxf and oras-py: clients that speak the API directly, not through containers/image.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled("python-dxf or oras is not installed (pip install python-dxf oras)") { await Tool.pythonModulesAvailable("dxf", "oras.client") })
struct PythonClientTests {
    @Test func dxfPushesAndPullsABlobAndATag() async throws {
        try await LiveRegistry.run { registry in
            let script = """
                import hashlib, sys
                from dxf import DXF
                d = DXF(sys.argv[1], 'team/dxf', insecure=True)
                path = sys.argv[2] + '/blob'
                open(path, 'wb').write(b'python-dxf blob ' * 65536)
                digest = d.push_blob(path)
                d.set_alias('latest', digest)
                data = b''.join(d.pull_blob(digest))
                assert hashlib.sha256(data).hexdigest() == digest.split(':')[1], 'pulled bytes differ'
                assert d.list_aliases() == ['latest'], d.list_aliases()
                assert d.get_alias('latest') == [digest], d.get_alias('latest')
                print(digest)
                """
            let output = try await Command.run(["python3", "-c", script, registry.host, registry.work])
            let digest = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(digest.hasPrefix("sha256:"))
            let head = try await registry.client.execute(uri: "/v2/team/dxf/blobs/\(digest)", method: .head)
            #expect(head.status == .ok)
        }
    }

    @Test func orasPushesAndPullsAnArtifact() async throws {
        try await LiveRegistry.run { registry in
            let script = """
                import os, sys
                import oras.client
                host, work = sys.argv[1], sys.argv[2]
                os.chdir(work)
                open('artifact.txt', 'w').write('an artifact pushed by oras-py')
                client = oras.client.OrasClient(hostname=host, insecure=True)
                response = client.push(files=['artifact.txt'], target=f'{host}/team/artifact:v1')
                assert response.status_code == 201, response.status_code
                files = client.pull(target=f'{host}/team/artifact:v1', outdir='out')
                assert open(files[0]).read() == 'an artifact pushed by oras-py', files
                manifest = client.get_manifest(f'{host}/team/artifact:v1')
                print(manifest['layers'][0]['annotations']['org.opencontainers.image.title'])
                """
            let output = try await Command.run(["python3", "-c", script, registry.host, registry.work])
            #expect(output.stdout.contains("artifact.txt"))
            #expect(try await registry.manifestHead("team/artifact", "v1").mediaType == "application/vnd.oci.image.manifest.v1+json")
        }
    }
}
