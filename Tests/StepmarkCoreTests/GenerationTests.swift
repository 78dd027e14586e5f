import Testing
@testable import StepmarkCore

/// Expected sequences come from an independent Python implementation: SplitMix64 with 64-bit
/// masked integers (SPEC §2), softmax with the row maximum subtracted, sums left to right,
/// inverse CDF `first i with u < p₀ + … + pᵢ`, and numpy for the attention model.
@Suite struct GenerationTests {
    let corpus = "the cat sat on the mat\nthe dog sat on the rug\nthe cat ate"

    func close(_ a: [Double], _ b: [Double], tol: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol }
    }

    @Test func bigramCountsWithinLines() throws {
        let m = try BigramModel(corpus: corpus)
        #expect(m.vocabulary == ["the", "cat", "sat", "on", "mat", "dog", "rug", "ate"])
        #expect(m.counts(after: 0) == [0, 2, 0, 0, 1, 1, 1, 0])   // the → cat ×2, mat, dog, rug
        #expect(m.counts(after: 4) == [0, 0, 0, 0, 0, 0, 0, 0])   // "mat" ends a line: no "mat the"
        #expect(try m.distribution(after: "the") == [0, 0.4, 0, 0, 0.2, 0.2, 0.2, 0])
        #expect(try m.distribution(after: "mat") == nil)
        #expect(try m.distribution(after: "zebra") == nil)
        let smoothed = try #require(try m.distribution(after: "cat", smoothing: 1))
        #expect(close(smoothed, [0.1, 0.1, 0.2, 0.1, 0.1, 0.1, 0.1, 0.2], tol: 1e-15))
        #expect(try m.distribution(after: "mat", smoothing: 0.5) == [Double](repeating: 0.125, count: 8))
        #expect(m.countMatrix.rowLabels == m.vocabulary)
        #expect(throws: TensorError.self) { try m.distribution(after: "the", smoothing: -1) }
        #expect(throws: TensorError.self) { try BigramModel(corpus: " \n ") }
    }

    @Test func bigramGreedyTakesFirstOnTies() throws {
        let m = try BigramModel(corpus: corpus)
        let r = try Generator.bigram(prompt: ["the"], model: m, steps: 5, temperature: 0, top: 3)
        // After "cat", sat and ate tie at 1/2: sat comes first in the vocabulary.
        #expect(r.generated == ["cat", "sat", "on", "the", "cat"])
        #expect(r.text == "the cat sat on the cat")
        #expect(r.stopReason == nil)
        let first = r.steps[0]
        #expect(first.candidates.map(\.token) == ["cat", "mat", "dog"])
        #expect(close(first.candidates.map(\.probability), [0.4, 0.2, 0.2]))
        #expect(first.uniform == nil)
        #expect(first.candidateTable.rowLabels == ["cat", "mat", "dog"])
        #expect(first.logits[0] == -.infinity)
    }

    @Test func bigramSamplingIsSeeded() throws {
        let m = try BigramModel(corpus: corpus)
        // Python: seed 42, T = 1 → dog sat on the cat ate, then "ate" has no continuation.
        let r = try Generator.bigram(prompt: ["the"], model: m, steps: 8, temperature: 1, seed: 42, top: 3)
        #expect(r.generated == ["dog", "sat", "on", "the", "cat", "ate"])
        #expect(r.stopReason?.contains("'ate'") == true)
        #expect(r.steps.allSatisfy { $0.uniform != nil })
        // Python: seed 7, T = 0.5, add-1 smoothing, top 2.
        let s = try Generator.bigram(prompt: ["the", "cat"], model: m, steps: 6, temperature: 0.5, seed: 7, top: 2, smoothing: 1)
        #expect(s.generated == ["sat", "the", "rug", "mat", "on", "the"])
        #expect(s.steps[0].candidates.map(\.token) == ["sat", "ate"])
        #expect(close(s.steps[0].candidates.map(\.probability), [0.2857142857142857, 0.2857142857142857]))
        #expect(s.text == "the cat sat the rug mat on the")
    }

    @Test func bigramStopsAtOnce() throws {
        let m = try BigramModel(corpus: corpus)
        let r = try Generator.bigram(prompt: ["on", "the", "mat"], model: m, steps: 3)
        #expect(r.steps.isEmpty && r.text == "on the mat")
        #expect(r.stopReason != nil)
        let unknown = try Generator.bigram(prompt: ["zebra"], model: m, steps: 3)
        #expect(unknown.stopReason?.contains("not in the corpus") == true)
    }

    @Test func generationRejectsNonsense() throws {
        let m = try BigramModel(corpus: corpus)
        #expect(throws: TensorError.self) { try Generator.bigram(prompt: [], model: m) }
        #expect(throws: TensorError.self) { try Generator.bigram(prompt: ["the"], model: m, temperature: -1) }
        #expect(throws: TensorError.self) { try Generator.bigram(prompt: ["the"], model: m, top: 0) }
        #expect(throws: TensorError.self) { try Generator.bigram(prompt: ["the"], model: m, steps: -1) }
        var rng = SplitMix64(seed: 0)
        #expect(throws: TensorError.self) { try Generator.choose(logits: [], vocabulary: [], temperature: 1, top: 1, rng: &rng) }
        #expect(throws: TensorError.self) {
            try Generator.choose(logits: [-.infinity, -.infinity], vocabulary: ["a", "b"], temperature: 1, top: 1, rng: &rng)
        }
    }

    let table = try! EmbeddingTable(tokens: ["a", "b", "c", "d", "e"],
                                    matrix: .matrix([[1.0, 0.0, 0.5], [0.2, 1.0, -0.3], [-0.5, 0.4, 1.0], [0.9, 0.9, 0.1], [0.0, -1.0, 0.3]]))

    @Test func attentionGreedyMatchesNumpy() throws {
        let r = try Generator.attention(prompt: ["a", "c"], table: table, steps: 4, temperature: 0, top: 3)
        #expect(r.generated == ["c", "c", "c", "c"])
        let first = r.steps[0]
        // numpy: X = E[ctx]; W = causal softmax(X Xᵀ/√3); logits = (W X)[-1] @ Eᵀ
        #expect(close(first.logits, [0.38378148043293003, 0.015351259217317214, 0.9770944900716549, 0.29860367328556336,
                                     -0.023243703913414], tol: 1e-14))
        #expect(first.candidates.map(\.token) == ["c", "a", "d"])
        #expect(close(first.candidates.map(\.probability), [0.355889994250532, 0.1966270266575043, 0.18057222954262275]))
        #expect(first.context == ["a", "c"])
        #expect(r.steps[1].context == ["a", "c", "c"])
    }

    @Test func attentionSamplingIsSeeded() throws {
        let r = try Generator.attention(prompt: ["b"], table: table, steps: 6, temperature: 0.8, seed: 7, top: 2)
        #expect(r.generated == ["b", "a", "d", "d", "b", "b"])
        #expect(r.steps[0].candidates.map(\.token) == ["b", "d"])
        #expect(close(r.steps[0].candidates.map(\.probability), [0.4048647179910069, 0.36633674608083955]))
        #expect(close(r.steps[0].logits, [0.05, 1.13, 0, 1.05, -1.09], tol: 1e-14))
        #expect(throws: TensorError.self) { try Generator.attention(prompt: ["zzz"], table: table) }
    }
}
