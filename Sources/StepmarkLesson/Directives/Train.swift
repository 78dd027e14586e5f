import FoundationEssentials
import StepmarkCore

/// `train`: gradient descent on the one-neuron model ŷ = w·x (+ b) with the mean squared
/// error, every step in `history`.
///
/// The data are one point from `x=` and `y=` (numbers, lists of numbers, or names of vectors)
/// or many points from `x y` body lines — not both. The result is the final `w`, stored under
/// the name `w`; the final `b` and `loss` are sub-steps (use `check=b` or `check=loss` for
/// an exercise) but are not stored, so a lesson's own `b` or `loss` is never overwritten.
/// A learning rate too large is shown honestly: the loss grows, a warning names the step it
/// started growing at and the learning rate below which this data converges, and values that
/// overflow show as ∞ (training stops there, never producing NaN).
enum TrainDirective: Directive {
    static let name = "train"
    static let summary = "gradient descent on one neuron ŷ = w·x (+ b) with the squared error, step by step"
    static let body = "empty (with x= and y=), or data lines `x y`, one point per line"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("x", nil, "the input: a number, a list [1, 2, 3] or the name of a vector (instead of body lines)"),
        ArgumentSpec("y", nil, "the target: a number, a list or the name of a vector, as many as x"),
        ArgumentSpec("w", "0.5", "the initial weight"),
        ArgumentSpec("b", "0", "the initial bias (held fixed unless bias=true)"),
        ArgumentSpec("bias", "false", "also learn the bias b", choices: ["true", "false"]),
        ArgumentSpec("lr", "0.1", "the learning rate, a positive number"),
        ArgumentSpec("steps", "10", "the number of updates (0 only evaluates the start)"),
        ArgumentSpec("history", nil, "also store the history table under this name, for `plot` (NAME.loss) or expressions"),
    ]
    static let subSteps = "history (columns step, w, b, loss, grad_w, grad_b; rows for steps 0…N), w, b, loss"
    static let example = """
        ```train x=2 y=3 w=0.5 lr=0.1 steps=10
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        let (xs, ys) = try data(context)
        let w0 = try args.number("w", default: 0.5)
        let b0 = try args.number("b", default: 0)
        for (key, v) in [("w", w0), ("b", b0)] where !v.isFinite {
            throw LessonError("\(key)= must be a finite number, got \(v)", at: args.position(of: key))
        }
        let bias = try args.bool("bias", default: false)
        let lr = try args.positiveNumber("lr", default: 0.1, why: "the size of each step downhill")
        let steps = try args.integer("steps", default: 10, in: 0...context.limits.maxSteps, limitFlag: "--max-steps")
        let historyName = try args.name("history")
        try context.checkDeadline()

        let run = try LinearRegression.train(xs: xs, ys: ys, w: w0, b: b0, bias: bias, lr: lr, steps: steps,
                                             checkpoint: context.checkDeadline)

        let lrText = Runner.format(lr)
        let model = bias || b0 != 0 ? "ŷ = w·x + b" : "ŷ = w·x"
        var rule = "\(model), loss = mean((ŷ − y)²), grad_w = mean(2(ŷ − y)·x), grad_b = mean(2(ŷ − y))"
        rule += "; w ← w − \(lrText)·grad_w"
        if bias { rule += ", b ← b − \(lrText)·grad_b" }
        let updates = run.history.rows - 1
        try context.record("history", run.history, formula: "row k: the parameters before update k+1 and the loss and gradients there; \(rule)",
                           role: .curve(x: "step", y: "loss"))
        try context.record("w", Tensor.scalar(run.w), formula: "w after \(updates) update\(updates == 1 ? "" : "s")")
        try context.record("b", Tensor.scalar(run.b), formula: bias ? "b after \(updates) update\(updates == 1 ? "" : "s")" : "b = \(Runner.format(b0)) (fixed: bias=false)")
        try context.record("loss", Tensor.scalar(run.loss), formula: "loss = mean((\(bias || b0 != 0 ? "w·x + b" : "w·x") − y)²) at the final w\(bias ? " and b" : "")")
        for warning in warnings(run, xs: xs, bias: bias, lr: lr, steps: steps) { context.warn(warning) }
        // Several runs kept side by side (history=slow, history=fast) can be plotted together.
        if let historyName { context.define(historyName, .tensor(run.history)) }
        context.setResult(.tensor(.scalar(run.w)), recorded: "w", storeAs: "w")
    }

    /// The data points: from `x=`/`y=`, or from `x y` body lines.
    private static func data(_ context: StepContext) throws -> ([Double], [Double]) {
        let args = context.args
        let lines = NumberRows.dataLines(context.block)
        if args.has("x") || args.has("y") {
            if let first = lines.first {
                throw LessonError("give the data either as x= and y= or as `x y` lines in the body, not both", at: first.position)
            }
            guard args.has("x") else { throw LessonError("y= is given but x= is missing; train needs both", at: args.position(of: "y")) }
            guard args.has("y") else { throw LessonError("x= is given but y= is missing; train needs both", at: args.position(of: "x")) }
            let xs = try numbers(context, "x"), ys = try numbers(context, "y")
            guard xs.count == ys.count else {
                throw LessonError("x= has \(xs.count) value\(xs.count == 1 ? "" : "s") but y= has \(ys.count); train needs one y per x", at: args.position(of: "y"))
            }
            return (xs, ys)
        }
        guard !lines.isEmpty else {
            throw LessonError("train needs data: x= and y= (like x=2 y=3), or `x y` lines in the body, one point per line", at: context.block.infoPosition)
        }
        var xs: [Double] = [], ys: [Double] = []
        for line in lines {
            let row = try NumberRows.fields(line)
            guard row.count == 2 else {
                throw LessonError("each data line holds two numbers, x and y; this one has \(row.count)", at: row.count > 2 ? row[2].position : line.position)
            }
            xs.append(row[0].value)
            ys.append(row[1].value)
        }
        return (xs, ys)
    }

    /// `x=` or `y=`: a number, a list of numbers, or the name of a number or vector.
    private static func numbers(_ context: StepContext, _ key: String) throws -> [Double] {
        let args = context.args
        let at = args.position(of: key)
        let out: [Double]
        switch args.raw(key)! {
        case .number(let v, _):
            out = [v]
        case .list(let items):
            out = try items.map { item in
                guard case .number(let v, _) = item else {
                    throw LessonError("\(key)= expects numbers, like \(key)=[1, 2, 3]; '\(item)' is not a number", at: at)
                }
                return v
            }
        case .word(let name):
            out = try context.tensor(named: name, .numberOrVector, at: at) { "\(key)= must name a number or a vector, but \(name) is \($0)" }.data
        case .string:
            throw LessonError("\(key)= expects a number, a list of numbers or a name, got a quoted string", at: at)
        }
        guard !out.isEmpty else { throw LessonError("\(key)= needs at least one number", at: at) }
        if let bad = out.first(where: { !$0.isFinite }) {
            throw LessonError("\(key)= must hold finite numbers, got \(bad)", at: at)
        }
        return out
    }

    /// The warnings of a run whose loss grew.
    static func warnings(_ run: TrainSteps, xs: [Double], bias: Bool, lr: Double, steps: Int) -> [String] {
        let h = run.history
        let loss = (0..<h.rows).map { h[$0, 3] }
        var bound = ""
        if let limit = stableLearningRate(xs: xs, bias: bias) {
            bound = "; with this data gradient descent settles only for lr below \(format(limit))"
        }
        // A loss that overflows before the first update says nothing of lr: the data or the
        // starting weights are too large for a Double ((w·x − y)² past 1.8e308).
        if let first = loss.first, !first.isFinite {
            return ["the loss at the starting values is already too large to represent (∞), so no update was run: (w·x − y)² overflows for these x=, y= and starting w= and b=; use smaller numbers"]
        }
        let stopped = run.stoppedAt.map {
            "training stopped after step \($0) of \(steps): the numbers became too large to represent (∞), so the remaining updates were not run"
        }
        // x² past 1.8e308: no learning rate is small enough, and the bound below would read
        // "lr below 0" (a review of this stop's change).
        if run.divergedAt != nil || run.stoppedAt != nil, !xs.reduce(0, { $0 + $1 * $1 }).isFinite {
            return ["the x values are too large: x² overflows (over 1.8e308), so no lr lets gradient descent settle; use smaller numbers"] + [stopped].compactMap { $0 }
        }
        var out: [String] = []
        if let k = run.divergedAt {
            // The step at which the loss started growing without stopping.
            var start = min(k, loss.count - 1)
            while start > 0, loss[start] > loss[start - 1] || !loss[start].isFinite { start -= 1 }
            start = min(start + 1, loss.count - 1)
            let from = loss[max(start - 1, 0)], to = loss[start]
            out.append("the loss grows: from step \(start) on it rises at every step (\(format(from)) → \(format(to))): lr=\(Runner.format(lr)) is too large, so each update overshoots the minimum\(bound)")
        } else if loss.count > 1, let last = loss.last, last > loss[0] {
            out.append("the loss grew from \(format(loss[0])) at step 0 to \(format(last)) at step \(loss.count - 1): lr=\(Runner.format(lr)) may be too large\(bound)")
        }
        if let stopped { out.append(stopped) }
        return out
    }

    /// The largest learning rate for which gradient descent converges on this data: the
    /// update multiplies the error by I − lr·H with H = 2·[[mean x², mean x], [mean x, 1]]
    /// (just 2·mean x² without a bias), so it needs lr < 1 / λ_max(H / 2).
    static func stableLearningRate(xs: [Double], bias: Bool) -> Double? {
        let n = Double(xs.count)
        let mx2 = xs.reduce(0) { $0 + $1 * $1 } / n
        guard bias else { return mx2 > 0 ? 1 / mx2 : nil }
        let mx = xs.reduce(0, +) / n
        // Largest eigenvalue of [[mx2, mx], [mx, 1]].
        let trace = mx2 + 1, det = mx2 - mx * mx
        let lambda = trace / 2 + sqrt(max(trace * trace / 4 - det, 0))
        return lambda > 0 ? 1 / lambda : nil
    }

    static func format(_ x: Double) -> String {
        if x == .infinity { return "∞" }
        if x == -.infinity { return "−∞" }
        if x != 0, abs(x) >= 1e6 || abs(x) < 1e-4 { return DecimalFormat.general(x, significant: 3) }
        return Runner.trimmed(x)
    }
}
