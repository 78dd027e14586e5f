// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "stepmark",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "stepmark", targets: ["stepmark"]),
        .library(name: "StepmarkCore", targets: ["StepmarkCore"]),
        // For the fuzz targets in Fuzz/ (a separate package).
        .library(name: "StepmarkLesson", targets: ["StepmarkLesson"]),
        .library(name: "StepmarkGrade", targets: ["StepmarkGrade"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The only C in the project: Debian's libcmark-gfm and its GFM extensions.
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Debian's OpenBLAS for large matrix products (tuned kernels chosen at run time).
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Numbers only: tensors, kernels, tokenizers, random numbers.
        .target(name: "StepmarkCore", dependencies: ["COpenBLAS"]),
        // Markdown -> Lesson -> Report: parsing, expressions, directives, the runner.
        .target(name: "StepmarkLesson", dependencies: ["StepmarkCore", "CCmarkGFM"]),
        // Report -> terminal, Markdown, HTML, JSON. Renderers never compute.
        .target(name: "StepmarkRender", dependencies: ["StepmarkLesson", "StepmarkCore"]),
        // Lesson + Report -> a Jupyter notebook whose numpy code recomputes every sub-step.
        .target(name: "StepmarkExport", dependencies: ["StepmarkLesson", "StepmarkRender"]),
        // Exercises, answers, check, grade, assign.
        .target(name: "StepmarkGrade", dependencies: ["StepmarkLesson", "StepmarkRender", "StepmarkCore"]),
        .executableTarget(
            name: "stepmark",
            dependencies: [
                "StepmarkCore", "StepmarkLesson", "StepmarkRender", "StepmarkGrade", "StepmarkExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `make bench`: kernel timings beside numpy's (not a test).
        .executableTarget(name: "StepmarkBench", dependencies: ["StepmarkCore"]),
        .testTarget(name: "StepmarkCoreTests", dependencies: ["StepmarkCore"]),
        .testTarget(
            name: "StepmarkTests",
            dependencies: ["StepmarkCore", "StepmarkLesson", "StepmarkRender", "StepmarkGrade", "StepmarkExport"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
