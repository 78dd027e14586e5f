import StepmarkCore

/// `similarity`: cosine, dot product or euclidean distance between pairs of vectors, or the
/// whole table as a labelled matrix.
enum SimilarityDirective: Directive {
    static let name = "similarity"
    static let summary = "cosine / dot / euclidean between pairs of tokens or vectors, or the whole table"
    static let body = "lines 'a b' (table tokens or names of vectors), or empty for the whole table"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("metric", "cosine", "cosine (a·b / |a||b|), dot (a·b) or euclidean (|a − b|, a distance: smaller is closer)", choices: SimilarityMetric.allCases.map(\.rawValue)),
        ArgumentSpec("table", "E", "the embedding table the tokens come from"),
        ArgumentSpec("model", nil, "a model (from a model block): each line is 'first text | second text', compared as sentence vectors"),
    ]
    static let subSteps = "one scalar per pair named a~b, or matrix (every row against every row); the result (for exercise= and as=) is the scalar of a single pair, or the vector of all pair scores in order"
    static let example = """
        ```embeddings
        고양이: [0.9, 0.8, 0.1]
        개: [0.8, 0.9, 0.2]
        자동차: [0.1, 0.2, 0.9]
        ```

        ```similarity metric=cosine
        고양이 개
        고양이 자동차
        ```
        """

    static func formula(_ metric: SimilarityMetric, _ a: String, _ b: String) -> String {
        switch metric {
        case .cosine: "cos(\(a), \(b)) = \(a)·\(b) / (|\(a)| |\(b)|)"
        case .dot: "\(a)·\(b) = Σ \(a)ᵢ \(b)ᵢ"
        case .euclidean: "|\(a) − \(b)| = √Σ (\(a)ᵢ − \(b)ᵢ)²"
        }
    }

    static func run(_ context: StepContext) throws {
        let args = context.args
        let metric = SimilarityMetric(rawValue: try args.choice("metric", SimilarityMetric.allCases.map(\.rawValue), default: "cosine"))!
        let lines = meaningfulLines(context.block.body)
        let tableName = try args.name("table", default: "E")!
        if lines.isEmpty {
            let table = try embeddingTable(context)
            // n × n before the matrix is built (a big table would allocate n² first).
            let (entries, overflow) = table.count.multipliedReportingOverflow(by: table.count)
            if overflow || entries > context.limits.maxEntries {
                throw LessonError("the similarity matrix of \(tableName) (\(table.count) × \(table.count)) would have \(overflow ? "more than \(Int.max)" : String(entries)) entries, over the limit of \(context.limits.maxEntries) (raise it with --max-entries)",
                                  at: args.has("table") ? args.position(of: "table") : context.block.infoPosition)
            }
            let matrix: Tensor
            do {
                matrix = try Embeddings.similarityMatrix(table, metric: metric, deadline: context.timeLimit)
            } catch let e as TensorError {
                throw LessonError(e.message, at: args.has("table") ? args.position(of: "table") : context.block.infoPosition)
            }
            try context.record("matrix", matrix, formula: "row i, column j: " + formula(metric, "i", "j"))
            context.setResult(.tensor(matrix), recorded: "matrix", storeAs: nil)
            return
        }
        if args.has("model") { return try TextSimilarityStep.run(context, lines: lines, metric: metric) }
        // The table is needed only when a line names a token; names of vectors work without it.
        // With table= written, the table must be valid; the default E is used when it is one
        // (so an unrelated, unlabelled E does not stop a comparison of named vectors).
        var table: EmbeddingTable? = nil
        if args.has("table") {
            table = try embeddingTable(context)
        } else if context.environment.value(tableName) != nil {
            table = try? embeddingTable(context)
        }
        var names: [String] = []
        var scores: [Double] = []
        for line in lines {
            let items = words(of: line.text)
            guard items.count == 2 else {
                throw LessonError("each line compares two things: 'a b' (two tokens of \(tableName) or names of vectors); this line has \(items.count)", at: line.position)
            }
            var vectors: [Tensor] = []
            for (item, offset) in items {
                vectors.append(try resolve(item, table: table, tableName: tableName, context, at: line.position(at: offset)))
            }
            let (a, b) = (Tokenizer.normalize(items[0].word), Tokenizer.normalize(items[1].word))
            let score: Double
            do {
                score = try Embeddings.similarity(vectors[0], vectors[1], metric: metric)
            } catch let e as TensorError {
                var message = e.message
                message = message.replacing( "the first vector", with: "'\(a)'")
                message = message.replacing( "the second vector", with: "'\(b)'")
                throw LessonError(message, at: line.position(at: items[vectors[0].data.allSatisfy { $0 == 0 } ? 0 : 1].offset))
            }
            let name = "\(a)~\(b)"
            try context.record(name, .scalar(score), formula: formula(metric, a, b))
            names.append(name)
            scores.append(score)
        }
        // The result (for exercises and as=): the score itself for one pair, else every score
        // in order as a vector labelled by the pair names.
        let result: Tensor = scores.count == 1 ? .scalar(scores[0]) : Tensor(shape: [scores.count], data: scores, rowLabels: names)
        context.setResult(.tensor(result), recorded: scores.count == 1 ? names[0] : nil, storeAs: nil)
    }

    /// A line item: a token of the table, else the name of a vector in the environment.
    static func resolve(_ item: String, table: EmbeddingTable?, tableName: String, _ context: StepContext,
                        at position: SourcePosition) throws -> Tensor {
        if let table, let i = table.index(of: item) { return table.matrix.row(i) }
        if let value = context.environment.value(item) {
            return try context.tensor(value, .oneRow, at: position) { "'\(item)' must be a vector to compare, but it is \($0)" }
        }
        var message = "'\(item)' is neither a token of \(tableName) nor a defined vector"
        if let table {
            message += didYouMean(item, among: table.tokens + context.environment.names)
            message += " (\(tableName) has \(table.count) tokens: \(table.tokens.prefix(10).joined(separator: ", "))\(table.count > 10 ? ", …" : ""))"
        } else if let f = context.environment.failure(of: tableName) {
            // The table's own step failed: say so, not "write an embeddings block above" (there
            // is one; a teacher's first-hour review).
            message += " (the table \(tableName) is undefined because the \(f.directive) step at \(f.stepPosition) failed; see its error at \(f.errorPosition))"
        } else {
            message += " (no table \(tableName) is defined: write an embeddings block above, or name one with table=)"
        }
        throw LessonError(message, at: position)
    }
}
