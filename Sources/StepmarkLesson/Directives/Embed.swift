import StepmarkCore

/// `embed`: text → tokens → their vectors → one sentence vector by pooling.
enum EmbedDirective: Directive {
    static let name = "embed"
    static let summary = "look up each token's vector and pool them into a sentence vector"
    static let body = "the text"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("table", "E", "the embedding table (from an embeddings block)"),
        ArgumentSpec("method", "whitespace", "how the text is split: whitespace or char", choices: ["whitespace", "char"]),
        ArgumentSpec("pool", "mean", "mean (average of the rows), sum, or none (the sentence is the matrix of token vectors)", choices: Pooling.allCases.map(\.rawValue)),
    ]
    static let subSteps = "tokens, vectors (one labelled row per token), sentence (the pooled vector)"
    static let example = """
        ```embeddings
        고양이: [0.9, 0.8, 0.1]
        생선: [0.7, 0.2, 0.1]
        ```

        ```embed pool=mean
        고양이 생선
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        let table = try embeddingTable(context)
        let method = try args.choice("method", ["whitespace", "char"], default: "whitespace")
        let pool = Pooling(rawValue: try args.choice("pool", Pooling.allCases.map(\.rawValue), default: "mean"))!
        let raw = context.block.bodyText
        guard !raw.trimmingWhitespace().isEmpty else {
            throw LessonError("embed needs text in its body; the block is empty", at: context.block.infoPosition)
        }
        let text = Tokenizer.normalize(raw)
        if !text.unicodeScalars.elementsEqual(raw.unicodeScalars) {
            context.warn("input was NFC-normalised: decomposed characters (such as Hangul jamo) were composed before the lookup")
        }
        let tokens = method == "char" ? Tokenizer.characters(text) : Tokenizer.whitespace(text)
        let positions = tokenPositions(tokens, in: context.block.body)
        for (i, t) in tokens.enumerated() where table.index(of: t) == nil {
            let tableName = try args.name("table", default: "E")!
            throw LessonError(unknownTokenMessage(t, table: table, tableName: tableName), at: positions[i])
        }
        let steps = try Embeddings.embed(tokens: tokens, table: table, pool: pool)
        try context.record("tokens", .tokens(TokenList(tokens)), formula: method == "char" ? "one token per character" : "split on whitespace")
        try context.record("vectors", steps.vectors, formula: "row i = the table's vector of token i")
        let formula: String
        switch pool {
        case .mean: formula = "sentence = (1/\(tokens.count)) · Σ rows (the mean of the token vectors)"
        case .sum: formula = "sentence = Σ rows (the sum of the token vectors)"
        case .none: formula = "no pooling: the sentence is the matrix of token vectors"
        }
        try context.record("sentence", steps.sentence, formula: formula)
        context.setResult(.tensor(steps.sentence), recorded: "sentence", storeAs: "sentence")
    }

    /// The table token sharing the longest prefix with `word` (at least one character), for
    /// hints like 고양이는 → 고양이 that the edit distance misses.
    static func closestByPrefix(_ word: String, among tokens: [String]) -> String? {
        let w = Array(word)
        var best: (String, Int)? = nil
        for t in tokens {
            let common = zip(w, Array(t)).prefix { $0 == $1 }.count
            if common > 0, common > (best?.1 ?? 0) { best = (t, common) }
        }
        return best?.0
    }
}
