import StepmarkCore

/// `generate`: autoregressive generation, one token at a time. Each step records the model's
/// `top` candidates for the next token given everything so far; the chosen token is appended
/// to the context and fed back in for the next step.
///
/// `stepN` is a `top × 1` matrix: one row per candidate, labelled by its token, best first, in
/// a column `probability` (so an exercise can check it with a tolerance, and JSON shows it as
/// `"rows": [tokens], "cols": ["probability"]`). Its formula names the context and the choice.
enum GenerateDirective: Directive {
    static let name = "generate"
    static let summary = "autoregressive generation with a bigram or attention model, the top candidates at every step"
    static let body = "the prompt, split into tokens at whitespace"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("model", nil, "bigram (next-token counts from a corpus) or attention (causal self-attention over an embedding table)", choices: ["bigram", "attention"]),
        ArgumentSpec("corpus", "corpus", "model=bigram: the text the counts come from (consecutive tokens within each line)"),
        ArgumentSpec("table", "E", "model=attention: the embedding table; its tokens are the vocabulary"),
        ArgumentSpec("steps", "5", "how many tokens to generate"),
        ArgumentSpec("temperature", "0", "0: always the most probable token; T > 0: sample from softmax(logits / T)"),
        ArgumentSpec("seed", "0", "the SplitMix64 seed for sampling"),
        ArgumentSpec("top", "3", "how many candidates each step shows"),
        ArgumentSpec("smoothing", "0", "model=bigram: add-k smoothing of the counts"),
    ]
    static let subSteps = "step1, step2, … (the top candidates: token, probability), text"
    static let example = """
        ```corpus
        the cat sat on the mat
        the dog sat on the rug
        ```

        ```generate model=bigram steps=4
        the
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        guard args.has("model") else {
            throw LessonError("generate needs model=bigram or model=attention", at: context.block.infoPosition)
        }
        let model = try args.choice("model", ["bigram", "attention"], default: "bigram")
        let words = try TextTokens.read(context, what: "generate needs a prompt in its body (at least one token), for example: the")
        let prompt = words.map(\.token)
        let steps = try args.integer("steps", default: 5, in: 0...context.limits.maxTokens, limitFlag: "--max-tokens")
        let temperature = try args.number("temperature", default: 0)
        guard temperature >= 0, temperature.isFinite else {
            throw LessonError("temperature= must be a number ≥ 0 (0 always takes the most probable token), got \(Runner.format(temperature))", at: args.position(of: "temperature"))
        }
        let seed = try args.integer("seed", default: 0, in: 0...(1 << 53))
        let top = try args.integer("top", default: 3, in: 1...100_000)

        /// One step of the model after `tokens`, seeded so that it continues the sampling stream.
        let next: (_ tokens: [String], _ seed: UInt64) throws -> GenerationResult
        let vocabulary: [String]
        if model == "bigram" {
            if args.has("table") {
                throw LessonError("table= is for model=attention; the bigram model learns from corpus=", at: args.argument("table")!.position)
            }
            let smoothing = try args.number("smoothing", default: 0)
            guard smoothing >= 0, smoothing.isFinite else {
                throw LessonError("smoothing= must be a number ≥ 0, got \(Runner.format(smoothing))", at: args.position(of: "smoothing"))
            }
            let corpusName = try args.name("corpus", default: "corpus")!
            let at = args.has("corpus") ? args.position(of: "corpus") : context.block.infoPosition
            let corpus = try context.text(named: corpusName, at: at) { "corpus= must name a text (make it with a corpus block), but \(corpusName) is \($0)" }
            let bigrams: BigramModel
            do { bigrams = try BigramModel(corpus: corpus) } catch let e as TensorError {
                throw LessonError("\(corpusName): \(e.message)", at: at)
            }
            if let last = words.last, bigrams.id(of: last.token) == nil {
                throw LessonError("the prompt ends with '\(last.token)', which never appears in \(corpusName), so the bigram model has nothing to follow it with", at: last.position)
            }
            vocabulary = bigrams.vocabulary
            next = { tokens, seed in
                try Generator.bigram(prompt: tokens, model: bigrams, steps: 1, temperature: temperature,
                                     seed: seed, top: top, smoothing: smoothing)
            }
        } else {
            for key in ["corpus", "smoothing"] where args.has(key) {
                throw LessonError("\(key)= is for model=bigram; the attention model uses table=", at: args.argument(key)!.position)
            }
            let table = try embeddingTable(context)
            let tableName = try args.name("table", default: "E")!
            for w in words where table.index(of: w.token) == nil {
                let known = table.tokens.prefix(12).joined(separator: ", ") + (table.count > 12 ? ", …" : "")
                throw LessonError("'\(w.token)' is not in the embedding table \(tableName) (its tokens: \(known))", at: w.position)
            }
            // Each step attends over the whole context so far: its n × n weights for the prompt
            // and every generated token, checked before the first step (a 50 KB prompt asked for 5 GB).
            let longest = prompt.count + steps
            let (square, overflow) = longest.multipliedReportingOverflow(by: longest)
            if overflow || square > context.limits.maxEntries {
                throw LessonError("the attention model attends over up to \(longest) tokens (the prompt and \(steps) generated), whose \(longest)×\(longest) weights would have \(overflow ? "too many" : String(square)) entries, over the limit of \(context.limits.maxEntries) (raise it with --max-entries)", at: context.block.infoPosition)
            }
            vocabulary = table.tokens
            next = { tokens, seed in
                try Generator.attention(prompt: tokens, table: table, steps: 1, temperature: temperature,
                                        seed: seed, top: top)
            }
        }

        // The autoregressive loop, one model call per token so that a long run can be stopped at
        // the time limit. Each sampled step draws one number; SplitMix64's state after k draws is
        // seed + k·0x9E3779B97F4A7C15, so seeding step k there continues one stream exactly as a
        // single multi-step call would (greedy steps draw nothing and ignore the seed).
        // Each step is recorded as it is made, so the lesson's limit stops a long run at the
        // step that reaches it; a step's whole distribution is not kept (1,000 steps over a
        // vocabulary of 22,000 held a GB before the limit was looked at).
        var tokens = prompt
        var generatedCount = 0
        var stopReason: String? = nil
        let how = temperature == 0 ? "the most probable" : "sampled at T = \(Runner.format(temperature))"
        for k in 0..<steps {
            try context.checkDeadline()
            // A TensorError here is reported at the info string by the runner.
            let one = try next(tokens, UInt64(seed) &+ UInt64(k) &* 0x9E37_79B9_7F4A_7C15)
            guard let step = one.steps.first else { stopReason = one.stopReason; break }
            let p = vocabulary.firstIndex(of: step.chosen).map { step.probabilities[$0] } ?? 0
            var formula = "after '\(shown(step.context))' → '\(Self.clipped(step.chosen))' (p = \(Runner.trimmed(p)), \(how)"
            if let u = step.uniform { formula += " with u = \(Runner.trimmed(u))" }
            formula += ")"
            // A table of mixed columns, as SPEC §6 shows for tables: ["token", "probability"].
            let table = Table(columns: ["token", "probability"],
                              rows: step.candidates.map { [.text($0.token), .number($0.probability)] })
            try context.record("step\(k + 1)", .table(table), formula: formula, role: .candidates(chosen: step.chosen))
            generatedCount += 1
            tokens.append(step.chosen)
        }
        let text = tokens.joined(separator: " ")
        if top > vocabulary.count, generatedCount > 0 {
            context.warn("top=\(top) is more than the \(vocabulary.count) tokens of the vocabulary, so each step lists them all")
        }
        var textFormula = "text = the prompt + \(generatedCount) generated token\(generatedCount == 1 ? "" : "s"), each fed back in as input"
        if let reason = stopReason {
            textFormula += " (stopped early: see the warning)"
            context.warn("generation stopped after \(generatedCount) of \(steps) steps: \(reason)")
        }
        try context.record("text", .text(text), formula: textFormula)
        context.setResult(.text(text), recorded: "text", storeAs: "text")
    }

    /// The context for a formula: the last 12 tokens at most, each cut to 24 characters (a
    /// prompt of 20,000-letter words made every step's formula 240 KB).
    static func shown(_ context: [String]) -> String {
        let last = context.suffix(12).map(clipped).joined(separator: " ")
        return context.count <= 12 ? last : "… " + last
    }

    /// A token as a formula quotes it: at most 24 characters.
    static func clipped(_ token: String) -> String {
        token.count <= 24 ? token : String(token.prefix(23)) + "…"
    }
}
