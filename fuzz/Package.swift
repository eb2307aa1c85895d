// swift-tools-version:6.0
// libFuzzer targets for ParsGuide's readers, kept apart from the main package so that `swift build` and
// `swift test` never need the fuzzer runtime. Build: `swift build -c release --sanitize=fuzzer` here;
// run: `scripts/fuzz.sh` (from the repository root).
import PackageDescription

let package = Package(
    name: "ParsGuideFuzz",
    dependencies: [.package(name: "ParsGuide", path: "..")],
    targets: [
        .executableTarget(name: "parsguide-fuzz", dependencies: [
            .product(name: "Anatomy", package: "ParsGuide"),
            .product(name: "DICOM", package: "ParsGuide"),
            .product(name: "Imaging", package: "ParsGuide"),
            .product(name: "Procedure", package: "ParsGuide"),
            .product(name: "WebAPI", package: "ParsGuide"),
        ]),
    ]
)
