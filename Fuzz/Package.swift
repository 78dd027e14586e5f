// swift-tools-version:6.0
// libFuzzer targets for stepmark (issue 8). Build and run them with `make fuzz` (long runs) or
// `make fuzz-short` (what `make test` runs); see Fuzz/README.md.
//
// Every target is an executable holding only `LLVMFuzzerTestOneInput`; libFuzzer supplies
// `main`. Build with `-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library` so that the
// main package's modules are instrumented too (coverage and AddressSanitizer).
import PackageDescription

let package = Package(
    name: "StepmarkFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "stepmark", path: ".."),
    ],
    targets: [
        // What every target shares: small limits and the "errors point into the input" check.
        .target(name: "FuzzSupport", dependencies: [
            .product(name: "StepmarkLesson", package: "stepmark"),
        ]),
        // Whole lessons: Markdown → LessonParser → Runner → Exercises.check.
        .executableTarget(name: "FuzzLesson", dependencies: [
            "FuzzSupport",
            .product(name: "StepmarkLesson", package: "stepmark"),
            .product(name: "StepmarkGrade", package: "stepmark"),
        ]),
        // One info string: `NAME key=value …`, then every typed accessor.
        .executableTarget(name: "FuzzInfoString", dependencies: [
            "FuzzSupport",
            .product(name: "StepmarkLesson", package: "stepmark"),
        ]),
        // Expressions: the lexer, the parser and the evaluator over a small environment.
        .executableTarget(name: "FuzzExpression", dependencies: [
            "FuzzSupport",
            .product(name: "StepmarkLesson", package: "stepmark"),
        ]),
        // Submissions: AnswerExtractor + AnswerParser, graded against a fixed key.
        .executableTarget(name: "FuzzAnswer", dependencies: [
            "FuzzSupport",
            .product(name: "StepmarkLesson", package: "stepmark"),
            .product(name: "StepmarkGrade", package: "stepmark"),
        ]),
    ]
)
