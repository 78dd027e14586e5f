import Foundation
import Testing
@testable import StepmarkCore

/// Expected values were computed with numpy 2.4 (np.linalg.svd, np.linalg.norm, vectorised
/// sin/cos, x.var()), independently of this code.
@Suite struct EmbeddingTests {
    func close(_ a: [Double], _ b: [Double], tol: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol }
    }

    let square = try! EmbeddingTable(tokens: ["east", "northeast", "north", "west"],
                                     matrix: .matrix([[1, 0], [0.6, 0.8], [0, 1], [-1, 0]]))

    // MARK: table

    @Test func tableValidation() throws {
        #expect(square.matrix.rowLabels == ["east", "northeast", "north", "west"])
        #expect(try square.vector(for: "north").data == [0, 1])
        #expect(throws: TensorError.self) { try EmbeddingTable(tokens: ["a", "a"], matrix: .matrix([[1], [2]])) }
        #expect(throws: TensorError.self) { try EmbeddingTable(tokens: ["a"], matrix: .matrix([[1], [2]])) }
        #expect(throws: TensorError.self) { try EmbeddingTable(rows: [("a", [1, 2]), ("b", [1])]) }
        let e = #expect(throws: TensorError.self) { try square.lookup(["east", "south"]) }
        #expect(e?.message.contains("'south'") == true)
        let withUnk = try EmbeddingTable(rows: [("<unk>", [0, 0]), ("a", [1, 2])])
        #expect(try withUnk.lookup(["a", "zzz"], unk: "<unk>").data == [1, 2, 0, 0])
    }

    @Test func embedPooling() throws {
        let mean = try Embeddings.embed(tokens: ["east", "north", "north"], table: square, pool: .mean)
        #expect(mean.vectors.rowLabels == ["east", "north", "north"])
        #expect(close(mean.sentence.data, [1.0 / 3, 2.0 / 3], tol: 1e-15))
        #expect(try Embeddings.embed(tokens: ["east", "north"], table: square, pool: .sum).sentence.data == [1, 1])
        let none = try Embeddings.embed(tokens: ["east", "west"], table: square, pool: .none)
        #expect(none.sentence.shape == [2, 2])
    }

    // MARK: similarity

    @Test func pairMetrics() throws {
        let a = Tensor.vector([1, 2, -1, 0.5]), b = Tensor.vector([0.5, -1, 2, 3])
        // numpy: a@b/|a|/|b|, a@b, np.linalg.norm(a-b)
        #expect(abs(try Embeddings.similarity(a, b, metric: .cosine) - -0.211925177130407) < 1e-14)
        #expect(try Embeddings.similarity(a, b, metric: .dot) == -2.0)
        #expect(abs(try Embeddings.similarity(a, b, metric: .euclidean) - 4.949747468305833) < 1e-14)
        let zero = #expect(throws: TensorError.self) { try Embeddings.similarity(a, .vector([0, 0, 0, 0]), metric: .cosine) }
        #expect(zero?.message.contains("zero vector") == true)
        #expect(try Embeddings.similarity(a, .vector([0, 0, 0, 0]), metric: .dot) == 0)
        #expect(throws: TensorError.self) { try Embeddings.similarity(a, .vector([1, 2]), metric: .dot) }
    }

    @Test func wholeTableMatrices() throws {
        let cos = try Embeddings.similarityMatrix(square, metric: .cosine)
        #expect(cos.rowLabels == square.tokens && cos.colLabels == square.tokens)
        #expect(close(cos.data, [1.0, 0.6, 0.0, -1.0, 0.6, 1.0, 0.8, -0.6, 0.0, 0.8, 1.0, 0.0, -1.0, -0.6, 0.0, 1.0], tol: 1e-15))
        let euc = try Embeddings.similarityMatrix(square, metric: .euclidean)
        #expect(close(euc.data, [0.0, 0.894427190999916, 1.4142135623730951, 2.0, 0.894427190999916, 0.0, 0.6324555320336759,
                                 1.788854381999832, 1.4142135623730951, 0.6324555320336759, 0.0, 1.4142135623730951, 2.0,
                                 1.788854381999832, 1.4142135623730951, 0.0], tol: 1e-15))
        let withZero = try EmbeddingTable(rows: [("a", [1, 0]), ("nothing", [0, 0])])
        let e = #expect(throws: TensorError.self) { try Embeddings.similarityMatrix(withZero, metric: .cosine) }
        #expect(e?.message.contains("'nothing'") == true)
    }

    /// The cosine matrix scales each row once; every entry is the pair's own `similarity`, bit
    /// for bit, and the time limit stops a large table.
    @Test func cosineMatrixIsThePairsBitForBit() throws {
        var state: UInt64 = 7
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(Int64(bitPattern: state) >> 11) / Double(1 << 52) * 3
        }
        let rows = (0..<23).map { i in ("t\(i)", (0..<17).map { _ in next() * (i % 5 == 0 ? 1e-200 : 1) }) }
        let table = try EmbeddingTable(rows: rows)
        let matrix = try Embeddings.similarityMatrix(table, metric: .cosine)
        for i in 0..<23 { for j in 0..<23 {
            let pair = try Embeddings.similarity(.vector(rows[i].1), .vector(rows[j].1), metric: .cosine)
            #expect(matrix.data[i * 23 + j].bitPattern == pair.bitPattern, "[\(i), \(j)]")
        } }
        let past = Deadline(date: Date(timeIntervalSinceNow: -1), seconds: 1)
        let late = #expect(throws: TensorError.self) { try Embeddings.similarityMatrix(table, metric: .cosine, deadline: past) }
        #expect(late?.message.contains("time limit of 1 s while computing the similarity matrix of 23 rows") == true)
        #expect(throws: TensorError.self) { try Embeddings.similarityMatrix(table, metric: .dot, deadline: past) }
    }

    // MARK: nearest

    @Test func nearestRanksBestFirstAndKeepsTableOrderOnTies() throws {
        // dot with (1, 1): east 1, northeast 1.4, north 1, west −1 → northeast, then the tie east before north.
        let t = try Embeddings.nearest(to: .vector([1, 1]), in: square, k: 3, metric: .dot)
        #expect(t.map(\.token) == ["northeast", "east", "north"])
        #expect(close(t.map(\.score), [1.4, 1, 1], tol: 1e-15))
        // Euclidean: smallest distance first; all four vectors are exactly 1 from (0, 0), so table order.
        let e = try Embeddings.nearest(to: .vector([0, 0]), in: square, k: 10, metric: .euclidean)
        #expect(e.map(\.token) == ["east", "northeast", "north", "west"])
        let n = try Embeddings.nearest(to: try square.vector(for: "east"), in: square, k: 2, metric: .cosine, excluding: ["east"])
        #expect(n.map(\.token) == ["northeast", "north"])
        #expect(close(n.map(\.score), [0.6, 0], tol: 1e-15))
        let tensor = Embeddings.rankingTensor(n, metric: .cosine)
        #expect(tensor.shape == [2, 1] && tensor.rowLabels == ["northeast", "north"] && tensor.colLabels == ["cosine"])
        #expect(throws: TensorError.self) { try Embeddings.nearest(to: .vector([0, 0]), in: square, metric: .cosine) }
        #expect(throws: TensorError.self) { try Embeddings.nearest(to: .vector([1, 1]), in: square, k: 0) }
    }

    // MARK: PCA

    @Test func pcaMatchesNumpySVD() throws {
        let x: [[Double]] = [[0.2, 1.0, -0.5, 0.3], [0.9, 0.1, 0.4, -0.2], [-0.3, 0.8, 0.0, 0.7],
                             [1.2, -0.4, 0.5, 0.1], [0.0, 0.3, -0.9, 0.6], [0.5, 0.5, 0.5, 0.5]]
        let table = try EmbeddingTable(tokens: ["a", "b", "c", "d", "e", "f"], matrix: .matrix(x))
        let r = try Embeddings.pca(table)
        // numpy: U,S,Vt = svd(X - X.mean(0)); flip so argmax|Vt[k]| is positive; points = U[:, :2]*S[:2]
        #expect(r.points.shape == [6, 2])
        #expect(r.points.rowLabels == table.tokens && r.points.colLabels == ["PC1", "PC2"])
        #expect(close(r.points.data, [-0.691747783395091, -0.03317201552864695, 0.8127520811947121, -0.02391969178168018,
                                      -0.752136273746827, 0.44169226346018037, 1.2020346542070453, -0.22667418068838294,
                                      -0.7911282998321213, -0.6288170000499155, 0.2202256215722818, 0.47089062458844555], tol: 1e-10))
        #expect(close(r.components.data, [0.6201059244722199, -0.4759917155194846, 0.5476169406343012, -0.2983558538416835,
                                          -0.22793799385752841, 0.5261326308152503, 0.8032659327605598, 0.16122210460708358], tol: 1e-10))
        #expect(close(r.explainedVarianceRatio.data, [0.7425360265458115, 0.16801836387137117], tol: 1e-12))
        #expect(close(r.singularValues.data, [1.9555205283276698, 0.9302121123365151], tol: 1e-12))
    }

    @Test func pcaWithFewerRowsThanDimensions() throws {
        let x: [[Double]] = [[1.0, 2, 0, -1, 0.5], [0.3, -1, 2, 0.2, 0.1], [-0.7, 0.4, 0.9, 1.5, -2]]
        let r = try Embeddings.pca(try EmbeddingTable(tokens: ["x", "y", "z"], matrix: .matrix(x)))
        #expect(close(r.points.data, [-2.494356677758361, 0.39911887356197384, 0.7578188045055582, -1.7253468551711217,
                                      1.7365378732528043, 1.3262279816091476], tol: 1e-10))
        #expect(close(r.components.data, [-0.3549434631647473, -0.5148886840185609, 0.3137612872233769, 0.5351513172926308,
                                          -0.4733621269875136, -0.213860088373928, 0.6239176409450237, -0.4611009823127332,
                                          0.2543726576011172, -0.5363497693608804], tol: 1e-10))
        #expect(close(r.explainedVarianceRatio.data, [0.6671578668346331, 0.3328421331653669], tol: 1e-12))
    }

    @Test func pcaEdgeCases() throws {
        // Two points: one direction only; the second axis has no variance and is reported as 0.
        let two = try Embeddings.pca(try EmbeddingTable(tokens: ["a", "b"], matrix: .matrix([[0, 0], [3, 4]])))
        #expect(close(two.points.data, [-2.5, 0, 2.5, 0], tol: 1e-12))
        #expect(close(two.components.data, [0.6, 0.8, 0, 0], tol: 1e-12))
        #expect(close(two.explainedVarianceRatio.data, [1, 0], tol: 1e-12))
        #expect(throws: TensorError.self) { try Embeddings.pca(try EmbeddingTable(tokens: ["a"], matrix: .matrix([[1, 2]]))) }
        #expect(throws: TensorError.self) { try Embeddings.pca(try EmbeddingTable(tokens: ["a", "b"], matrix: .matrix([[1], [2]]))) }
        #expect(throws: TensorError.self) { try Embeddings.pca(try EmbeddingTable(tokens: ["a", "b"], matrix: .matrix([[1, 2], [1, 2]]))) }
    }

    @Test func jacobiIsAccurateOnAKnownMatrix() {
        // [[2,1],[1,2]] has eigenvalues 3 and 1 with vectors (1,1)/√2 and (1,−1)/√2.
        let (values, vectors) = Embeddings.symmetricEigen([2, 1, 1, 2], n: 2)
        #expect(close(values, [3, 1], tol: 1e-15))
        #expect(abs(abs(vectors[0]) - 0.5.squareRoot()) < 1e-15 && abs(vectors[0] - vectors[2]) < 1e-15)
    }

    // MARK: positions and layer norm

    @Test func sinusoidalPositionsMatchNumpy() throws {
        // numpy: P[:, 0::2] = sin(pos / 10000**(arange(0, d, 2)/d)); P[:, 1::2] = cos(…)
        let p = try Embeddings.sinusoidalPositions(count: 4, dimension: 6)
        #expect(p.shape == [4, 6])
        #expect(close(p.data, [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.8414709848078965, 0.5403023058681398, 0.046399223464731285,
                               0.9989229760406304, 0.0021544330233656045, 0.9999976792064809, 0.9092974268256817,
                               -0.4161468365471424, 0.09269850077872725, 0.9956942241237399, 0.0043088560467428125,
                               0.9999907168366957, 0.1411200080598672, -0.9899924966004454, 0.13879810108005056,
                               0.990320699135675, 0.006463259070189646, 0.9999791129229608], tol: 1e-14))
        let odd = try Embeddings.sinusoidalPositions(count: 3, dimension: 5)
        #expect(close(odd.data, [0.0, 1.0, 0.0, 1.0, 0.0, 0.8414709848078965, 0.5403023058681398, 0.025116222909773774,
                                 0.9996845379152098, 0.0006309573026154199, 0.9092974268256817, -0.4161468365471424,
                                 0.050216599387465206, 0.9987383506934931, 0.0012619143540422218], tol: 1e-14))
        #expect(throws: TensorError.self) { try Embeddings.sinusoidalPositions(count: 2, dimension: 0) }
    }

    @Test func layerNormMatchesNumpy() throws {
        // numpy: (L - L.mean(1)) / sqrt(L.var(1) + 1e-5)
        let l = try Embeddings.layerNorm(.matrix([[1, 2, 3, 4], [0.5, -0.5, 0.25, 10], [3, 3, 3, 3]], rowLabels: ["a", "b", "c"]))
        #expect(close(l.output.data, [-1.3416354199689269, -0.447211806656309, 0.447211806656309, 1.3416354199689269,
                                      -0.47856238748770885, -0.710592635966598, -0.5365699496074312, 1.725724973061738,
                                      0, 0, 0, 0], tol: 1e-13))
        #expect(l.mean.data == [2.5, 2.5625, 3.0])
        #expect(close(l.variance.data, [1.25, 18.57421875, 0.0], tol: 1e-13))
        #expect(l.output.rowLabels == ["a", "b", "c"])
        let v = try Embeddings.layerNorm(.vector([1, 2, 3, 4]))
        #expect(v.mean.isScalar && close(v.output.data, [-1.3416354199689269, -0.447211806656309, 0.447211806656309, 1.3416354199689269], tol: 1e-13))
    }

    @Test func encodeChainsTheSteps() throws {
        let table = try EmbeddingTable(rows: [("a", [1, 0]), ("b", [0, 1]), ("c", [1, 1])])
        let plain = try Embeddings.encode(tokens: ["a", "b", "c"], table: table)
        #expect(plain.positioned == nil && plain.q == plain.embedded)
        let direct = try Attention.compute(q: plain.embedded, k: plain.embedded, v: plain.embedded)
        #expect(close(plain.context.data, direct.output.data, tol: 0))
        let full = try Embeddings.encode(tokens: ["a", "b", "c"], table: table, positions: .sinusoidal,
                                         wq: .identity(2), residual: true, norm: true)
        let pe = try Embeddings.sinusoidalPositions(count: 3, dimension: 2)
        #expect(close(full.positioned!.data, zip(plain.embedded.data, pe.data).map(+), tol: 0))
        let x = full.positioned!
        let att = try Attention.compute(q: x, k: x, v: x)
        let res = zip(att.output.data, x.data).map(+)
        #expect(close(full.residual!.data, res, tol: 1e-15))
        #expect(close(full.context.data, try Embeddings.layerNorm(.matrix(rows: 3, cols: 2, data: res)).output.data, tol: 1e-15))
        #expect(full.context.rowLabels == ["a", "b", "c"])
        #expect(throws: TensorError.self) {
            try Embeddings.encode(tokens: ["a"], table: table, wv: .matrix([[1, 0, 0], [0, 1, 0]]), residual: true)
        }
    }
}
