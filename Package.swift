// swift-tools-version:6.0
import PackageDescription

// ebid — electronic bidding for public resource trading.
// BidCore depends on Foundation and the system OpenSSL only; see docs/architecture.md.
let package = Package(
    name: "ebid",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ebid", targets: ["ebid"]),
        .library(name: "BidCore", targets: ["BidCore"]),
        .library(name: "BidService", targets: ["BidService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Already in Hummingbird's graph; named because the HTTP edge (BidService/HTTP/EdgeChannel.swift) uses them.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // The public portal's and the supervisors' pages (BidService/Pages).
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        // Operations (docs/operations.md, "Logs and metrics"): swift-log and swift-metrics are in
        // Hummingbird's graph already; swift-prometheus writes the metrics in Prometheus's format.
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The scale-out store (BidStorePostgres): several instances on one PostgreSQL.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .target(
            name: "BidCore",
            dependencies: ["COpenSSL"]
        ),
        // The service's layers, kept by the compiler (docs/architecture.md, "Modules"): the domain and
        // the store protocols; the SQL both backends share; each backend; the desks, which see only
        // the protocols; HTTP, pages and the wiring on top.
        .target(
            name: "BidDomain",
            dependencies: ["BidCore"]
        ),
        .target(
            name: "BidStoreSQL",
            dependencies: ["BidDomain", "BidCore"]
        ),
        .target(
            name: "BidStoreSQLite",
            dependencies: ["BidStoreSQL", "BidDomain", "BidCore", "CSQLite"]
        ),
        .target(
            name: "BidStorePostgres",
            dependencies: [
                "BidStoreSQL", "BidDomain", "BidCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "BidDesks",
            dependencies: [
                "BidDomain", "BidCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "BidService",
            dependencies: [
                "BidCore",
                "BidDomain",
                "BidDesks",
                "BidStoreSQL",
                "BidStoreSQLite",
                "BidStorePostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .executableTarget(
            name: "ebid",
            dependencies: [
                "BidCore",
                "BidDomain",
                "BidDesks",
                "BidService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["BidCore"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "BidCoreTests",
            dependencies: ["BidCore", "TestSupport"],
            resources: [.copy("Vectors")]
        ),
        .testTarget(
            name: "BidServiceTests",
            dependencies: ["BidService", "BidDesks", "BidDomain", "BidStoreSQL", "BidStoreSQLite", "BidStorePostgres", "BidCore", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOHTTPTypes", package: "swift-nio-extras")]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["ebid", "BidCore", "BidDomain", "BidDesks", "BidService", "BidStoreSQL", "BidStoreSQLite", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
