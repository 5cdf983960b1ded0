import Foundation
import WharfTestSupport

/// nginx from Debian's package in front of a registry, with the seed's registry site
/// configuration adapted to loopback ports and a self-signed certificate. One process without
/// a master: a master that dies first would leave its worker running after the tests.
final class NginxProcess: @unchecked Sendable {
    let process: TestProcess
    let port: Int

    init(directory: String, upstreamPort: Int, certificate: String, key: String) async throws {
        port = try FreePort.find()
        let prefix = directory + "/nginx"
        try FileManager.default.createDirectory(atPath: prefix + "/logs", withIntermediateDirectories: true)
        let configuration = """
            master_process off;
            error_log \(prefix)/logs/error.log warn;
            pid \(prefix)/nginx.pid;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path \(prefix)/client_body;
              proxy_temp_path \(prefix)/proxy;
              fastcgi_temp_path \(prefix)/fastcgi;
              uwsgi_temp_path \(prefix)/uwsgi;
              scgi_temp_path \(prefix)/scgi;
              server {
                listen 127.0.0.1:\(port) ssl;
                server_name localhost;
                server_tokens off;
                client_max_body_size 0;
                chunked_transfer_encoding on;
                ssl_certificate \(certificate);
                ssl_certificate_key \(key);
                ssl_protocols TLSv1.2 TLSv1.3;
                location / {
                  proxy_set_header  Host              $http_host;
                  proxy_set_header  X-Real-IP         $remote_addr;
                  proxy_set_header  X-Forwarded-For   $proxy_add_x_forwarded_for;
                  proxy_set_header  X-Forwarded-Proto $scheme;
                  proxy_read_timeout                  900;
                  proxy_pass        http://127.0.0.1:\(upstreamPort);
                }
              }
            }
            """
        try configuration.write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
        guard let binary = Tool.path("nginx") ?? Tool.path("/usr/sbin/nginx") else { throw SupportError("nginx is not installed") }
        process = try await TestProcess.start([binary, "-p", prefix, "-c", prefix + "/nginx.conf", "-g", "daemon off;"])
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if (try? RawConnection(port: port, timeoutSeconds: 1)) != nil { return }
            guard process.isRunning else { throw SupportError("nginx exited: \(process.log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw SupportError("nginx did not listen: \(process.log)")
    }

    deinit {
        process.signal(SIGTERM)
    }
}
