// swift-tools-version:6.0
import PackageDescription

/// The physics modules are built optimised in debug too, so that `swift test` runs the simulators at
/// a usable speed (debug Swift code runs 10–50× slower on voxel loops); the tests themselves stay -Onone.
let optimisedInDebug: SwiftSetting = .unsafeFlags(["-O"], .when(configuration: .debug))

let package = Package(
    name: "ParsGuide",
    products: [
        .executable(name: "parsguide", targets: ["parsguide"]),
        .library(name: "ParsGuideCore", targets: ["ParsGuideCore"]),
        .library(name: "VolumeGeometry", targets: ["VolumeGeometry"]),
        .library(name: "FileFormats", targets: ["FileFormats"]),
        .library(name: "DICOM", targets: ["DICOM"]),
        .library(name: "Anatomy", targets: ["Anatomy"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Devices", targets: ["Devices"]),
        .library(name: "Ultrasound", targets: ["Ultrasound"]),
        .library(name: "Fluoroscopy", targets: ["Fluoroscopy"]),
        .library(name: "Procedure", targets: ["Procedure"]),
        .library(name: "Clinical", targets: ["Clinical"]),
        .library(name: "Illustration", targets: ["Illustration"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "WebAPI", targets: ["WebAPI"]),
        .library(name: "Server", targets: ["Server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        // System libraries (Debian: zlib1g-dev, libdeflate-dev, libpng-dev).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libdeflate: whole-buffer gzip, ≈ 2× zlib's speed on the CT volumes (docs/BENCHMARKS.md).
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),

        // The lowest layer: safe output files and folders, error sentences. Depends on nothing.
        .target(name: "ParsGuideCore"),
        // Grids, volumes, matrices, meshes and the algorithms on them (distance transform, components,
        // marching cubes, voxeliser, registration); no anatomy.
        // Grids, volumes and vectors sit under every hot loop of the simulators and the subject build: their
        // bodies are serialised for the modules above (cross-module optimisation) so that a voxel access or a
        // vector sum is inlined there as it was when they lived inside Anatomy (without it the subject build
        // took 3× as long after the split).
        .target(name: "VolumeGeometry", dependencies: ["ParsGuideCore"],
                swiftSettings: [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)), optimisedInDebug]),
        // NIfTI, STL, OBJ and gzip (libdeflate, zlib for streams it cannot take whole).
        .target(name: "FileFormats", dependencies: ["ParsGuideCore", "VolumeGeometry", "CZlib", "CDeflate"], swiftSettings: [optimisedInDebug]),
        // DICOM through GDCM (Debian's libgdcm-dev: every transfer syntax it decodes, JPEG 2000 via OpenJPEG),
        // behind a C shim; the Swift module sorts, checks and assembles a series into a volume.
        .target(name: "CDICOM", cxxSettings: [.unsafeFlags(["-I/usr/include/gdcm-3.0"]), .define("NDEBUG")],
                linkerSettings: [.linkedLibrary("gdcmMSFF"), .linkedLibrary("gdcmDSED"), .linkedLibrary("gdcmCommon")]),
        .target(name: "DICOM", dependencies: ["ParsGuideCore", "VolumeGeometry", "CDICOM"]),
        // Anatomy proper: tissues, habitus, levels, defects, the subject and its documents, the phantom.
        .target(
            name: "Anatomy",
            dependencies: ["ParsGuideCore", "VolumeGeometry", "FileFormats"],
            resources: [.copy("Resources/lumbar-mean-shape"), .copy("Resources/bodyparts3d")],
            swiftSettings: [optimisedInDebug]
        ),
        .target(name: "Imaging", dependencies: ["ParsGuideCore", "CPNG", "CZlib"], swiftSettings: [optimisedInDebug]),
        // Device geometry apart from the simulators: probe pose and transducer, scan lines and field of
        // view, C-arm and detector, camera, needle shaft. The engines, Procedure and Illustration import it.
        .target(name: "Devices", dependencies: ["ParsGuideCore", "Anatomy"], swiftSettings: [optimisedInDebug]),
        // A cache prefetch hint for the B-mode march (Swift has none); one inline C function.
        .target(name: "CPrefetch"),
        .target(name: "CMallocTuning"),
        .target(name: "Ultrasound", dependencies: ["ParsGuideCore", "Anatomy", "Imaging", "Devices", "CPrefetch"], swiftSettings: [optimisedInDebug]),
        // The DRR's vector slab walk (AVX-512 or AVX2, chosen at run time); plain C, no flags. The walk
        // itself is SlabWalk.inc, compiled once per instruction set.
        .target(name: "CDRRKernel", exclude: ["SlabWalk.inc"]),
        .target(name: "Fluoroscopy", dependencies: ["ParsGuideCore", "Anatomy", "Imaging", "CDRRKernel", "Devices"], swiftSettings: [optimisedInDebug]),
        .target(name: "Illustration", dependencies: ["Anatomy", "Imaging", "Devices"], swiftSettings: [optimisedInDebug]),
        // The CARE report, rendered from a Mustache template.
        .target(name: "Report", dependencies: [.product(name: "Mustache", package: "swift-mustache")]),
        // The web API without HTTP: its strictly decoded request bodies and a session that applies them
        // (the server wraps it in routes; the fuzzer replays bodies through it without swift-nio).
        .target(name: "WebAPI", dependencies: [
            "ParsGuideCore", "Anatomy", "Imaging", "Devices", "Ultrasound", "Fluoroscopy", "Procedure", "Illustration", "Clinical", "Session",
        ]),
        // The web simulator; the only module that needs Hummingbird.
        .target(name: "Server", dependencies: [
            "ParsGuideCore", "Anatomy", "Imaging", "Devices", "Ultrasound", "Fluoroscopy", "Procedure", "Illustration", "Clinical", "Session", "WebAPI",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        // Outcome scales and the case registry; knows nothing of images.
        .target(name: "Clinical", dependencies: ["ParsGuideCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Procedure", dependencies: [
            "ParsGuideCore", "Anatomy", "Imaging", "Devices", "Ultrasound", "Fluoroscopy",
            .product(name: "HeapModule", package: "swift-collections"),
        ], swiftSettings: [optimisedInDebug]),
        // The pipelines above the simulators as library calls: the published case (the server's session joins it).
        .target(name: "Session", dependencies: [
            "ParsGuideCore", "Anatomy", "Imaging", "Ultrasound", "Fluoroscopy", "Procedure", "Clinical", "Illustration", "Report",
        ]),
        .target(
            name: "ParsGuideCommands",
            dependencies: [
                "ParsGuideCore", "Anatomy", "Imaging", "Ultrasound", "Fluoroscopy", "Procedure", "Clinical", "Illustration", "Report", "Server",
                "Session", "WebAPI", "DICOM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "parsguide", dependencies: ["ParsGuideCommands", "CMallocTuning"]),

        .testTarget(name: "ParsGuideCoreTests", dependencies: ["ParsGuideCore"]),
        // What the test targets share: subjects built once per process, seeded random numbers.
        .target(name: "TestSupport", dependencies: ["Anatomy"], path: "Tests/TestSupport"),
        .testTarget(name: "AnatomyTests", dependencies: ["Anatomy", "VolumeGeometry", "FileFormats", "ParsGuideCore", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DICOMTests", dependencies: ["DICOM", "FileFormats"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "ParsGuideCore"]),
        .testTarget(name: "UltrasoundTests", dependencies: ["Ultrasound", "Anatomy", "TestSupport"]),
        .testTarget(name: "FluoroscopyTests", dependencies: ["Fluoroscopy", "Anatomy", "Imaging", "TestSupport"]),
        .testTarget(name: "ClinicalTests", dependencies: ["Clinical"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "WebAPI", "ParsGuideCore", "Anatomy", "Clinical", "Ultrasound", "Fluoroscopy", "Procedure", "Imaging", "ParsGuideCommands",
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "IllustrationTests", dependencies: ["Illustration", "Anatomy", "Devices", "Fluoroscopy", "Ultrasound", "Imaging", "TestSupport"]),
        .testTarget(name: "ProcedureTests", dependencies: ["Procedure", "Anatomy", "Ultrasound", "Fluoroscopy", "TestSupport"]),
        .testTarget(name: "SessionTests", dependencies: ["Session", "Report", "Imaging"]),
        .testTarget(name: "ParsGuideCommandsTests", dependencies: [
            "ParsGuideCommands", "ParsGuideCore", "Anatomy", "Imaging", "Ultrasound", "Fluoroscopy", "Clinical", "Report", "Illustration",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ]
)
