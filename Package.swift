// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "sanctions-engine",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "SanctionsEngine", targets: ["SanctionsEngine"]),
        .executable(name: "sanctions", targets: ["sanctions"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "SanctionsEngine",
            dependencies: [.product(name: "Yams", package: "Yams")],
            resources: [.copy("Rulebook")]
        ),
        .executableTarget(
            name: "sanctions",
            dependencies: [
                "SanctionsEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "SanctionsEngineTests",
            // The CLI tests run the built `sanctions` binary.
            // Yams: the reference the engine's own YAML reader is compared with.
            dependencies: ["SanctionsEngine", "sanctions", .product(name: "Yams", package: "Yams")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
