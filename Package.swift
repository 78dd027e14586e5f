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
        // Debian's libcmark-gfm and its GFM extensions: the Markdown parser.
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // Debian's libyaml: front matter and course.yml (SPEC §8) are YAML, read by a
        // well-kept parser, not a hand-written one. Used directly rather than through Yams,
        // which imports all of Foundation (its ICU data is 40+ MB of the static binary).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // Element-wise kernels (exp, softmax rows, GELU, layer norm) compiled for the baseline,
        // AVX2 and AVX-512, chosen at run time (issue 20).
        .target(name: "CKernels"),
        // The temporary files of atomic writes, removed when Ctrl-C or a kill ends the process:
        // the signal handler needs a lock-free table in C (ReplacingWrite).
        .target(name: "CTemporaryFiles"),
        // Numbers only: tensors, kernels, tokenizers, random numbers. OpenBLAS is not linked:
        // Core/BLAS.swift opens it with dlopen at the first large product, when installed.
        .target(name: "StepmarkCore", dependencies: ["CKernels", "CTemporaryFiles"]),
        // Markdown -> Lesson -> Report: parsing, expressions, directives, the runner.
        .target(name: "StepmarkLesson", dependencies: ["StepmarkCore", "CCmarkGFM", "CYAML"]),
        // Report -> terminal, Markdown, HTML, JSON. Renderers never compute.
        .target(name: "StepmarkRender", dependencies: ["StepmarkLesson", "StepmarkCore"]),
        // Lesson + Report -> a Jupyter notebook whose numpy code recomputes every sub-step.
        .target(name: "StepmarkExport", dependencies: ["StepmarkLesson", "StepmarkRender"]),
        // Exercises, answers, check, grade, assign.
        .target(name: "StepmarkGrade", dependencies: ["StepmarkLesson", "StepmarkRender", "StepmarkCore"]),
        // `stepmark preview`: the rendered course on 127.0.0.1, re-rendered on inotify events,
        // reloaded in the browser by Server-Sent Events.
        .target(
            name: "StepmarkPreview",
            dependencies: ["StepmarkLesson", "StepmarkRender", "StepmarkGrade"]
        ),
        .executableTarget(
            name: "stepmark",
            dependencies: [
                "StepmarkCore", "StepmarkLesson", "StepmarkRender", "StepmarkGrade", "StepmarkPreview", "StepmarkExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `make bench`: kernel timings beside numpy's (not a test).
        .executableTarget(name: "StepmarkBench", dependencies: ["StepmarkCore"]),
        .testTarget(name: "StepmarkCoreTests", dependencies: ["StepmarkCore"]),
        .testTarget(name: "StepmarkPreviewTests", dependencies: ["StepmarkPreview", "StepmarkRender", "StepmarkLesson", "StepmarkGrade"]),
        .testTarget(
            name: "StepmarkTests",
            dependencies: ["StepmarkCore", "StepmarkLesson", "StepmarkRender", "StepmarkGrade", "StepmarkExport"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
