import StepmarkCore

/// `tokenize method=bert model=M`: the model's own tokenizer, step by step (BasicTokenizer,
/// then WordPiece, then `[CLS] … [SEP]`). Kept out of Tokenize.swift, which only dispatches here.
enum BertTokenizeStep {
    static func run(_ context: StepContext) throws {
        let (_, model) = try pretrainedModel(context)
        let text = context.block.bodyText
        guard !text.trimmingWhitespace().isEmpty else {
            throw LessonError("tokenize needs text in its body; the block is empty", at: context.block.infoPosition)
        }
        let steps: BertTokenizer.Steps
        do {
            steps = try model.tokenizer.tokenize(text, maxTokens: model.config.maxPositions)
        } catch let e as TensorError {
            throw LessonError(e.message, at: context.block.infoPosition)
        }
        if steps.truncated { context.warn("the text has more than \(model.config.maxPositions) tokens; the rest was cut off") }
        let tok = model.tokenizer
        var how: [String] = ["remove control characters", tok.splitChineseCharacters ? "space out CJK ideographs" : nil,
                             tok.lowerCase ? "lower-case" : nil, (tok.stripAccents ?? tok.lowerCase) ? "strip accents (NFD, drop marks)" : nil].compactMap { $0 }
        if how.isEmpty { how = ["unchanged"] }
        try context.record("normalized", .text(steps.normalized), formula: how.joined(separator: ", "))
        try context.record("words", .tokens(TokenList(steps.words)), formula: "split on spaces, punctuation as words of its own")
        let tokens = Value.tokens(TokenList(steps.tokens))
        try context.record("tokens", tokens, formula: "WordPiece: the longest piece in the vocabulary first, ## continues a word, [UNK] when a word cannot be spelled; then [CLS] … [SEP]")
        try context.record("ids", .tokens(TokenList(steps.tokens, ids: steps.ids)), formula: "id = the token's line in vocab.txt, from 0")
        context.setResult(tokens, recorded: "tokens", storeAs: "tokens")
    }
}

/// `similarity model=M`: each body line holds two texts separated by `|`; both are embedded
/// with the model (sentence vectors) and compared with the metric.
enum TextSimilarityStep {
    static func run(_ context: StepContext, lines: [BodyLine], metric: SimilarityMetric) throws {
        var names: [String] = [], scores: [Double] = []
        for line in lines {
            let parts = line.text.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw LessonError("with model=, each line compares two texts separated by '|': first text | second text", at: line.position)
            }
            let a = try modelQueryVector(parts[0], context, at: line.position)
            let b = try modelQueryVector(parts[1], context, at: line.position)
            let score: Double
            do { score = try Embeddings.similarity(a, b, metric: metric) } catch let e as TensorError {
                throw LessonError(e.message, at: line.position)
            }
            let name = "\(parts[0])~\(parts[1])"
            try context.record(name, .scalar(score), formula: SimilarityDirective.formula(metric, "a", "b") + " with a, b the sentence vectors")
            names.append(name); scores.append(score)
        }
        let result: Tensor = scores.count == 1 ? .scalar(scores[0]) : Tensor(shape: [scores.count], data: scores, rowLabels: names)
        context.setResult(.tensor(result), recorded: scores.count == 1 ? names[0] : nil, storeAs: nil)
    }
}
