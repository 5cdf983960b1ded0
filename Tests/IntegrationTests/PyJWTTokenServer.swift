import Foundation
import WharfTestSupport

/// An independent token issuer for interop tests: Python, `cryptography` and `pyjwt`, serving
/// `/jwt/auth` with tokens in one of three shapes. It grants whatever scope is asked for; the
/// registry's verification is what is under test.
final class PyJWTTokenServer: @unchecked Sendable {
    enum Shape: String {
        /// GitLab: RS256, `kid` the libtrust key id of the signing key.
        case libtrust
        /// Distribution 3: `kid` the RFC 7638 thumbprint.
        case thumbprint
        /// A leaf certificate in `x5c`, signed by a CA the registry trusts.
        case x5c
    }

    let process: TestProcess
    let port: Int
    /// The PEM the registry must trust (the signing certificate, or the CA for x5c).
    let trustedCertificatePath: String

    init(shape: Shape, directory: String) async throws {
        let script = directory + "/token_server.py"
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        process = try await TestProcess.start(["python3", "-u", script, shape.rawValue, directory])
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let line = process.log.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }), let port = Int(line.dropFirst(6)) {
                self.port = port
                self.trustedCertificatePath = directory + "/trusted.crt"
                return
            }
            guard process.isRunning else { throw SupportError("token server exited: \(process.log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw SupportError("token server did not start: \(process.log)")
    }

    var realm: String { "http://127.0.0.1:\(port)/jwt/auth" }

    /// Token requests the server answered, one line each.
    var log: String { process.log }

    deinit {
        process.signal(SIGKILL)
    }

    static let script = #"""
        import base64, datetime, hashlib, http.server, json, sys, time, uuid, urllib.parse
        import jwt
        from cryptography import x509
        from cryptography.x509.oid import NameOID
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        shape, directory = sys.argv[1], sys.argv[2]

        def b64u(data):
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

        def certificate(key, name, issuer_key=None, issuer=None, ca=False):
            subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
            builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer or subject)
                       .public_key(key.public_key()).serial_number(x509.random_serial_number())
                       .not_valid_before(datetime.datetime.utcnow() - datetime.timedelta(days=1))
                       .not_valid_after(datetime.datetime.utcnow() + datetime.timedelta(days=30)))
            if ca:
                builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            return builder.sign(issuer_key or key, hashes.SHA256())

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        headers = {"typ": "JWT"}
        if shape == "x5c":
            ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            ca = certificate(ca_key, "interop ca", ca=True)
            leaf = certificate(key, "interop signer", issuer_key=ca_key, issuer=ca.subject)
            trusted = ca
            headers["x5c"] = [base64.b64encode(leaf.public_bytes(serialization.Encoding.DER)).decode()]
        else:
            trusted = certificate(key, "interop signer")
            der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            if shape == "libtrust":
                text = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
                headers["kid"] = ":".join(text[i:i + 4] for i in range(0, len(text), 4))
            else:
                numbers = key.public_key().public_numbers()
                members = {"e": b64u(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")), "kty": "RSA",
                           "n": b64u(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big"))}
                headers["kid"] = b64u(hashlib.sha256(json.dumps(members, sort_keys=True, separators=(",", ":")).encode()).digest())
        with open(directory + "/trusted.crt", "wb") as out:
            out.write(trusted.public_bytes(serialization.Encoding.PEM))

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                query = urllib.parse.parse_qs(url.query)
                access = []
                for scope in " ".join(query.get("scope", [])).split():
                    kind, rest = scope.split(":", 1)
                    name, actions = rest.rsplit(":", 1)
                    access.append({"type": kind, "name": name, "actions": actions.split(",")})
                now = int(time.time())
                claims = {"iss": "gitlab-issuer", "aud": query.get("service", [""])[0], "sub": "interop",
                          "iat": now, "nbf": now - 5, "exp": now + 300, "jti": str(uuid.uuid4()), "access": access}
                token = jwt.encode(claims, key, algorithm="RS256", headers=headers)
                body = json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                print("TOKEN", json.dumps(access), flush=True)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print("READY", server.server_address[1], flush=True)
        server.serve_forever()
        """#
}
