import StepmarkCore

/// `attend`: scaled dot-product attention with every intermediate matrix.
enum AttendDirective: Directive {
    static let name = "attend"
    static let summary = "scaled dot-product attention: scores, scaling, mask, softmax weights, output"
    static let body = "Q = …, K = …, V = … lines, or empty to use Q, K, V (or q=/k=/v=) from above"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("q", "Q", "the name of the queries (n_q × d)"),
        ArgumentSpec("k", "K", "the name of the keys (n_k × d)"),
        ArgumentSpec("v", "V", "the name of the values (n_k × d_v)"),
        ArgumentSpec("scale", "1/sqrt(d_k)", "multiplies Q·Kᵀ"),
        ArgumentSpec("mask", "none", "none, or causal: query i sees keys j ≤ i + n_k − n_q", choices: AttentionMask.allCases.map(\.rawValue)),
        ArgumentSpec("heads", "1", "split the columns of Q, K, V into this many heads"),
        ArgumentSpec("wo", nil, "the name of an output projection applied to the concatenated heads"),
        ArgumentSpec("labels", nil, "the name of a token list that labels rows and columns"),
    ] + AttendGradients.arguments
    static let subSteps = "scores, scaled, masked (with a mask), weights, output; with heads=h: headN.scores … headN.output, then concat (and output with wo); with target= or grad=: loss, d_output, d_wo, d_concat, then per head (headN.d_output with heads=h) d_weights, d_V, d_scaled, d_scores, d_Q, d_K"
    static let example = """
        ```attend mask=causal
        Q = [[1, 0], [0, 1], [1, 1]]
        K = Q
        V = [[1, 2], [3, 4], [5, 6]]
        ```
        """

    /// The concat sub-step's formula (`attend` and `encode`): every head when there are two or
    /// three, `[head1.output | … | headN.output]` when there are more.
    static func concatFormula(heads: Int) -> String {
        switch heads {
        case ...1: "concat = output of the single head"
        case 2, 3: "concat = [" + (1...heads).map { "head\($0).output" }.joined(separator: " | ") + "]"
        default: "concat = [head1.output | … | head\(heads).output]"
        }
    }

    static func run(_ context: StepContext) throws {
        let args = context.args
        let names = (q: try args.name("q", default: "Q")!, k: try args.name("k", default: "K")!, v: try args.name("v", default: "V")!)
        for a in try context.assignments() {
            guard [names.q, names.k, names.v].contains(a.name) else {
                throw LessonError("attend's body assigns only \(names.q), \(names.k) and \(names.v); '\(a.name)' belongs in a let block", at: a.line.position)
            }
            _ = try context.evaluateAndDefine(a.name, a.expr)
        }
        func matrix(_ name: String, _ key: String) throws -> Tensor {
            let at = args.has(key) ? args.position(of: key) : context.block.infoPosition
            return try context.tensor(named: name, .vectorOrMatrix, at: at) { "\(name) must be a vector or a matrix, but it is \($0)" }
        }
        let q = try matrix(names.q, "q"), k = try matrix(names.k, "k"), v = try matrix(names.v, "v")
        let scale = try args.number("scale", default: nil)
        if let scale, !(scale.isFinite && scale > 0) {
            throw LessonError("scale= must be a positive number, got \(args.raw("scale")!)", at: args.position(of: "scale"))
        }
        let mask = AttentionMask(rawValue: try args.choice("mask", AttentionMask.allCases.map(\.rawValue), default: "none"))!
        let heads = try args.integer("heads", default: 1, in: 1...1024)
        let wo = try context.tensor(argument: "wo", .matrix) { "wo= must name a matrix, but \($0) is \($1)" }?.tensor
        var queryLabels: [String]? = nil, keyLabels: [String]? = nil
        if let labelName = try args.name("labels") {
            let list = try context.tokens(named: labelName, at: args.position(of: "labels")) { "labels= must name a token list, but \(labelName) is \($0)" }
            let n = list.tokens.count
            guard n == q.rows || n == k.rows else {
                throw LessonError("labels= has \(n) tokens but Q has \(q.rows) rows and K has \(k.rows)", at: args.position(of: "labels"))
            }
            if n == q.rows { queryLabels = list.tokens }
            if n == k.rows { keyLabels = list.tokens }
        }
        if heads > 1, q.cols % heads != 0 || v.cols % heads != 0 {
            throw LessonError("heads=\(heads) must divide the number of columns of Q and K (\(q.cols)) and of V (\(v.cols))", at: args.position(of: "heads"))
        }
        let steps: AttentionSteps
        do {
            steps = try Attention.compute(q: q, k: k, v: v, scale: scale, mask: mask, heads: heads, wo: wo,
                                          queryLabels: queryLabels, keyLabels: keyLabels,
                                          maxEntries: context.limits.maxEntries, deadline: context.timeLimit)
        } catch let e as TensorError {
            throw LessonError(e.message, at: context.block.infoPosition)
        }
        let dk = q.cols / heads
        let scaleText = scale == nil ? "1/√\(dk) = \(Runner.trimmed(steps.scale))" : Runner.trimmed(steps.scale)
        let (qn, kn, vn) = names
        for (h, head) in steps.heads.enumerated() {
            let prefix = heads == 1 ? "" : "head\(h + 1)."
            let sub = heads == 1 ? "" : "ₕ"
            try context.record(prefix + "scores", head.scores, formula: "scores = \(qn)\(sub)·\(kn)\(sub)ᵀ", role: .attention(weights: false))
            try context.record(prefix + "scaled", head.scaled, formula: "scaled = scores × \(scaleText)", role: .attention(weights: false))
            if let masked = head.masked {
                try context.record(prefix + "masked", masked, formula: "masked = scaled, with −∞ where j > i + n_k − n_q (causal)", role: .attention(weights: false))
            }
            try context.record(prefix + "weights", head.weights, formula: "weights = softmax(\(head.masked == nil ? "scaled" : "masked")) (each row sums to 1)", role: .attention(weights: true))
            // One head with wo=: its output is recorded once, as `concat` below, so that `output`
            // names one value (concat·Wo), the one `check=output` grades.
            if heads > 1 || steps.concat == nil {
                try context.record(prefix + "output", head.output, formula: "output = weights·\(vn)\(sub)")
            }
        }
        if let concat = steps.concat {
            try context.record("concat", concat, formula: concatFormula(heads: heads))
            if wo != nil {
                try context.record("output", steps.output, formula: "output = concat·\(try args.name("wo")!)")
            }
        }
        try AttendGradients.record(context, steps: steps, q: q, k: k, v: v, wo: wo, names: names, woName: try args.name("wo"))
        let resultName = heads > 1 && wo == nil ? "concat" : "output"
        context.setResult(.tensor(steps.output), recorded: resultName, storeAs: "output")
    }
}
