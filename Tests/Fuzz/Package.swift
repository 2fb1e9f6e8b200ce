// swift-tools-version: 6.1
// libFuzzer targets for the record readers and the rule loader. Not part of the main
// package or of `swift test`: run them with scripts/fuzz.sh (docs/security.md).
import PackageDescription

let package = Package(
    name: "sanctions-fuzz",
    dependencies: [.package(name: "sanctions-engine", path: "../..")],
    targets: [
        .executableTarget(name: "FuzzReaders", dependencies: [.product(name: "SanctionsEngine", package: "sanctions-engine")]),
        .executableTarget(name: "FuzzRules", dependencies: [.product(name: "SanctionsEngine", package: "sanctions-engine")]),
    ],
    swiftLanguageModes: [.v6]
)
