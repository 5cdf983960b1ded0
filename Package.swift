// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioFileSystem = Target.Dependency.product(name: "_NIOFileSystem", package: "swift-nio")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let nioConcurrency = Target.Dependency.product(name: "NIOConcurrencyHelpers", package: "swift-nio")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let hummingbirdTesting = Target.Dependency.product(name: "HummingbirdTesting", package: "hummingbird")

let package = Package(
    name: "wharf",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wharf", targets: ["wharf"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.5.0"),
    ],
    targets: [
        // Value types of the distribution spec: digests, names, manifests, errors.
        .target(name: "OCI", dependencies: [crypto], swiftSettings: swiftSettings),
        // Paths and bytes: the storage driver protocol and the in-memory driver.
        .target(name: "StorageDriver", dependencies: [nioCore, nioConcurrency, nioPosix], swiftSettings: swiftSettings),
        // The one Linux call Swift's Glibc module does not expose: sync_file_range(2).
        .target(name: "CWharfLinux"),
        .target(
            name: "StorageFilesystem",
            dependencies: ["StorageDriver", "CWharfLinux", nioCore, nioPosix, nioFileSystem],
            swiftSettings: swiftSettings
        ),
        // S3 and S3-compatible object storage (AWS, Ceph radosgw, MinIO, moto): SigV4 over
        // async-http-client.
        .target(
            name: "StorageS3",
            dependencies: [
                "StorageDriver", crypto, nioCore, nioHTTP1, logging, .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        // One conformance suite for every storage driver.
        .target(
            name: "StorageGCS",
            dependencies: [
                "StorageDriver", nioCore, nioHTTP1, .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "StorageConformance", dependencies: ["StorageDriver", nioCore], swiftSettings: swiftSettings),
        // The metadata store protocol, its records and the in-memory store.
        .target(name: "Metadata", dependencies: ["OCI", nioConcurrency], swiftSettings: swiftSettings),
        .target(
            name: "MetadataSQLite",
            dependencies: ["Metadata", "Identity", "OCI", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // One conformance suite for every metadata store.
        .target(name: "MetadataConformance", dependencies: ["Metadata", "OCI"], swiftSettings: swiftSettings),
        // OCI semantics over a storage driver and a metadata store.
        .target(
            name: "Registry",
            dependencies: ["OCI", "StorageDriver", "Metadata", crypto, nioCore, nioConcurrency, logging],
            swiftSettings: swiftSettings
        ),
        // The registry side of token auth: scopes, trusted keys, token verification, challenges.
        .target(
            name: "Auth",
            dependencies: [
                crypto, .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"), .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"), nioConcurrency,
            ],
            swiftSettings: swiftSettings
        ),
        // The GitLab side: users, projects, members, tokens, and the issuer of registry tokens.
        .target(
            name: "Identity",
            dependencies: [
                "Auth", "OCI", crypto, nioConcurrency, nioPosix, .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"), .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"), .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // One conformance suite for every identity store.
        .target(name: "IdentityConformance", dependencies: ["Identity"], swiftSettings: swiftSettings),
        // Settings: defaults, environment.
        .target(name: "Config", dependencies: ["OCI", logging, .product(name: "Yams", package: "Yams")], swiftSettings: swiftSettings),
        // Hummingbird routes, controllers and channel handlers.
        .target(
            name: "HTTPAPI",
            dependencies: [
                "OCI", "Registry", "Metadata", "StorageDriver", "Auth", "Identity", hummingbird, nioCore, nioPosix, nioHTTP1,
                .product(name: "NIOTLS", package: "swift-nio"),
                logging,
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"), .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        // Wires configuration, stores, registry and HTTP into one application.
        .target(
            name: "WharfServer",
            dependencies: [
                "Config", "HTTPAPI", "Registry", "StorageDriver", "StorageFilesystem", "StorageS3", "StorageGCS", "Metadata", "MetadataSQLite", "Auth",
                "Identity", hummingbird, logging, nioCore, nioConcurrency,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdCore", package: "hummingbird"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"), .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Backup archives (ustar with a checksum list), online backups, atomic restores.
        .target(
            name: "Backup",
            dependencies: ["Config", "MetadataSQLite", "OCI", "Registry", "StorageFilesystem", "CWharfLinux", crypto],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "wharf",
            dependencies: [
                "WharfServer", "Config", "Identity", "MetadataSQLite", "Registry", "StorageFilesystem", "Backup",
                .product(name: "ArgumentParser", package: "swift-argument-parser"), logging, hummingbird,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // Helpers of the test targets: raw sockets, temporary directories, external commands.
        .target(
            name: "WharfTestSupport",
            dependencies: [
                crypto, .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"), .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            exclude: ["make_key_fixtures.py"],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "OCITests", dependencies: ["OCI"], swiftSettings: swiftSettings),
        .testTarget(
            name: "StorageDriverTests",
            dependencies: ["StorageDriver", "StorageConformance", "StorageFilesystem", "WharfTestSupport", nioCore],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MetadataTests",
            dependencies: ["Metadata", "MetadataSQLite", "MetadataConformance", "OCI", "WharfTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RegistryTests",
            dependencies: ["Registry", "OCI", "StorageDriver", "StorageFilesystem", "Metadata", "MetadataSQLite", "WharfTestSupport", crypto, nioCore, nioConcurrency],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ConfigTests", dependencies: ["Config"], swiftSettings: swiftSettings),
        .testTarget(
            name: "StorageS3Tests",
            dependencies: ["StorageS3", "StorageDriver", "StorageConformance", "WharfTestSupport", nioCore],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorageGCSTests",
            dependencies: [
                "StorageGCS", "StorageDriver", "StorageConformance", "WharfTestSupport", nioCore, nioHTTP1,
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "CryptoExtras", package: "swift-crypto"), hummingbird,
                hummingbirdTesting, nioConcurrency,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BackupTests",
            dependencies: ["Backup", "MetadataSQLite", "Metadata", "OCI", "StorageFilesystem", "WharfTestSupport", crypto],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IdentityTests",
            dependencies: ["Identity", "IdentityConformance", "MetadataSQLite", "Auth", "OCI", "WharfTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AuthTests",
            dependencies: [
                "Auth", "WharfTestSupport", crypto, .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"), .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                "HTTPAPI", "WharfServer", "Registry", "OCI", "StorageDriver", "StorageFilesystem", "Metadata", "Auth", "Identity",
                "MetadataSQLite", "WharfTestSupport", crypto, hummingbird, .product(name: "NIOSSL", package: "swift-nio-ssl"),
                hummingbirdTesting, nioCore, nioPosix, nioHTTP1, .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "WharfServer", "Config", "OCI", "Registry", "HTTPAPI", "StorageFilesystem", "StorageGCS", "MetadataSQLite", "Auth",
                "Identity", "WharfTestSupport", crypto, hummingbird, hummingbirdTesting, logging, nioCore, nioHTTP1, "wharf",
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
