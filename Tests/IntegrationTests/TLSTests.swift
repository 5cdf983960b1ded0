import Foundation
import Glibc
import Testing
import WharfTestSupport

/// Wharf terminating TLS itself: skopeo over https, curl negotiating HTTP/2, and a certificate
/// reload on SIGHUP that keeps open connections.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(
    if: Tool.available("skopeo", "umoci", "curl", "python3") && FileManager.default.isExecutableFile(atPath: WharfProcess.binary),
    "skopeo, umoci, curl or python3 is not installed, or wharf is not built"
))
struct TLSTests {
    func start(_ directory: String, _ files: (certificate: String, key: String)) async throws -> WharfProcess {
        let wharf = try await WharfProcess(root: directory + "/root", environment: [
            "REGISTRY_AUTH": "none", "REGISTRY_HTTP_TLS_CERTIFICATE": files.certificate, "REGISTRY_HTTP_TLS_KEY": files.key,
        ])
        _ = try await wharf.waitUntilListening()
        return wharf
    }

    @Test func skopeoAndCurlSpeakHTTPSAndHTTP2() async throws {
        try await withTemporaryDirectory { directory in
            let pair = try TestCertificates.make()
            let files = try pair.write(to: directory)
            let certs = directory + "/certs.d"
            try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
            try pair.certificatePEM.write(toFile: certs + "/ca.crt", atomically: true, encoding: .utf8)
            let wharf = try await start(directory, files)
            defer { wharf.killNow() }
            let base = "localhost:\(wharf.port)"

            let h2 = try await Command.run(["curl", "-s", "--cacert", files.certificate, "--http2", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", "https://\(base)/v2/"])
            #expect(h2.stdout == "2 200")
            let h1 = try await Command.run(["curl", "-s", "--cacert", files.certificate, "--http1.1", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", "https://\(base)/v2/"])
            #expect(h1.stdout == "1.1 200")
            let old = try await Command.run(["curl", "-s", "--cacert", files.certificate, "--tls-max", "1.1", "https://\(base)/v2/"], check: false)
            #expect(!old.succeeded, "TLS 1.1 is refused")

            try await OCIImage.make(in: directory, tag: "v1", layerSizes: [1024 * 1024])
            let source = try OCIImage.manifestDigest(layout: directory + "/oci", tag: "v1")
            try await Command.run(["skopeo", "copy", "--dest-cert-dir", certs, "oci:\(directory)/oci:v1", "docker://\(base)/team/app:v1"])
            try await Command.run(["skopeo", "copy", "--src-cert-dir", certs, "docker://\(base)/team/app:v1", "oci:\(directory)/back:v1"])
            #expect(try OCIImage.manifestDigest(layout: directory + "/back", tag: "v1") == source)
        }
    }

    @Test func sighupReloadsTheCertificateWithoutDroppingConnections() async throws {
        try await withTemporaryDirectory { directory in
            let first = try TestCertificates.make(commonName: "first")
            let files = try first.write(to: directory)
            let wharf = try await start(directory, files)
            defer { wharf.killNow() }
            let firstCA = directory + "/first.pem"
            try first.certificatePEM.write(toFile: firstCA, atomically: true, encoding: .utf8)

            // A client holds one keep-alive TLS connection across the reload.
            let script = """
                import http.client, ssl, sys, time
                context = ssl.create_default_context(cafile=sys.argv[2])
                connection = http.client.HTTPSConnection("localhost", int(sys.argv[1]), context=context)
                connection.request("GET", "/v2/"); first = connection.getresponse(); first.read()
                print("before", first.status, flush=True)
                open(sys.argv[4], "w").close()
                while not __import__("os").path.exists(sys.argv[3]): time.sleep(0.05)
                connection.request("GET", "/v2/"); second = connection.getresponse(); second.read()
                print("after", second.status, flush=True)
                """
            let flag = directory + "/reloaded"
            let connected = directory + "/connected"
            async let held = Command.run(["python3", "-c", script, String(wharf.port), firstCA, flag, connected])
            // The reload waits for the first answer: a slow interpreter start must not see the new
            // certificate (a client niced behind a loaded machine once took over 30 s).
            let connectDeadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < connectDeadline, !FileManager.default.fileExists(atPath: connected) {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(FileManager.default.fileExists(atPath: connected), "the client got its first answer")

            let second = try TestCertificates.make(commonName: "second")
            _ = try second.write(to: directory)
            let secondCA = directory + "/second.pem"
            try second.certificatePEM.write(toFile: secondCA, atomically: true, encoding: .utf8)
            wharf.process.signal(SIGHUP)
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline, !wharf.logText.contains("reloaded the TLS certificate") {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(wharf.logText.contains("reloaded the TLS certificate"))
            #expect(FileManager.default.createFile(atPath: flag, contents: Data()))

            let output = try await held
            #expect(output.stdout.contains("before 200"))
            #expect(output.stdout.contains("after 200"), "the connection opened before the reload still works")
            let withNew = try await Command.run(["curl", "-s", "--cacert", secondCA, "-o", "/dev/null", "-w", "%{http_code}", "https://localhost:\(wharf.port)/v2/"])
            #expect(withNew.stdout == "200")
            let withOld = try await Command.run(["curl", "-s", "--cacert", firstCA, "https://localhost:\(wharf.port)/v2/"], check: false)
            #expect(!withOld.succeeded, "new connections get the new certificate")
        }
    }

    @Test func badCertificatesStopTheStartWithTheFileNamed() async throws {
        try await withTemporaryDirectory { directory in
            let expired = try TestCertificates.make(notBefore: Date().addingTimeInterval(-86_400 * 3), notAfter: Date().addingTimeInterval(-86_400))
                .write(to: directory)
            let wharf = try await WharfProcess(root: directory + "/root", environment: [
                "REGISTRY_AUTH": "none", "REGISTRY_HTTP_TLS_CERTIFICATE": expired.certificate, "REGISTRY_HTTP_TLS_KEY": expired.key,
            ])
            #expect(try await wharf.process.waitForExit() != 0)
            #expect(wharf.logText.contains("expired on") && wharf.logText.contains(expired.certificate))
        }
    }
}

@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(if: Tool.available("curl") && FileManager.default.isExecutableFile(atPath: WharfProcess.binary), "curl is not installed"))
struct HTTPSRedirectLiveTests {
    @Test func thePlainPortRedirectsToHTTPS() async throws {
        try await withTemporaryDirectory { directory in
            let files = try TestCertificates.make().write(to: directory)
            let redirectPort = try FreePort.find()
            let tlsPort = try FreePort.find()
            let wharf = try await WharfProcess(root: directory + "/root", arguments: ["--addr", "127.0.0.1:\(tlsPort)"], environment: [
                "REGISTRY_AUTH": "none", "REGISTRY_HTTP_TLS_CERTIFICATE": files.certificate, "REGISTRY_HTTP_TLS_KEY": files.key,
                "REGISTRY_HTTP_TLS_REDIRECTADDR": "127.0.0.1:\(redirectPort)",
            ])
            _ = try await wharf.waitUntilListening(other: redirectPort)
            defer { wharf.killNow() }
            let plain = try await Command.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "http://localhost:\(redirectPort)/v2/"])
            #expect(plain.stdout == "301 https://localhost:\(tlsPort)/v2/")
            let followed = try await Command.run(["curl", "-s", "-L", "--cacert", files.certificate, "-o", "/dev/null", "-w", "%{http_code}", "http://localhost:\(redirectPort)/v2/"])
            #expect(followed.stdout == "200")
        }
    }
}
