import StepmarkCore

/// `nearest`: the k rows of a table closest to a query — a token, a named vector or a vector
/// literal. The engine of the search and recommendation examples.
enum NearestDirective: Directive {
    static let name = "nearest"
    static let summary = "the k table entries closest to a token or a vector, best first"
    static let body = "a token of the table (left out of its own ranking), a name of a vector, or a vector expression"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("table", "E", "the embedding table to search"),
        ArgumentSpec("k", "3", "how many results"),
        ArgumentSpec("metric", "cosine", "cosine or dot (higher is closer) or euclidean (lower is closer)", choices: SimilarityMetric.allCases.map(\.rawValue)),
        ArgumentSpec("model", nil, "a model (from a model block): the body is a text, embedded as a sentence vector"),
        ArgumentSpec("exclude", nil, "a list of tokens to leave out, like [\"a\", \"b\"] (e.g. items a user already has)"),
    ]
    static let subSteps = "ranking (labelled rows: token, score; best first; ties keep table order)"
    static let example = """
        ```embeddings
        고양이: [0.9, 0.8, 0.1]
        개: [0.8, 0.9, 0.2]
        자동차: [0.1, 0.2, 0.9]
        ```

        ```nearest k=2
        고양이
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        let table = try embeddingTable(context)
        let tableName = try args.name("table", default: "E")!
        let k = try args.integer("k", default: 3, in: 1...1_000_000)
        let metric = SimilarityMetric(rawValue: try args.choice("metric", SimilarityMetric.allCases.map(\.rawValue), default: "cosine"))!
        var excluded: Set<String> = []
        if let list = args.raw("exclude") {
            let items: [ArgValue]
            if case .list(let l) = list { items = l } else { items = [list] }
            for item in items {
                let token: String
                switch item {
                case .word(let w), .string(let w): token = Tokenizer.normalize(w)
                case .number(_, let text): token = text
                case .list: throw LessonError("exclude= expects a list of tokens like [\"a\", \"b\"]", at: args.position(of: "exclude"))
                }
                guard table.index(of: token) != nil else {
                    throw LessonError("exclude= names '\(token)', which is not a token of \(tableName)\(didYouMean(token, among: table.tokens))", at: args.position(of: "exclude"))
                }
                excluded.insert(token)
            }
        }
        let lines = meaningfulLines(context.block.body)
        guard let first = lines.first else {
            throw LessonError("nearest needs a query in its body: a token of \(tableName), the name of a vector, or a vector like [0.1, 0.2]", at: context.block.infoPosition)
        }
        let query: Tensor
        let queryText: String
        let single = words(of: first.text)
        if args.has("model") {
            query = try modelQueryVector(lines.map(\.text).joined(separator: " "), context, at: first.position)
            queryText = "the sentence vector of the text"
        } else if lines.count == 1, single.count == 1, let row = table.index(of: single[0].word) {
            // A table token: it is left out of its own ranking, as search engines and gensim's
            // most_similar do, so the answer is about its neighbours.
            let token = table.tokens[row]
            query = table.matrix.row(row)
            excluded.insert(token)
            queryText = "'\(token)'"
        } else {
            if lines.count == 1, single.count == 1, context.environment.value(single[0].word) == nil,
               single[0].word.first.map({ $0.isLetter || $0 == "_" }) == true {
                let w = single[0].word
                throw LessonError("'\(w)' is neither a token of \(tableName) nor a defined name\(didYouMean(w, among: table.tokens + context.environment.names))", at: first.position(at: single[0].offset))
            }
            // Several plain words are a sentence, which only a model can embed: say so rather
            // than what the expression reader makes of it ("found the name 'kitten'"; a teacher's
            // first-hour review).
            let plain = single.allSatisfy { $0.word.allSatisfy { $0.isLetter || $0 == "'" || $0 == "-" } }
            if lines.count == 1, single.count > 1, plain, single.contains(where: { context.environment.value($0.word) == nil }) {
                throw LessonError("'\(first.text.trimmingWhitespace().quotable)' reads as a sentence: a text query needs model= (the name of a model block above); a query of a table is one of its tokens or a vector", at: first.position(at: single[0].offset))
            }
            query = try context.tensor(context.evaluate(lines), .oneRow, at: first.position) { "the query must be one vector, but it is \($0)" }
            queryText = "the query"
        }
        guard query.count == table.dimension else {
            throw LessonError("the query has \(query.count) entries but the vectors of \(tableName) have \(table.dimension)", at: first.position)
        }
        guard table.count > excluded.count else {
            throw LessonError("nothing is left to rank: every token of \(tableName) is excluded", at: first.position)
        }
        let ranking: [Neighbour]
        do {
            ranking = try Embeddings.nearest(to: query, in: table, k: k, metric: metric, excluding: excluded)
        } catch let e as TensorError {
            throw LessonError(e.message, at: first.position)
        }
        if k > ranking.count {
            context.warn("k=\(k) but only \(ranking.count) candidates are left, so all are shown")
        }
        let tensor = Embeddings.rankingTensor(ranking, metric: metric)
        let order = metric.higherIsCloser ? "highest" : "lowest"
        var formula = "the \(ranking.count) rows of \(tableName) with the \(order) \(metric == .euclidean ? "distance" : metric.rawValue) to \(queryText)"
        if !excluded.isEmpty { formula += ", leaving out \(excluded.sorted().joined(separator: ", "))" }
        try context.record("ranking", tensor, formula: formula)
        context.setResult(.tensor(tensor), recorded: "ranking", storeAs: nil)
    }
}
