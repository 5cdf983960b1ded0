import ArgumentParser
import Foundation
import Identity
import WharfServer

/// `wharf keys generate`: the token signing key and its self-signed certificate, replacing the
/// seed's three openssl commands.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Manage token signing keys.", subcommands: [Generate.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an RSA key and a self-signed certificate.")
        @Option(help: "Where to write the private key (PEM, mode 0600).") var key: String
        @Option(help: "Where to write the certificate (default: the key path with .crt).") var cert: String?
        @Option(help: "Days the certificate is valid.") var days = 10_000
        @Option(help: "RSA key size: 2048, 3072, 4096 or 8192.") var bits = 4096
        @Flag(help: "Replace existing files.") var force = false

        func run() async throws {
            let certificate = cert ?? (key.hasSuffix(".key") ? String(key.dropLast(4)) : key) + ".crt"
            for path in [key, certificate] where FileManager.default.fileExists(atPath: path) && !force {
                throw ValidationError("\(path) exists; pass --force to replace it")
            }
            guard days > 0 else { throw ValidationError("--days must be positive") }
            try await manage {
                let (bits, days) = (bits, days)
                let pair = try await CPUWork.run { try SigningKeyPair.generate(bits: bits, days: days) }
                try SigningKeyFiles.write(pair, keyPath: key, certificatePath: certificate)
                print("wrote \(key) (RSA \(bits)) and \(certificate) (valid \(days) days)")
                print("key id: \(try pair.keyID())")
            }
        }
    }
}
