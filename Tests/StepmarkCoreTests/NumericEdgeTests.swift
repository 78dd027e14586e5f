import Foundation
import Testing
@testable import StepmarkCore

/// Runs a python3 script (numpy available) and returns its standard output, trimmed.
func python(_ script: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Numbers at the edges of Double (issue 15, class 8): every result is finite and right, or an
/// error — never NaN, ∞ or a silent 0. Expected values come from hand calculation (written out)
/// or from numpy on rescaled inputs.
@Suite struct NumericEdgeTests {
    // MARK: cosine, norms, nearest

    @Test func cosineOfHugeAndTinyVectors() throws {
        // cos(a, a) = 1 however large a's entries: 1e200² overflowed to ∞ and ∞/∞ was NaN.
        #expect(try LinearAlgebra.cosine(.vector([1e200]), .vector([1e200])).scalarValue == 1)
        #expect(try Embeddings.similarity(.vector([1e200]), .vector([1e200]), metric: .cosine) == 1)
        // [1e200, 0]·[1e200, 1e200] / (1e200 · 1e200·√2) = 1/√2 (hand calculation).
        let c = try Embeddings.similarity(.vector([1e200, 0]), .vector([1e200, 1e200]), metric: .cosine)
        #expect(abs(c - 1 / 2.0.squareRoot()) < 1e-15)
        // Tiny entries are a direction, not a zero vector: [1e-200, 2e-200] is [1, 2]/√5.
        let n = try LinearAlgebra.normalizeRows(.vector([1e-200, 2e-200]))
        #expect(abs(n.data[0] - 1 / 5.0.squareRoot()) < 1e-15 && abs(n.data[1] - 2 / 5.0.squareRoot()) < 1e-15)
        #expect(try Embeddings.similarity(.vector([1e-200, 0]), .vector([3e-200, 0]), metric: .cosine) == 1)
        // ‖[1e200, 1e200]‖ = 1e200·√2; ‖[3e-200, 4e-200]‖ = 5e-200.
        #expect(abs(LinearAlgebra.norm(.vector([1e200, 1e200])) / (1e200 * 2.0.squareRoot()) - 1) < 1e-15)
        #expect(abs(LinearAlgebra.norm(.vector([3e-200, 4e-200])) / 5e-200 - 1) < 1e-15)
        // Distance: ‖[1e200, 0] − [−1e200, 0]‖ = 2e200.
        #expect(try Embeddings.similarity(.vector([1e200, 0]), .vector([-1e200, 0]), metric: .euclidean) == 2e200)
    }

    @Test func dotThatOverflowsIsAnError() {
        #expect(throws: TensorError.self) {
            _ = try Embeddings.similarity(.vector([1e200]), .vector([1e200]), metric: .dot)
        }
    }

    @Test func nearestScoresOneForTheSameDirection() throws {
        // "big" points the same way as the query, so its cosine is 1 (it scored 0 before).
        let table = try EmbeddingTable(tokens: ["big", "side"], matrix: .matrix([[1e200, 2e200], [2e200, -1e200]]))
        let ranking = try Embeddings.nearest(to: .vector([1, 2]), in: table, k: 2)
        #expect(ranking.map(\.token) == ["big", "side"])
        #expect(abs(ranking[0].score - 1) < 1e-15)
        #expect(abs(ranking[1].score) < 1e-15)   // [1,2]·[2,−1] = 0
        let matrix = try Embeddings.similarityMatrix(table, metric: .cosine)
        #expect(matrix.data.allSatisfy { $0.isFinite })
    }

    // MARK: PCA

    @Test func pcaOfEqualRowsIsAnError() throws {
        // 0.1 + 0.1 + 0.1 ≠ 0.3 in binary, so the mean differs from each row by rounding only.
        for row in [[0.1, 0.2, 0.3], [1e300, -1e300, 7], [1e-300, 2e-300, 3e-300]] {
            let table = try EmbeddingTable(tokens: ["a", "b", "c"], matrix: .matrix([row, row, row]))
            #expect(throws: TensorError.self) { _ = try Embeddings.pca(table) }
        }
    }

    @Test func pcaOfHugeEntriesMatchesNumpyOnTheScaledTable() throws {
        let x: [[Double]] = [[0.2, 1.0, -0.5], [0.9, 0.1, 0.4], [-0.3, 0.8, 0.0], [1.2, -0.4, 0.5]]
        let scale = 1e250
        let table = try EmbeddingTable(tokens: ["a", "b", "c", "d"], matrix: .matrix(x.map { $0.map { $0 * scale } }))
        let r = try Embeddings.pca(table)
        // numpy cannot square 1e250 either: it runs on X, and points/σ are multiplied by 1e250.
        let out = try python("""
            import numpy as np
            X = np.array(\(x)); Xc = X - X.mean(0)
            U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
            for k in range(2):
                j = np.argmax(np.abs(Vt[k]))
                if Vt[k, j] < 0: Vt[k] = -Vt[k]; U[:, k] = -U[:, k]
            pts = (U[:, :2] * S[:2]).ravel()
            print(' '.join(repr(float(v)) for v in list(pts) + list(S[:2]**2 / (S**2).sum()) + list(S[:2])))
            """)
        let numbers = out.split(separator: " ").compactMap { Double($0) }
        #expect(numbers.count == 12)
        guard numbers.count == 12 else { return }
        for i in 0..<8 { #expect(abs(r.points.data[i] / scale - numbers[i]) < 1e-10) }
        #expect(abs(r.explainedVarianceRatio.data[0] - numbers[8]) < 1e-12)
        #expect(abs(r.explainedVarianceRatio.data[1] - numbers[9]) < 1e-12)
        #expect(abs(r.singularValues.data[0] / scale - numbers[10]) < 1e-12)
        #expect(r.explainedVarianceRatio.data.allSatisfy { $0.isFinite })
    }

    // MARK: bce

    /// The bce loss `backprop` reports and the gradient it uses are one function: the central
    /// difference of the reported loss equals db, also where the output saturates (z = ±40,
    /// where the old clamp froze the loss at 27.6 while the gradient kept moving).
    @Test func bceLossAndGradientAgreeWhenSaturated() throws {
        for bias in [0.3, 40.0, -40.0] {
            let W = Tensor.matrix([[1.5], [-2.0]])
            let net = try Network(weights: [W], biases: [.vector([bias])], hidden: .sigmoid, output: .sigmoid)
            let x = Tensor.matrix([[1, 0], [0, 1], [1, 1]]), y = Tensor.vector([0, 1, 0])
            let r = try net.backprop(inputs: x, targets: y, lr: 0.1, epochs: 1, loss: .bce)
            let h = 1e-5
            func loss(_ b: Double) throws -> Double {
                try Network(weights: [W], biases: [.vector([b])], hidden: .sigmoid, output: .sigmoid)
                    .loss(inputs: x, targets: y, loss: .bce)
            }
            let numeric = (try loss(bias + h) - loss(bias - h)) / (2 * h)
            #expect(abs(numeric - r.db[0].data[0]) < 1e-6, "bias \(bias): \(numeric) vs \(r.db[0].data[0])")
            // numpy: mean(logaddexp(0, z) − y·z), z = x·W + b.
            let expected = try Double(python("""
                import numpy as np
                x = np.array([[1, 0], [0, 1], [1, 1]], float); y = np.array([0, 1, 0], float)
                z = x @ np.array([1.5, -2.0]) + \(bias)
                print(repr(float(np.mean(np.logaddexp(0, z) - y * z))))
                """)) ?? .nan
            #expect(abs(r.loss - expected) < 1e-12, "bias \(bias): \(r.loss) vs numpy \(expected)")
            #expect(r.loss.isFinite)
        }
    }

    // MARK: .npy sizes

    static func npy(shape: String) -> [UInt8] {
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let n = header.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(header.utf8) + [UInt8](repeating: 0, count: 16)
    }

    @Test func npyHeadersDeclaringHugeShapesAreErrors() {
        // 2^61 entries of 8 bytes: the byte count overflowed Int and trapped.
        #expect(throws: TensorError.self) { _ = try NumericFiles.parseNPY(Self.npy(shape: "(2305843009213693952,)")) }
        #expect(throws: TensorError.self) { _ = try NumericFiles.parseNPY(Self.npy(shape: "(4294967296, 4294967296)")) }
        do {
            _ = try NumericFiles.parseNPY(Self.npy(shape: "(99999999999999999999999, 2)"), source: "big.npy")
            Issue.record("a 23-digit dimension was accepted")
        } catch let e as TensorError {
            // It names the dimension, not "found ','".
            #expect(e.message == "big.npy has a shape dimension too large to hold: 99999999999999999999999 is over 9223372036854775807")
        } catch {
            Issue.record("\(error)")
        }
        do {
            _ = try NumericFiles.parseNPY(Self.npy(shape: "(2305843009213693952,)"), source: "x.npy")
        } catch let e as TensorError {
            #expect(e.message == "x.npy is truncated: shape (2305843009213693952) of '<f8' needs more than 9223372036854775807 bytes of data, the file has 16")
        } catch {
            Issue.record("\(error)")
        }
    }

    // MARK: files

    @Test func specialFilesAreRefusedWithoutBlocking() throws {
        let folder = NSTemporaryDirectory() + "stepmark-regular-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = folder + "/pipe.md"
        #expect(mkfifo(fifo, 0o600) == 0)
        let start = Date()
        #expect(throws: RegularFile.Failure.special(kind: "a FIFO (named pipe)")) { _ = try RegularFile.read(fifo, maxBytes: 100) }
        #expect(throws: RegularFile.Failure.special(kind: "a character device")) { _ = try RegularFile.read("/dev/zero", maxBytes: 100) }
        #expect(throws: RegularFile.Failure.directory) { _ = try RegularFile.read(folder, maxBytes: 100) }
        #expect(throws: RegularFile.Failure.missing) { _ = try RegularFile.read(folder + "/none", maxBytes: 100) }
        #expect(Date().timeIntervalSince(start) < 1)
        let file = folder + "/f.txt"
        try Data("0123456789".utf8).write(to: URL(fileURLWithPath: file))
        #expect(try RegularFile.read(file, maxBytes: 10) == Array("0123456789".utf8))
        #expect(throws: RegularFile.Failure.tooLarge(limit: 9)) { _ = try RegularFile.read(file, maxBytes: 9) }
        // The largest limit there is must not overflow (it did as maxBytes + 1).
        #expect(try RegularFile.read(file, maxBytes: Int.max).count == 10)
        #expect(FileManager.default.createFile(atPath: folder + "/empty", contents: Data()))
        #expect(try RegularFile.read(folder + "/empty", maxBytes: 0) == [])
    }

    @Test func replacingWriteNeverFollowsAPlantedLink() throws {
        let folder = NSTemporaryDirectory() + "stepmark-write-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let victim = folder + "/victim.md"
        try Data("lesson".utf8).write(to: URL(fileURLWithPath: victim))
        let target = folder + "/results.json"
        #expect(symlink(victim, target) == 0)
        try ReplacingWrite.write("{}", to: target, durable: false)
        #expect(String(decoding: FileManager.default.contents(atPath: victim) ?? Data(), as: UTF8.self) == "lesson")
        var info = stat()
        #expect(lstat(target, &info) == 0 && info.st_mode & S_IFMT == S_IFREG)
        #expect(String(decoding: FileManager.default.contents(atPath: target) ?? Data(), as: UTF8.self) == "{}")
        // Nothing but the two files is left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["results.json", "victim.md"])
    }

    @Test func concurrentWritersLeaveOneCompleteFile() throws {
        let folder = NSTemporaryDirectory() + "stepmark-race-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/results.json"
        let contents = (0..<8).map { k in String(repeating: "\(k)", count: 10_000 + 997 * k) }
        DispatchQueue.concurrentPerform(iterations: 8) { k in
            for _ in 0..<25 { try? ReplacingWrite.write(contents[k], to: target, durable: false) }
        }
        let final = String(decoding: FileManager.default.contents(atPath: target) ?? Data(), as: UTF8.self)
        #expect(contents.contains(final))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["results.json"])
    }
    // MARK: class 1, limits before allocation and the clock inside kernels

    @Test func attentionRefusesHugeScoresBeforeAllocating() throws {
        // 20,000 queries: 400,000,000 scores (3.2 GB per matrix) are never allocated.
        let q = Tensor(shape: [20_000, 2], data: [Double](repeating: 0.5, count: 40_000))
        let start = Date()
        #expect(throws: TensorError("the scores (20000 queries × 20000 keys) would have 400000000 entries, over the limit of 1000000 (raise it with --max-entries)")) {
            _ = try Attention.compute(q: q, k: q, v: q, maxEntries: 1_000_000)
        }
        let small = Tensor(shape: [200, 200], data: [Double](repeating: 0.5, count: 40_000))
        #expect(throws: TensorError("the scores of 100 heads (100 × 200 × 200) would have 4000000 entries, over the limit of 1000000 (raise it with --max-entries)")) {
            _ = try Attention.compute(q: small, k: small, v: small, heads: 100, maxEntries: 1_000_000)
        }
        #expect(Date().timeIntervalSince(start) < 1)
    }

    @Test func kernelsStopAtTheDeadline() throws {
        let n = 400   // 400³ = 64M multiply-adds: two blocks of work
        let a = Tensor(shape: [n, n], data: (0..<(n * n)).map { Double($0 % 7) - 3 })
        let past = Deadline(date: Date().addingTimeInterval(-1), seconds: 10)
        #expect(throws: TensorError("the lesson ran over its time limit of 10 s while computing a 400×400 @ 400×400 matrix product (raise it with --max-seconds)")) {
            _ = try LinearAlgebra.matmul(a, a, deadline: past)
        }
        // With time to spare the blocked product equals the plain one exactly.
        let future = Deadline(date: Date().addingTimeInterval(3600), seconds: 3600)
        #expect(try LinearAlgebra.matmul(a, a, deadline: future) == LinearAlgebra.matmul(a, a))
        let table = try EmbeddingTable(tokens: (0..<50).map { "t\($0)" },
                                       matrix: Tensor(shape: [50, 3], data: (0..<150).map { sin(Double($0)) }))
        #expect(throws: TensorError.self) { _ = try Embeddings.pca(table, deadline: past) }
        #expect(try Embeddings.pca(table, deadline: future) == Embeddings.pca(table))
    }
}
