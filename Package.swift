// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        .executable(name: "gatehouse-bench", targets: ["gatehouse-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        // `gatehouse serve`: HTTP on SwiftNIO (no swift-configuration: the server takes its options
        // from the command line), graceful shutdown, metrics for /metrics, TLS.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
    ],
    targets: [
        // Calendar days by integer arithmetic, shared by the domain's UTC text and the date field.
        .target(name: "CivilCalendar"),
        // ICU's spoof checker (TR39 skeletons), for refusing look-alike names (Debian's libicu-dev).
        .target(
            name: "CSkeleton",
            linkerSettings: [.linkedLibrary("icui18n"), .linkedLibrary("icuuc")]
        ),
        // Entities, rules and the AccessService façade. No terminal, no SQL.
        .target(
            name: "GatehouseDomain",
            dependencies: ["CivilCalendar", "CSkeleton", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The transactional store behind the façade: SQLite through GRDB.
        .target(
            name: "GatehouseStore",
            dependencies: [
                "GatehouseDomain",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The C API, for verification's own read-only connections (VerificationReaders).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // libpq's headers (Debian's libpq-dev), the library loaded at run time only for a
        // postgresql:// directory (dlopen), so the SQLite path neither needs nor loads it.
        .target(name: "CLibpq"),
        // The shared store for several hosts: PostgreSQL 15 through libpq, behind the same
        // synchronous store protocol (see PostgresDirectoryStore).
        .target(
            name: "GatehousePostgres",
            dependencies: ["CLibpq", "GatehouseDomain", "GatehouseStore"]
        ),
        // ncursesw as a Swift module: a module map and tiny shims for what Swift cannot import.
        .systemLibrary(
            name: "CNcursesw",
            path: "Sources/CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // The terminal layer: cell buffer, widgets, key decoding, ncurses and in-memory backends.
        // Knows nothing of users or tokens.
        .target(
            name: "TerminalKit",
            dependencies: ["CNcursesw", "CivilCalendar"]
        ),
        // Panes, details, forms, the New Token wizard: state + update + render over TerminalKit.
        .target(
            name: "GatehouseConsole",
            dependencies: ["GatehouseDomain", "TerminalKit"]
        ),
        // The seeded organization `gatehouse demo` opens, replayed through the façade.
        .target(
            name: "GatehouseDemo",
            dependencies: ["GatehouseDomain"]
        ),
        // `gatehouse serve`: tokens authenticating HTTP requests (nginx auth_request, introspection,
        // leaked-token reports). A thin HTTP layer over the façade's verification and GatewayDecision.
        .target(
            name: "GatehouseServer",
            dependencies: [
                "GatehouseDomain",
                "GatehouseStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // The commands: the console (default), the demo and the scripting CLI.
        .target(
            name: "GatehouseCLI",
            dependencies: [
                "GatehouseDomain",
                "GatehouseStore",
                "GatehousePostgres",
                "GatehouseDemo",
                "GatehouseConsole",
                "GatehouseServer",
                "TerminalKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Thin: parses the command line and runs it.
        .executableTarget(
            name: "gatehouse",
            dependencies: ["GatehouseCLI"]
        ),
        // Benchmarks on a large generated directory (`gatehouse dev seed`); see BENCHMARKS.md.
        .executableTarget(
            name: "gatehouse-bench",
            dependencies: ["GatehouseDomain", "GatehouseStore", "GatehousePostgres", "GatehouseConsole", "TerminalKit"]
        ),
        .testTarget(
            name: "GatehouseDomainTests",
            dependencies: ["GatehouseDomain", "GatehouseStore", "GatehouseTestSupport"]
        ),
        // The store contract, run against every backend (SQLite always; PostgreSQL when
        // GATEHOUSE_TEST_POSTGRES_URL names a server, and always in CI).
        .testTarget(
            name: "GatehouseStoreConformanceTests",
            dependencies: ["GatehouseDomain", "GatehouseStore", "GatehousePostgres", "GatehouseTestSupport"]
        ),
        .testTarget(
            name: "GatehouseCLITests",
            dependencies: ["GatehouseCLI", "GatehouseDemo", "GatehouseDomain", "GatehouseStore", "GatehouseTestSupport"]
        ),
        // Helpers the test targets share (directory snapshots, paging); not shipped.
        .target(
            name: "GatehouseTestSupport",
            dependencies: ["GatehouseDomain"]
        ),
        .testTarget(
            name: "TerminalKitTests",
            dependencies: ["TerminalKit", "CivilCalendar"]
        ),
        .testTarget(
            name: "GatehouseConsoleTests",
            dependencies: ["GatehouseConsole", "GatehouseDemo", "GatehouseDomain", "GatehouseStore", "GatehouseTestSupport", "TerminalKit", "CivilCalendar"]
        ),
        // The real binary in a real terminal (tmux); needs `swift build` to have built it.
        .testTarget(
            name: "GatehouseEndToEndTests",
            dependencies: ["GatehouseDomain", "GatehouseStore", "gatehouse"],
            // The azure-devops SDK script, run by python3 from its path (not a bundle resource).
            exclude: ["Python"]
        ),
        .testTarget(
            name: "GatehouseServerTests",
            dependencies: [
                "GatehouseServer", "GatehouseDomain", "GatehouseStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "GatehouseDemoTests",
            dependencies: ["GatehouseDemo", "GatehouseDomain", "GatehouseStore"]
        ),
    ]
)
