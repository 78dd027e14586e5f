import StepmarkCore

/// `sentences`: a table of sentence vectors from a pretrained encoder, one row per body line,
/// labelled by the sentence — ready for `nearest`, `similarity` and `project`.
enum SentencesDirective: Directive {
    static let name = "sentences"
    /// Runs a pretrained encoder over every sentence: tens of milliseconds, where most blocks take microseconds.
    static let schedulingWeight = 1000
    static let summary = "embed sentences with a pretrained encoder into a table (one row per sentence) for nearest, similarity and project"
    static let body = "one sentence per line"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("model", "model", "the model (from a model block)"),
        ArgumentSpec("name", "docs", "the name of the table"),
    ]
    static let subSteps = "table (one sentence vector per row, labelled by its sentence)"
    static let example = """
        ```model from=all-MiniLM-L6-v2
        ```

        ```sentences
        the cat sleeps on the sofa.
        stock prices fell sharply.
        ```
        """

    static func run(_ context: StepContext) throws {
        let (_, model) = try pretrainedModel(context)
        let lines = meaningfulLines(context.block.body)
        guard !lines.isEmpty else {
            throw LessonError("sentences needs one sentence per line in its body; the block is empty", at: context.block.infoPosition)
        }
        var labels: [String] = []
        var texts: [(text: String, position: SourcePosition)] = []
        let width = model.config.hiddenSize
        for line in lines {
            let text = line.text.trimmingWhitespace()
            if let previous = labels.firstIndex(of: text) {
                throw LessonError("the sentence '\(text.quotable)' is already line \(previous + 1) of this block; each row needs its own label", at: line.position)
            }
            guard (labels.count + 1) * width <= context.limits.maxEntries else {
                throw LessonError("\(labels.count + 1) sentences of \(width) numbers would be over the limit of \(context.limits.maxEntries) entries (raise it with --max-entries)", at: line.position)
            }
            labels.append(text)
            texts.append((text, line.position))
        }
        // Encoded together: the model's weights are read once for the block, not once a line.
        let data = try sentenceVectors(texts, with: model, context).flatMap { $0 }
        let table = Tensor(shape: [labels.count, width], data: data, rowLabels: labels)
        try context.record("table", table, formula: "each row: mean of the last layer's rows, divided by its length")
        let name = try context.args.name("name", default: "docs")!
        context.setResult(.tensor(table), recorded: "table", storeAs: name)
    }
}
