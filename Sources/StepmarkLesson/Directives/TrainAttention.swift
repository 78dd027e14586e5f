import StepmarkCore

/// `train_attention`: learns the matrices W_Q, W_K, W_V (and W_O) of one attention layer by
/// gradient descent on the mean squared error between the layer's output and a target, and
/// records how the attention weights change on the way.
///
/// The layer: `Q = X·W_Q`, `K = X·W_K`, `V = X·W_V`, `output = attention(Q, K, V)` (`·W_O` with
/// wo=), the same attention as `attend`. Each epoch computes the loss and, with `attend`'s
/// backward pass, `∂L/∂W_Q = Xᵀ·d_Q`, `∂L/∂W_K = Xᵀ·d_K`, `∂L/∂W_V = Xᵀ·d_V` and `d_wo`, then
/// steps `W ← W − lr·∂L/∂W` for the matrices named in `learn=`. Several sequences
/// (`x=[XA, XB] target=[TA, TB]`) train one shared layer on the mean of their losses.
enum TrainAttentionDirective: Directive {
    static let name = "train_attention"
    static let summary = "learn W_Q, W_K, W_V (and W_O) of one attention layer by gradient descent, with the attention weights before and after"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("x", "X", "the name of the token vectors (one row per token), or a list of names [XA, XB] for several sequences"),
        ArgumentSpec("target", nil, "the name of the output each token should produce (as many rows as x), or a list with one per sequence"),
        ArgumentSpec("wq", nil, "the name of the initial W_Q (default: the identity, Q = X)"),
        ArgumentSpec("wk", nil, "the name of the initial W_K (default: the identity)"),
        ArgumentSpec("wv", nil, "the name of the initial W_V (default: the identity)"),
        ArgumentSpec("wo", nil, "the name of an initial output projection W_O (default: none)"),
        ArgumentSpec("learn", "qkv", "which matrices gradient descent changes: letters of q, k, v, o (o only with wo=; default qkv, and o with wo=)"),
        ArgumentSpec("lr", "0.1", "the learning rate, a positive number"),
        ArgumentSpec("epochs", "100", "the number of updates (0 only evaluates the start)"),
        ArgumentSpec("record", "[0, epochs]", "the epochs at which to record the attention weights, like [0, 10, 100]"),
        ArgumentSpec("mask", "none", "none, or causal", choices: AttentionMask.allCases.map(\.rawValue)),
        ArgumentSpec("heads", "1", "the number of heads"),
        ArgumentSpec("scale", "1/sqrt(d_k)", "multiplies Q·Kᵀ"),
        ArgumentSpec("labels", nil, "the name of a token list labelling the rows (one list, or one per sequence)"),
    ]
    static let subSteps = "wq_before, wk_before, wv_before (wo_before); epochE.weights for each recorded epoch E (epochE.headH.weights with heads, epochE.NAME.… with several sequences); history (columns epoch, loss); wq_after, wk_after, wv_after, wo_after (the learned ones); output (NAME.output with several sequences); loss"
    static let example = """
        ```let
        X = [[2, 0, 0], [0, 0, 1], [1, 1, 0]]
        T = [[2, 0, 0], [0, 0, 1], [2, 0, 0]]
        ```

        ```train_attention target=T learn=qk lr=1 epochs=100 record=[0, 10, 100]
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        let xNames = try names(context, "x", default: "X")
        guard args.has("target") else {
            throw LessonError("train_attention needs target=, the output each token should produce (like target=T)", at: context.block.infoPosition)
        }
        let targetNames = try names(context, "target", default: nil)
        guard targetNames.count == xNames.count else {
            throw LessonError("target= names \(targetNames.count) sequence\(targetNames.count == 1 ? "" : "s") but x= names \(xNames.count); give one target per sequence", at: args.position(of: "target"))
        }
        let xs = try xNames.map { try matrix(context, $0, key: "x") }
        let targets = try targetNames.map { try matrix(context, $0, key: "target", allowVector: true) }
        let labels = try sequenceLabels(context, xs: xs)

        let dModel = xs[0].cols
        for (i, x) in xs.enumerated().dropFirst() where x.cols != dModel {
            throw LessonError("every sequence needs the same number of columns: \(xNames[0]) is \(xs[0].shapeDescription), \(xNames[i]) is \(x.shapeDescription)", at: args.position(of: "x"))
        }
        func weight(_ key: String) throws -> Tensor? {
            guard let name = try args.name(key) else { return nil }
            let at = args.position(of: key)
            let value = try context.environment.lookup(name, at: at)
            guard case .tensor(let t) = value, t.isMatrix else {
                throw LessonError("\(key)= must name a matrix, but \(name) is \(value.summary)", at: at)
            }
            guard t.isFinite else { throw LessonError("\(key)= must hold finite numbers, but \(name) does not", at: at) }
            return t
        }
        // The default is the identity, so that before training Q = K = V = X (lesson 1).
        let identity = Tensor.identity(dModel).labelled(rows: xs[0].colLabels, cols: xs[0].colLabels)
        let initial = AttentionLayerWeights(wq: try weight("wq") ?? identity, wk: try weight("wk") ?? identity,
                                            wv: try weight("wv") ?? identity, wo: try weight("wo"))
        // Shapes, each reported at the argument that names the matrix.
        for (key, w) in [("wq", initial.wq), ("wk", initial.wk), ("wv", initial.wv)] where w.rows != dModel {
            throw LessonError("\(key)= needs one row per column of X (\(dModel)), got \(w.shapeDescription)", at: args.position(of: key))
        }
        if initial.wq.cols != initial.wk.cols {
            throw LessonError("W_Q and W_K need the same number of columns (each query meets each key): W_Q is \(initial.wq.shapeDescription), W_K is \(initial.wk.shapeDescription)", at: args.position(of: args.has("wk") ? "wk" : "wq"))
        }
        if let wo = initial.wo, wo.rows != initial.wv.cols {
            throw LessonError("wo= needs one row per column of W_V (\(initial.wv.cols)), got \(wo.shapeDescription)", at: args.position(of: "wo"))
        }
        let heads = try args.integer("heads", default: 1, in: 1...1024)
        if initial.wq.cols % heads != 0 || initial.wv.cols % heads != 0 {
            throw LessonError("heads=\(heads) must divide the columns of W_Q/W_K (\(initial.wq.cols)) and of W_V (\(initial.wv.cols))", at: args.position(of: "heads"))
        }
        let outWidth = initial.wo?.cols ?? initial.wv.cols
        for (i, (x, t)) in zip(xs, targets).enumerated() where t.rows != x.rows || t.cols != outWidth {
            throw LessonError("\(targetNames[i]) must be \(x.rows) × \(outWidth) (one row per token of \(xNames[i]), one column per output), got \(t.shapeDescription)", at: args.position(of: "target"))
        }
        for (i, t) in targets.enumerated() where !t.isFinite {
            throw LessonError("target= must hold finite numbers, but \(targetNames[i]) does not", at: args.position(of: "target"))
        }

        let learn = try learned(context, hasWo: initial.wo != nil)
        let lr = try args.number("lr", default: 0.1)
        guard lr > 0, lr.isFinite else {
            throw LessonError("lr= must be a positive number (the size of each step downhill), got \(args.raw("lr")?.description ?? "\(lr)")", at: args.position(of: "lr"))
        }
        let epochs = try args.integer("epochs", default: 100, in: 0...context.limits.maxSteps, limitFlag: "--max-steps")
        let recordEpochs = try recorded(context, epochs: epochs)
        let mask = AttentionMask(rawValue: try args.choice("mask", AttentionMask.allCases.map(\.rawValue), default: "none"))!
        let scale = try args.number("scale", default: nil)
        if let scale, !(scale.isFinite && scale > 0) {
            throw LessonError("scale= must be a positive number, got \(args.raw("scale")!)", at: args.position(of: "scale"))
        }
        // The recorded attention weights are kept for the whole run: check their total size
        // before training allocates them.
        let recordedEntries = xs.reduce(0) { $0 + $1.rows * $1.rows } * heads * recordEpochs.count
        if recordedEntries > context.limits.maxEntries {
            throw LessonError("record= would keep \(recordedEntries) attention weights (\(recordEpochs.count) epochs × \(heads) head\(heads == 1 ? "" : "s") × n² per sequence), over the limit of \(context.limits.maxEntries) (raise it with --max-entries)", at: args.has("record") ? args.position(of: "record") : context.block.infoPosition)
        }
        try context.checkDeadline()

        let examples = (0..<xs.count).map { AttentionExample(x: xs[$0], target: targets[$0], labels: labels[$0]) }
        let run: AttentionTrainingRun
        do {
            run = try AttentionTraining.train(examples: examples, initial: initial, scale: scale, mask: mask, heads: heads,
                                              lr: lr, epochs: epochs, recordEpochs: Set(recordEpochs), learn: learnedMatrices(learn),
                                              checkpoint: context.checkDeadline)
        } catch let e as TensorError {
            throw LessonError(e.message, at: context.block.infoPosition)
        }

        let matrices: [(key: String, symbol: String, before: Tensor, after: Tensor?, letter: Character)] = [
            ("wq", "W_Q", run.initial.wq, run.trained.wq, "q"), ("wk", "W_K", run.initial.wk, run.trained.wk, "k"),
            ("wv", "W_V", run.initial.wv, run.trained.wv, "v"),
        ] + (run.initial.wo.map { [("wo", "W_O", $0, run.trained.wo, "o")] } ?? [])
        for m in matrices {
            let origin = args.has(m.key) ? try args.name(m.key)! : "the identity"
            try context.record(m.key + "_before", m.before, formula: "\(m.symbol) before training = \(origin)\(learn.contains(m.letter) ? "" : " (fixed: not in learn=)")")
        }
        let scaleText = scale.map { Runner.trimmed($0) } ?? "1/√d_k"
        let attention = "weights = softmax(X·W_Q·(X·W_K)ᵀ × \(scaleText)\(mask == .causal ? ", causal" : ""))"
        for snapshot in run.snapshots {
            for (e, perHead) in snapshot.weights.enumerated() {
                let sequence = xs.count == 1 ? "" : xNames[e] + "."
                for (h, w) in perHead.enumerated() {
                    let head = heads == 1 ? "" : "head\(h + 1)."
                    let when = snapshot.epoch == 0 ? "before training" : "after \(snapshot.epoch) update\(snapshot.epoch == 1 ? "" : "s")"
                    try context.record("epoch\(snapshot.epoch).\(sequence)\(head)weights", w, formula: "\(attention) \(when)", role: .attention(weights: true))
                }
            }
        }
        let lrText = Runner.format(lr)
        let rule = matrices.filter { learn.contains($0.letter) }.map { "\($0.symbol) ← \($0.symbol) − \(lrText)·∂loss/∂\($0.symbol)" }.joined(separator: ", ")
        try context.record("history", run.history, formula: "row k: the loss after k updates; loss = mean((output − target)²)\(xs.count > 1 ? " averaged over the sequences" : ""); \(rule)",
                           role: .curve(x: "epoch", y: "loss"))
        let updates = run.history.rows - 1
        for m in matrices where learn.contains(m.letter) {
            try context.record(m.key + "_after", m.after!, formula: "\(m.symbol) after \(updates) update\(updates == 1 ? "" : "s")")
        }
        for (e, output) in run.outputs.enumerated() {
            try context.record(xs.count == 1 ? "output" : "\(xNames[e]).output", output,
                               formula: "output = attention(\(xNames[e])·W_Q, \(xNames[e])·W_K, \(xNames[e])·W_V)\(run.trained.wo == nil ? "" : "·W_O") after training")
        }
        try context.record("loss", Tensor.scalar(run.loss), formula: "loss after \(updates) update\(updates == 1 ? "" : "s")")
        if let k = run.stoppedAt {
            context.warn("training stopped after \(k) of \(epochs) updates: the next update made the numbers too large to represent (∞), so lr=\(lrText) is far too large")
        } else if let first = run.history.data.dropFirst().first, run.loss > first {
            context.warn("the loss grew from \(Runner.trimmed(first)) to \(Runner.trimmed(run.loss)): lr=\(lrText) may be too large")
        }
        // The trained matrices replace the ones named by wq=/wk=/wv=/wo= (or are stored as
        // wq, wk, wv), so a later `attend` can use them.
        for m in matrices where learn.contains(m.letter) {
            context.define(try args.name(m.key) ?? m.key, .tensor(m.after!))
        }
        context.setResult(.tensor(.scalar(run.loss)), recorded: "loss", storeAs: nil)
    }

    /// A name or a list of names.
    private static func names(_ context: StepContext, _ key: String, default value: String?) throws -> [String] {
        let args = context.args
        guard let raw = args.raw(key) else { return value.map { [$0] } ?? [] }
        if case .list(let items) = raw {
            guard !items.isEmpty else { throw LessonError("\(key)= needs at least one name", at: args.position(of: key)) }
            return try items.map { item in
                guard case .word(let w) = item else {
                    throw LessonError("\(key)= expects names, like \(key)=[XA, XB]; \(item.description.quotable) is not a name", at: args.position(of: key))
                }
                return w
            }
        }
        return [try args.name(key)!]
    }

    /// The matrix (or, for a target of one row, vector) stored under `name`.
    private static func matrix(_ context: StepContext, _ name: String, key: String, allowVector: Bool = false) throws -> Tensor {
        let at = context.args.has(key) ? context.args.position(of: key) : context.block.infoPosition
        let value = try context.environment.lookup(name, at: at)
        guard case .tensor(let t) = value, t.isMatrix || (allowVector && t.isVector) else {
            throw LessonError("\(key)= must name a matrix with one row per token, but \(name) is \(value.summary)", at: at)
        }
        guard t.isFinite else { throw LessonError("\(name) must hold finite numbers", at: at) }
        return t.isMatrix ? t : t.asMatrix()
    }

    /// The row labels of each sequence: from `labels=` or the rows of X.
    private static func sequenceLabels(_ context: StepContext, xs: [Tensor]) throws -> [[String]?] {
        let args = context.args
        guard args.has("labels") else { return xs.map(\.rowLabels) }
        let names = try names(context, "labels", default: nil)
        let at = args.position(of: "labels")
        guard names.count == xs.count else {
            throw LessonError("labels= names \(names.count) token list\(names.count == 1 ? "" : "s") but there \(xs.count == 1 ? "is 1 sequence" : "are \(xs.count) sequences")", at: at)
        }
        return try zip(names, xs).map { name, x in
            let value = try context.environment.lookup(name, at: at)
            guard case .tokens(let list) = value else {
                throw LessonError("labels= must name a token list, but \(name) is \(value.summary)", at: at)
            }
            guard list.tokens.count == x.rows else {
                throw LessonError("\(name) has \(list.tokens.count) tokens but its sequence has \(x.rows) rows", at: at)
            }
            return list.tokens
        }
    }

    /// The letters of `learn=`.
    private static func learned(_ context: StepContext, hasWo: Bool) throws -> Set<Character> {
        let args = context.args
        guard let word = try args.word("learn") else { return hasWo ? ["q", "k", "v", "o"] : ["q", "k", "v"] }
        let at = args.position(of: "learn")
        var out: Set<Character> = []
        for c in word {
            guard "qkvo".contains(c) else {
                throw LessonError("learn= takes the letters q, k, v and o (like learn=qk), got \(word.quotable)", at: at)
            }
            guard c != "o" || hasWo else {
                throw LessonError("learn= includes o but there is no output projection; give wo=NAME", at: at)
            }
            out.insert(c)
        }
        guard !out.isEmpty else { throw LessonError("learn= needs at least one of q, k, v, o", at: at) }
        return out
    }

    private static func learnedMatrices(_ letters: Set<Character>) -> LearnedMatrices {
        var out: LearnedMatrices = []
        for (letter, matrix) in [("q", LearnedMatrices.wq), ("k", .wk), ("v", .wv), ("o", .wo)] as [(Character, LearnedMatrices)]
            where letters.contains(letter) { out.insert(matrix) }
        return out
    }

    /// The epochs of `record=` (default: the first and the last), each within 0…epochs.
    private static func recorded(_ context: StepContext, epochs: Int) throws -> [Int] {
        let args = context.args
        guard args.has("record") else { return epochs == 0 ? [0] : [0, epochs] }
        let at = args.position(of: "record")
        let list = try args.integers("record") ?? []
        guard !list.isEmpty else { throw LessonError("record= needs at least one epoch, like record=[0, \(epochs)]", at: at) }
        guard list.count <= 64 else { throw LessonError("record= lists \(list.count) epochs; at most 64 are shown", at: at) }
        for e in list where !(0...epochs).contains(e) {
            throw LessonError("record= holds epoch \(e), but the epochs run from 0 to \(epochs)", at: at)
        }
        return Array(Set(list)).sorted()
    }
}
