// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        // Entities, rules and the AccessService façade. No terminal, no SQL.
        .target(
            name: "GatehouseDomain",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // The transactional store behind the façade: SQLite through GRDB.
        .target(
            name: "GatehouseStore",
            dependencies: ["GatehouseDomain", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The seeded organization `gatehouse demo` opens, replayed through the façade.
        .target(
            name: "GatehouseDemo",
            dependencies: ["GatehouseDomain"]
        ),
        // The commands: the console (default), the demo and the scripting CLI.
        .target(
            name: "GatehouseCLI",
            dependencies: [
                "GatehouseDomain",
                "GatehouseStore",
                "GatehouseDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Thin: parses the command line and runs it.
        .executableTarget(
            name: "gatehouse",
            dependencies: ["GatehouseCLI"]
        ),
        .testTarget(
            name: "GatehouseDomainTests",
            dependencies: ["GatehouseDomain", "GatehouseStore"]
        ),
        .testTarget(
            name: "GatehouseCLITests",
            dependencies: ["GatehouseCLI", "GatehouseDomain", "GatehouseStore"]
        ),
        .testTarget(
            name: "GatehouseDemoTests",
            dependencies: ["GatehouseDemo", "GatehouseDomain", "GatehouseStore"]
        ),
    ]
)
