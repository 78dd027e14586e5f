import StepmarkCore

/// `encode`: one encoder self-attention block over a sentence's token embeddings, with every
/// intermediate matrix: the embeddings, the positions added, the Q/K/V projections, the
/// attention scores, weights and output, and the contextual vectors.
enum EncodeDirective: Directive {
    static let name = "encode"
    static let summary = "an encoder block: embeddings (+ positions), Q/K/V, self-attention, residual, layer norm → contextual vectors"
    static let body = "the text, split into tokens at whitespace (every token must be in the table)"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("table", "E", "the embedding table (a matrix with one token-labelled row per token)"),
        ArgumentSpec("positions", "none", "none, or sinusoidal: add PE[p, 2i] = sin(p/10000^(2i/d)), PE[p, 2i+1] = cos(…)", choices: PositionalEncoding.allCases.map(\.rawValue)),
        ArgumentSpec("wq", nil, "the name of the query projection (d × d_k); without it Q = X"),
        ArgumentSpec("wk", nil, "the name of the key projection (d × d_k); without it K = X"),
        ArgumentSpec("wv", nil, "the name of the value projection (d × d_v); without it V = X"),
        ArgumentSpec("heads", "1", "split the columns of Q, K, V into this many heads"),
        ArgumentSpec("residual", "false", "add the attention's input X to its output", choices: ["true", "false"]),
        ArgumentSpec("norm", "false", "layer-normalise each row of the result (biased variance, ε = 1e-5, no scale or shift)", choices: ["true", "false"]),
    ]
    static let subSteps = "tokens, embedded, positioned (with positions), Q, K, V, scores, scaled, weights, output (with heads=h: headN.scores … headN.output, concat), context"
    static let example = """
        ```embeddings
        강가: [0.9, 0, 0.1, 0.5]
        의: [0, 0, 0.3, 0]
        은행: [0.5, 0.5, 0, 0.5]
        ```

        ```encode residual=true norm=true
        강가 의 은행
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        let words = try TextTokens.read(context, what: "encode needs a sentence in its body, for example: 강가 의 은행")
        let tableName = try args.name("table", default: "E")!
        let table = try embeddingTable(context)
        for w in words where table.index(of: w.token) == nil {
            let known = table.tokens.prefix(12).joined(separator: ", ") + (table.count > 12 ? ", …" : "")
            throw LessonError("'\(w.token)' is not in the embedding table \(tableName) (its tokens: \(known)); add a row for it or change the text", at: w.position)
        }
        let tokens = words.map(\.token)
        let positions = PositionalEncoding(rawValue: try args.choice("positions", PositionalEncoding.allCases.map(\.rawValue), default: "none"))!
        let d = table.dimension

        // Projections: checked here so that a wrong shape is reported at its argument.
        var weights: [String: (name: String, matrix: Tensor)] = [:]
        for key in ["wq", "wk", "wv"] {
            guard let (wName, w) = try context.tensor(argument: key, .matrix, else: {
                "\(key)= must name a matrix with \(d) rows (one per embedding dimension), but \($0) is \($1)"
            }) else { continue }
            let at = args.position(of: key)
            guard w.rows == d else {
                throw LessonError("\(key)= must have \(d) rows (one per embedding dimension of \(tableName)), but \(wName) is \(w.rows)×\(w.cols)", at: at)
            }
            weights[key] = (wName, w)
        }
        let qCols = weights["wq"]?.matrix.cols ?? d, kCols = weights["wk"]?.matrix.cols ?? d, vCols = weights["wv"]?.matrix.cols ?? d
        if qCols != kCols {
            let at = args.has("wk") ? args.position(of: "wk") : args.position(of: "wq")
            throw LessonError("Q and K need the same width to be compared: Q would have \(qCols) columns and K \(kCols)", at: at)
        }
        let heads = try args.integer("heads", default: 1, in: 1...1024)
        if qCols % heads != 0 || vCols % heads != 0 {
            throw LessonError("heads=\(heads) must divide the widths of Q and K (\(qCols)) and of V (\(vCols))", at: args.position(of: "heads"))
        }
        let residual = try args.bool("residual", default: false)
        if residual && vCols != d {
            throw LessonError("residual=true adds X (\(d) columns) to the attention output, so V must keep \(d) columns, but wv= makes \(vCols)", at: args.position(of: "residual"))
        }
        let norm = try args.bool("norm", default: false)

        // A TensorError here is reported at the info string by the runner.
        let steps = try Embeddings.encode(tokens: tokens, table: table, positions: positions,
                                          wq: weights["wq"]?.matrix, wk: weights["wk"]?.matrix, wv: weights["wv"]?.matrix,
                                          heads: heads, residual: residual, norm: norm,
                                          maxEntries: context.limits.maxEntries, deadline: context.timeLimit)

        try context.record("tokens", .tokens(TokenList(tokens)), formula: "tokens = the text split at whitespace")
        try context.record("embedded", steps.embedded, formula: "embedded = the row of \(tableName) for each token")
        if let positioned = steps.positioned {
            try context.record("positioned", positioned, formula: "positioned = embedded + PE, PE[p, 2i] = sin(p / 10000^(2i/\(d))), PE[p, 2i+1] = cos(p / 10000^(2i/\(d)))")
        }
        let x = steps.positioned == nil ? "embedded" : "positioned"
        for (key, label, value) in [("wq", "Q", steps.q), ("wk", "K", steps.k), ("wv", "V", steps.v)] {
            let formula = weights[key].map { "\(label) = \(x)·\($0.name)" } ?? "\(label) = \(x) (no \(key) given)"
            try context.record(label, value, formula: formula)
        }
        let attention = steps.attention
        let scaleText = "1/√\(qCols / heads) = \(Runner.trimmed(attention.scale))"
        for (h, head) in attention.heads.enumerated() {
            let prefix = heads == 1 ? "" : "head\(h + 1)."
            let sub = heads == 1 ? "" : "ₕ"
            try context.record(prefix + "scores", head.scores, formula: "scores = Q\(sub)·K\(sub)ᵀ", role: .attention(weights: false))
            try context.record(prefix + "scaled", head.scaled, formula: "scaled = scores × \(scaleText)", role: .attention(weights: false))
            try context.record(prefix + "weights", head.weights, formula: "weights = softmax(scaled) (each row sums to 1)", role: .attention(weights: true))
            try context.record(prefix + "output", head.output, formula: "output = weights·V\(sub)")
        }
        if let concat = attention.concat {
            try context.record("concat", concat, formula: AttendDirective.concatFormula(heads: heads))
        }
        let attended = heads > 1 ? "concat" : "output"
        var formula = residual ? "\(attended) + \(x)" : attended
        if norm { formula = "LayerNorm(\(formula)) (each row: mean 0, variance 1)" }
        try context.record("context", steps.context, formula: "context = \(formula)")
        context.setResult(.tensor(steps.context), recorded: "context", storeAs: "context")
    }
}

/// The whitespace tokens of a directive's body (NFC-normalised), each with its position in the
/// lesson file, for `encode` and `generate`.
enum TextTokens {
    struct Word {
        var token: String
        var position: SourcePosition
    }

    /// - Throws: `what` at the info string when the body holds no token.
    static func read(_ context: StepContext, what: String) throws -> [Word] {
        var words: [Word] = []
        for line in context.block.contentLines {
            var current = "", start = 0
            for (offset, c) in line.text.enumerated() {
                if c.isWhitespace {
                    if !current.isEmpty { words.append(Word(token: Tokenizer.normalize(current), position: line.position(at: start))) }
                    current = ""
                } else {
                    if current.isEmpty { start = offset }
                    current.append(c)
                }
            }
            if !current.isEmpty { words.append(Word(token: Tokenizer.normalize(current), position: line.position(at: start))) }
        }
        guard !words.isEmpty else { throw LessonError(what, at: context.block.infoPosition) }
        return words
    }
}
