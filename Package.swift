// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Retour",
    products: [
        .executable(name: "retour", targets: ["retour"]),
        .executable(name: "retour-bench", targets: ["retour-bench"]),
        // For the fuzzers' package (Tests/Fuzz), which builds them with its own flags.
        .library(name: "RetourCore", targets: ["RetourCore"]),
        .library(name: "RetourDemo", targets: ["RetourDemo"]),
        .library(name: "RetourTestSupport", targets: ["RetourTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // ncursesw, bound through a shim header (see Sources/CNCurses/shim.h).
        .systemLibrary(
            name: "CNCurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // Domain, rules, store, CSV, translations and encryption at rest: no terminal code.
        .target(
            name: "RetourCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Invented people and their follow-up, for `import --generate`, trainings and benchmarks.
        .target(name: "RetourDemo", dependencies: ["RetourCore"]),
        // Synchronisation of offices through a central PostgreSQL server (`retour sync`).
        .target(
            name: "RetourSync",
            dependencies: ["RetourCore", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        // Terminal toolkit: cell grid, drivers, widgets. No domain code.
        .target(name: "RetourTUI", dependencies: ["CNCurses"]),
        // The case manager's screens, built from the two above.
        .target(name: "RetourApp", dependencies: ["RetourCore", "RetourTUI"]),
        // The executable: argument parsing and wiring.
        .executableTarget(
            name: "retour",
            dependencies: [
                "RetourCore", "RetourDemo", "RetourApp", "RetourTUI", "RetourSync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Measures the case manager on synthetic data; prints figures, asserts nothing.
        .executableTarget(
            name: "retour-bench",
            dependencies: [
                "RetourCore", "RetourDemo", "RetourTUI", "RetourApp", "RetourSync",
                // `retour-bench sync` starts a throwaway PostgreSQL cluster unless given a server.
                "RetourTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // For tests: an in-memory file system that loses what a power cut loses, and fails on demand.
        .target(name: "RetourTestSupport", dependencies: ["RetourCore"]),
        .testTarget(name: "RetourCoreTests", dependencies: ["RetourCore", "RetourDemo", "RetourTestSupport"]),
        .testTarget(name: "RetourTUITests", dependencies: ["RetourTUI", "RetourDemo"]),
        .testTarget(name: "RetourAppTests", dependencies: ["RetourApp", "RetourCore", "RetourDemo", "RetourTUI", "RetourTestSupport"]),
        .testTarget(name: "RetourSyncTests", dependencies: ["RetourSync", "RetourCore", "RetourDemo", "RetourTestSupport"]),
        // Drives the real binary (and tmux), so it depends on the executable to have it built.
        .testTarget(name: "EndToEndTests", dependencies: ["retour", "RetourCore", "RetourDemo", "RetourTestSupport"]),
    ]
)
