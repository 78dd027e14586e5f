import StepmarkCore

/// The backward pass of `attend` (SPEC §3, "Attention gradients"): with `target=NAME`
/// (`loss=mse`) or `grad=NAME` it records, after the forward values, `loss` (with a target),
/// `d_output`, `d_wo` and `d_concat` (with wo= or several heads), then per head (under
/// `headN.` with heads > 1) `d_output` (with heads > 1: the head's columns of `d_concat`), `d_weights`, `d_V`, `jacobian` (with `jacobian_row=`), `d_scaled`,
/// `d_scores`, `d_Q`, `d_K`; with several heads, finally the whole `d_Q`, `d_K`, `d_V`.
///
/// The names mean what PyTorch's autograd gives: `d_Q`, `d_K`, `d_V`, `d_wo` are the
/// `.grad` of Q, K, V and Wo after `loss.backward()`, with `loss = F.mse_loss(output, target)`
/// or after `output.backward(grad)`.
enum AttendGradients {
    /// The arguments `attend` accepts for its backward pass.
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("target", nil, "the name of the output the attention should produce: also record the loss and every gradient"),
        ArgumentSpec("loss", "mse", "the loss against target=: mse, mean((output − target)²)", choices: ["mse"]),
        ArgumentSpec("grad", nil, "instead of target=, the name of a given gradient ∂L/∂output"),
        ArgumentSpec("jacobian_row", nil, "also record the softmax Jacobian diag(w) − w·wᵀ of this row of weights (0-based)"),
    ]

    /// True when the step asks for anything of the backward pass.
    static func requested(_ args: Arguments) -> Bool {
        args.has("target") || args.has("grad") || args.has("jacobian_row") || args.has("loss")
    }

    /// Computes and records the backward values of an `attend` step whose forward values
    /// `steps` are already recorded.
    static func record(_ context: StepContext, steps: AttentionSteps, q: Tensor, k: Tensor, v: Tensor, wo: Tensor?,
                       names: (q: String, k: String, v: String), woName: String?) throws {
        let args = context.args
        guard requested(args) else { return }
        let heads = steps.heads.count
        let jacobianRow = try args.has("jacobian_row")
            ? args.integer("jacobian_row", default: 0, in: 0...max(steps.heads[0].weights.rows - 1, 0)) : nil

        if args.has("target") && args.has("grad") {
            throw LessonError("give either target= (a loss is computed) or grad= (a given ∂L/∂output), not both", at: args.position(of: "grad"))
        }
        if args.has("loss") {
            guard args.has("target") else {
                throw LessonError("loss= needs target=, the output the loss compares with", at: args.position(of: "loss"))
            }
            _ = try args.choice("loss", ["mse"], default: "mse")
        }
        var upstream: Tensor? = nil
        var target: Tensor? = nil
        for key in ["target", "grad"] where args.has(key) {
            let name = try args.name(key)!
            let at = args.position(of: key)
            let value = try context.environment.lookup(name, at: at)
            guard case .tensor(let t) = value else {
                throw LessonError("\(key)= must name a tensor of the output's shape \(steps.output.shapeDescription), but \(name) is \(value.summary)", at: at)
            }
            guard AttentionGradient.sameShape(steps.output, t) else {
                throw LessonError("\(key)= must have the output's shape: output is \(steps.output.shapeDescription), \(name) is \(t.shapeDescription)", at: at)
            }
            guard t.isFinite else {
                throw LessonError("\(key)= must hold finite numbers, but \(name) does not", at: at)
            }
            if key == "target" { target = t } else { upstream = t }
        }

        var gradients: AttentionGradients? = nil
        if target != nil || upstream != nil {
            var loss: Double? = nil
            var dOutput = upstream
            if let target {
                let mse = try core(context) { try AttentionGradient.meanSquaredError(output: steps.output, target: target) }
                loss = mse.loss
                dOutput = mse.gradient
            }
            var g = try core(context) { try AttentionGradient.backward(steps, q: q, k: k, v: v, wo: wo, dOutput: dOutput!) }
            g.loss = loss
            gradients = g
        }

        let (qn, kn, vn) = names
        if let g = gradients {
            if let loss = g.loss {
                try context.record("loss", Tensor.scalar(loss), formula: "loss = mean((output − \(try args.name("target")!))²) over all \(steps.output.count) entries")
                try context.record("d_output", g.dOutput, formula: "d_output = ∂loss/∂output = 2·(output − \(try args.name("target")!)) / \(steps.output.count)")
            } else {
                try context.record("d_output", g.dOutput, formula: "d_output = \(try args.name("grad")!) (given)")
            }
            if let dWo = g.dWo {
                try context.record("d_wo", dWo, formula: "d_wo = concatᵀ·d_output")
            }
            if let dConcat = g.dConcat {
                try context.record("d_concat", dConcat, formula: wo != nil ? "d_concat = d_output·\(woName ?? "Wo")ᵀ" : "d_concat = d_output")
            }
        }
        for (h, head) in steps.heads.enumerated() {
            let prefix = heads == 1 ? "" : "head\(h + 1)."
            let sub = heads == 1 ? "" : "ₕ"
            let upstreamName = heads == 1 ? (wo == nil ? "d_output" : "d_concat") : "d_concat\(sub)"
            let hg = gradients?.heads[h]
            if let hg {
                // SPEC §3: with heads, each gradient is under headN., d_output too: the head's
                // own columns of d_concat, which its d_weights and d_V are made from.
                if heads > 1 {
                    let width = hg.dOutput.cols
                    try context.record(prefix + "d_output", hg.dOutput, formula: "d_output = d_concat[:, \(h * width):\(h * width + width)]")
                }
                try context.record(prefix + "d_weights", hg.dWeights, formula: "d_weights = \(upstreamName)·\(vn)\(sub)ᵀ", role: .attention(weights: false))
                try context.record(prefix + "d_V", hg.dV, formula: "d_V = weightsᵀ·\(upstreamName)")
            }
            if let row = jacobianRow {
                let w = head.weights
                let label = w.rowLabels.map { " (\($0[row]))" } ?? ""
                try context.record(prefix + "jacobian", AttentionGradient.softmaxJacobian(w.row(row).data, labels: w.colLabels),
                                   formula: "J = diag(w) − w·wᵀ for w = row \(row)\(label) of weights: J[j, k] = w_j·(δ_jk − w_k)")
            }
            if let hg {
                try context.record(prefix + "d_scaled", hg.dScaled,
                                   formula: "d_scaled = weights ⊙ (d_weights − rowsum(d_weights ⊙ weights)) (the softmax Jacobian, row by row\(head.masked == nil ? "" : "; 0 where masked"))")
                try context.record(prefix + "d_scores", hg.dScores, formula: "d_scores = d_scaled × \(Runner.trimmed(steps.scale))", role: .attention(weights: false))
                try context.record(prefix + "d_Q", hg.dQ, formula: "d_Q = d_scores·\(kn)\(sub)")
                try context.record(prefix + "d_K", hg.dK, formula: "d_K = d_scoresᵀ·\(qn)\(sub)")
            }
        }
        if let g = gradients, heads > 1 {
            try context.record("d_Q", g.dQ, formula: "d_Q = [head1.d_Q | … | head\(heads).d_Q] (the shape of \(qn))")
            try context.record("d_K", g.dK, formula: "d_K = [head1.d_K | … | head\(heads).d_K] (the shape of \(kn))")
            try context.record("d_V", g.dV, formula: "d_V = [head1.d_V | … | head\(heads).d_V] (the shape of \(vn))")
        }
    }

    /// Runs a core computation, reporting its error at the step's info string.
    private static func core<T>(_ context: StepContext, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as TensorError { throw LessonError(e.message, at: context.block.infoPosition) }
    }
}
