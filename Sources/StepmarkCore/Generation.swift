import FoundationEssentials

// MARK: - Bigram model

/// Counts of consecutive whitespace tokens within each line of a corpus.
///
/// The vocabulary is every token of the corpus in order of first appearance; `counts(after: i)[j]`
/// is how often token j directly follows token i on the same line (a line break is not a
/// continuation, so the last token of a line gets no count from it). Only the pairs that occur
/// are stored: a 129 KB corpus of 20,000 distinct words made a dense 20,000² table of 3 GB.
public struct BigramModel: Sendable, Equatable {
    public let vocabulary: [String]
    /// Per previous token, the tokens that follow it and how often, by next token's id.
    private let followers: [[(next: Int, count: Int)]]
    private let index: [String: Int]

    public static func == (a: BigramModel, b: BigramModel) -> Bool {
        a.vocabulary == b.vocabulary && a.followers.elementsEqual(b.followers) { $0.elementsEqual($1) { $0 == $1 } }
    }

    /// - Throws: when the corpus has no tokens.
    public init(corpus: String) throws {
        var vocabulary: [String] = []
        var index: [String: Int] = [:]
        var pairs: [Int: [Int: Int]] = [:]
        for line in Tokenizer.normalize(corpus).split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }) {
            var previous: Int? = nil
            for token in line.split(whereSeparator: { $0.isWhitespace }).map(String.init) {
                let id: Int
                if let known = index[token] { id = known } else {
                    id = vocabulary.count
                    index[token] = id
                    vocabulary.append(token)
                }
                if let previous { pairs[previous, default: [:]][id, default: 0] += 1 }
                previous = id
            }
        }
        guard !vocabulary.isEmpty else { throw TensorError("the bigram model needs a corpus with at least one token") }
        self.vocabulary = vocabulary
        self.followers = (0..<vocabulary.count).map { i in
            (pairs[i] ?? [:]).sorted { $0.key < $1.key }.map { (next: $0.key, count: $0.value) }
        }
        self.index = index
    }

    /// The id of a token, or nil.
    public func id(of token: String) -> Int? { index[token] ?? index[Tokenizer.normalize(token)] }

    /// How often each token (in vocabulary order) follows token `i`: one row of the counts.
    public func counts(after i: Int) -> [Int] {
        var row = [Int](repeating: 0, count: vocabulary.count)
        for (next, count) in followers[i] { row[next] = count }
        return row
    }

    /// The counts as a labelled matrix (rows: previous token, columns: next token): V² entries,
    /// for a small vocabulary.
    public var countMatrix: Tensor {
        let n = vocabulary.count
        return Tensor(shape: [n, n], data: (0..<n).flatMap { counts(after: $0).map(Double.init) }, rowLabels: vocabulary, colLabels: vocabulary)
    }

    /// `P(next = w | previous)` for every w in vocabulary order, with add-k smoothing:
    /// `(count(previous, w) + k) / (Σ_w' count(previous, w') + k·V)`.
    ///
    /// Returns nil when `previous` has no continuation: it is not in the vocabulary, or it was
    /// never followed by a token on the same line and `smoothing` is 0. With `smoothing > 0` a
    /// known token always has a distribution (uniform when it has no counts).
    /// - Throws: when `smoothing` is negative or not finite.
    public func distribution(after previous: String, smoothing: Double = 0) throws -> [Double]? {
        guard smoothing >= 0, smoothing.isFinite else { throw TensorError("smoothing must be a finite number ≥ 0, got \(smoothing)") }
        guard let i = id(of: previous) else { return nil }
        let row = counts(after: i)
        let total = Double(row.reduce(0, +))
        let denom = total + smoothing * Double(vocabulary.count)
        guard denom > 0 else { return nil }
        return row.map { (Double($0) + smoothing) / denom }
    }
}

// MARK: - Results

/// One candidate next token and its probability.
public struct Candidate: Sendable, Equatable {
    public var token: String
    public var probability: Double

    public init(token: String, probability: Double) {
        self.token = token; self.probability = probability
    }
}

/// One generated token and how it was chosen.
public struct GenerationStep: Sendable, Equatable {
    /// The tokens the model saw (prompt plus everything generated so far).
    public var context: [String]
    /// The model's scores over the vocabulary, in vocabulary order: log-probabilities for the
    /// bigram model (−∞ for impossible tokens), `last output row · Eᵀ` for the attention model.
    public var logits: [Double]
    /// The distribution the token was chosen from, in vocabulary order: `softmax(logits / T)`,
    /// or `softmax(logits)` when T = 0 (greedy).
    public var probabilities: [Double]
    /// The `top` most probable tokens, best first; equal probabilities keep vocabulary order.
    public var candidates: [Candidate]
    /// The uniform number in [0, 1) that picked the token (nil when greedy).
    public var uniform: Double?
    public var chosen: String

    /// `candidates` as a `top × 1` matrix labelled by the tokens (column `probability`).
    public var candidateTable: Tensor {
        Tensor(shape: [candidates.count, 1], data: candidates.map(\.probability),
               rowLabels: candidates.map(\.token), colLabels: ["probability"])
    }
}

/// The outcome of `generate`.
public struct GenerationResult: Sendable, Equatable {
    public var prompt: [String]
    public var steps: [GenerationStep]
    /// Only the generated tokens.
    public var generated: [String] { steps.map(\.chosen) }
    /// Prompt and generated tokens joined by single spaces.
    public var text: String { (prompt + generated).joined(separator: " ") }
    /// Why generation ended before the requested number of steps (a token with no
    /// continuation), or nil when every step ran.
    public var stopReason: String?
}

// MARK: - Generation

/// How the next token is chosen from the model's logits.
///
/// Temperature 0 is greedy: the token with the largest logit (the first in vocabulary order on
/// a tie), drawing no random number. Temperature T > 0 samples from `p = softmax(logits / T)`
/// with one uniform `u` from SplitMix64(seed) per step (the generator runs on across steps):
/// the chosen token is the first index i (vocabulary order) with `u < p₀ + … + pᵢ`, sums taken
/// left to right (should rounding leave `u` above the total, the last token with p > 0).
public enum Generator {
    /// Generates up to `steps` tokens after the prompt with a bigram model. The logits are
    /// `log P(w | last token)` (add-k smoothed), so T = 1 samples the model's own probabilities.
    /// Stops early when the last token has no continuation (see `BigramModel.distribution`).
    /// - Throws: on an empty prompt, `steps < 0`, `top < 1`, a negative or non-finite
    ///   temperature, or a negative smoothing.
    public static func bigram(prompt: [String], model: BigramModel, steps: Int = 5, temperature: Double = 0,
                              seed: UInt64 = 0, top: Int = 3, smoothing: Double = 0) throws -> GenerationResult {
        try validate(prompt: prompt, steps: steps, temperature: temperature, top: top)
        guard smoothing >= 0, smoothing.isFinite else { throw TensorError("smoothing must be a finite number ≥ 0, got \(smoothing)") }
        var rng = SplitMix64(seed: seed)
        var context = prompt
        var out: [GenerationStep] = []
        for _ in 0..<steps {
            guard let p = try model.distribution(after: context[context.count - 1], smoothing: smoothing) else {
                let last = context[context.count - 1]
                let why = model.id(of: last) == nil ? "is not in the corpus" : "never has a next token in the corpus"
                return GenerationResult(prompt: prompt, steps: out, stopReason: "'\(last)' \(why), so generation stopped")
            }
            let logits = p.map { $0 > 0 ? Glibc.log($0) : -Double.infinity }
            let step = try choose(logits: logits, vocabulary: model.vocabulary, context: context,
                                  temperature: temperature, top: top, rng: &rng)
            out.append(step)
            context.append(step.chosen)
        }
        return GenerationResult(prompt: prompt, steps: out, stopReason: nil)
    }

    /// Generates up to `steps` tokens with the attention model: X is the embeddings of the
    /// context tokens (prompt plus generated), causal self-attention with Q = K = V = X and
    /// scale 1/√d gives `softmax(X·Xᵀ/√d + mask)·X`, and the logits over the table's tokens
    /// (the vocabulary, in table order) are its last row · Eᵀ.
    /// - Throws: on an empty prompt, a prompt token missing from the table, `steps < 0`,
    ///   `top < 1`, or a negative or non-finite temperature.
    public static func attention(prompt: [String], table: EmbeddingTable, steps: Int = 5, temperature: Double = 0,
                                 seed: UInt64 = 0, top: Int = 3) throws -> GenerationResult {
        try validate(prompt: prompt, steps: steps, temperature: temperature, top: top)
        var rng = SplitMix64(seed: seed)
        var context = prompt
        var out: [GenerationStep] = []
        let e = table.matrix.unlabelled, d = table.dimension
        for _ in 0..<steps {
            let x = try table.lookup(context).unlabelled
            let a = try Attention.compute(q: x, k: x, v: x, mask: .causal)
            let last = a.output.row(a.output.rows - 1)
            var logits = [Double](repeating: 0, count: table.count)
            for t in 0..<table.count {
                var s = 0.0
                for j in 0..<d { s += last.data[j] * e.data[t * d + j] }
                logits[t] = s
            }
            let step = try choose(logits: logits, vocabulary: table.tokens, context: context,
                                  temperature: temperature, top: top, rng: &rng)
            out.append(step)
            context.append(step.chosen)
        }
        return GenerationResult(prompt: prompt, steps: out, stopReason: nil)
    }

    static func validate(prompt: [String], steps: Int, temperature: Double, top: Int) throws {
        guard !prompt.isEmpty else { throw TensorError("generate needs a prompt of at least one token") }
        guard steps >= 0 else { throw TensorError("steps must be 0 or more, got \(steps)") }
        guard top >= 1 else { throw TensorError("top must be at least 1, got \(top)") }
        guard temperature >= 0, temperature.isFinite else {
            throw TensorError("temperature must be a finite number ≥ 0 (0 means always the most probable token), got \(temperature)")
        }
    }

    /// Picks the next token from `logits` (vocabulary order) as described on `Generator`.
    /// - Throws: on an empty vocabulary, a length mismatch, a negative temperature, or logits
    ///   that are all −∞ or contain NaN/+∞.
    public static func choose(logits: [Double], vocabulary: [String], context: [String] = [], temperature: Double,
                              top: Int, rng: inout SplitMix64) throws -> GenerationStep {
        guard !vocabulary.isEmpty else { throw TensorError("cannot generate from an empty vocabulary") }
        guard logits.count == vocabulary.count else {
            throw TensorError("\(logits.count) logits for a vocabulary of \(vocabulary.count) tokens")
        }
        guard temperature >= 0, temperature.isFinite else {
            throw TensorError("temperature must be a finite number ≥ 0, got \(temperature)")
        }
        guard top >= 1 else { throw TensorError("top must be at least 1, got \(top)") }
        let probs = try Softmax.rows(Tensor.vector(logits), temperature: temperature == 0 ? 1 : temperature).output.data
        var chosen: Int
        var u: Double? = nil
        if temperature == 0 {
            chosen = 0
            for i in 1..<logits.count where logits[i] > logits[chosen] { chosen = i }
        } else {
            let draw = rng.uniform()
            u = draw
            var cumulative = 0.0
            chosen = -1
            for (i, p) in probs.enumerated() {
                cumulative += p
                if draw < cumulative { chosen = i; break }
            }
            if chosen < 0 { chosen = probs.lastIndex(where: { $0 > 0 }) ?? probs.count - 1 }
        }
        let ranked = probs.indices.sorted { probs[$0] != probs[$1] ? probs[$0] > probs[$1] : $0 < $1 }
        let candidates = ranked.prefix(top).map { Candidate(token: vocabulary[$0], probability: probs[$0]) }
        return GenerationStep(context: context, logits: logits, probabilities: probs, candidates: candidates,
                              uniform: u, chosen: vocabulary[chosen])
    }
}
