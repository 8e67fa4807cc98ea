// swift-tools-version: 6.0
import PackageDescription

// Coverage-guided fuzzing of Retour's readers with libFuzzer. Built and run by `scripts/fuzz`,
// which gives the sanitizer flags; not part of the main package, whose tests never need them.
let package = Package(
    name: "RetourFuzz",
    dependencies: [
        .package(name: "Retour", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "RetourFuzz",
            dependencies: [
                .product(name: "RetourCore", package: "Retour"),
                .product(name: "RetourDemo", package: "Retour"),
                .product(name: "RetourTestSupport", package: "Retour"),
            ],
            // libFuzzer calls the target on one thread; the samples are shared globals.
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
