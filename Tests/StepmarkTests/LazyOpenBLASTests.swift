import Foundation
import Testing

/// OpenBLAS is opened with dlopen at the first product big enough to need it (issue 13): a
/// lesson of small matrices never loads it, a large product does, and with
/// `STEPMARK_OPENBLAS=off` the Swift kernels give the same numbers to 1e-12.
@Suite(.serialized) struct LazyOpenBLASTests {
    static let openBLASInstalled = ["/usr/lib/x86_64-linux-gnu/libopenblas.so.0", "/usr/lib/aarch64-linux-gnu/libopenblas.so.0"]
        .contains { FileManager.default.fileExists(atPath: $0) }

    /// A 100×80 by 80×90 product: 720,000 multiply-adds, over `Matmul.blasThreshold` (64³).
    static let largeProduct = """
        # Large

        ```let
        A = random(100, 80, seed=1)
        B = random(80, 90, seed=2)
        C = A @ B
        ```
        """

    /// Runs stepmark with extra environment variables; `LD_DEBUG=files` makes the dynamic
    /// loader list on stderr every library it opens, dlopen included.
    func run(_ arguments: [String], environment extra: [String: String], in directory: String) throws -> (status: Int32, stdout: Data, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: stepmarkExecutable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, outData, String(decoding: errBox.data, as: UTF8.self))
    }

    /// The entries of value `name` in the JSON report's steps.
    func values(_ json: Data, _ name: String) throws -> [Double] {
        let report = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let steps = try #require(report["steps"] as? [[String: Any]])
        for step in steps {
            for value in step["values"] as? [[String: Any]] ?? [] where value["name"] as? String == name {
                let rows = try #require(value["data"] as? [[Double]])
                return rows.flatMap { $0 }
            }
        }
        Issue.record("no value \(name) in the report")
        return []
    }

    @Test func aLessonOfSmallMatricesNeverLoadsOpenBLAS() throws {
        let result = try run(["run", "lessons/en/01-attention.md", "--format", "json"], environment: ["LD_DEBUG": "files"], in: repositoryRoot)
        #expect(result.status == 0)
        #expect(result.stderr.contains("file=libc.so"))   // LD_DEBUG works here
        #expect(!result.stderr.contains("libopenblas"))
        let version = try run(["--version"], environment: ["LD_DEBUG": "files"], in: repositoryRoot)
        #expect(!version.stderr.contains("libopenblas"))
    }

    /// stepmark names OpenBLAS's kernel family from the CPU's own flags when the environment
    /// does not (Debian's 0.3.21 chose Prescott, its slowest, on a Xeon newer than itself), and
    /// keeps a family the environment names. OpenBLAS says which it took (`OPENBLAS_VERBOSE=2`).
    /// The test changes no OPENBLAS_CORETYPE: the child gets the environment the tests have.
    @Test(.enabled(if: openBLASInstalled)) func openBLASRunsTheKernelFamilyOfThisCPU() throws {
        let folder = try temporaryFolder(["large.md": Self.largeProduct])
        let loaded = try run(["run", "large.md"], environment: ["OPENBLAS_VERBOSE": "2"], in: folder)
        #expect(loaded.status == 0)
        let flags = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("flags") }
            .map { Set($0.split(separator: " ").map(String.init)) } ?? []
        let expected: String?
        if let given = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] {
            expected = given
        } else if ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains) {
            expected = "SkylakeX"
        } else if flags.contains("avx2") && flags.contains("fma") {
            expected = "Haswell"
        } else {
            expected = nil  // OpenBLAS's own choice
        }
        if let expected {
            #expect(loaded.stderr.lowercased().contains("core: \(expected.lowercased())"), "\(loaded.stderr.prefix(300))")
        }
    }

    @Test func aLargeProductLoadsItAndTheSwiftKernelsAgree() throws {
        let folder = try temporaryFolder(["large.md": Self.largeProduct])
        let loaded = try run(["run", "large.md", "--format", "json"], environment: ["LD_DEBUG": "files"], in: folder)
        #expect(loaded.status == 0)
        if Self.openBLASInstalled {
            #expect(loaded.stderr.contains("file=libopenblas.so.0"))
        }
        let withBLAS = try run(["run", "large.md", "--format", "json"], environment: [:], in: folder)
        let withoutBLAS = try run(["run", "large.md", "--format", "json"], environment: ["STEPMARK_OPENBLAS": "off", "LD_DEBUG": "files"], in: folder)
        #expect(withoutBLAS.status == 0)
        #expect(!withoutBLAS.stderr.contains("libopenblas"))
        let a = try values(withBLAS.stdout, "C"), b = try values(withoutBLAS.stdout, "C")
        #expect(a.count == 100 * 90 && a.count == b.count)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 })
    }

    @Test func aMissingLibraryFallsBackToSwift() throws {
        let folder = try temporaryFolder(["large.md": Self.largeProduct])
        let reference = try run(["run", "large.md", "--format", "json"], environment: ["STEPMARK_OPENBLAS": "off"], in: folder)
        let missing = try run(["run", "large.md", "--format", "json"], environment: ["STEPMARK_OPENBLAS": "/nonexistent/libopenblas.so.0"], in: folder)
        #expect(missing.status == 0)
        #expect(missing.stdout == reference.stdout)
    }
}
