import StepmarkCore

/// `backprop`: full-batch gradient descent on a network made by a `network` block.
///
/// The first epoch is shown in full — the forward values, the loss, and the gradients
/// `dW_n`, `db_n` from the last layer down (the chain rule) — then the loss of every epoch
/// in `history` and the weights after the last update. The updated network replaces the one
/// stored under `net=`, so a `forward` below uses the trained weights.
enum BackpropDirective: Directive {
    static let name = "backprop"
    static let summary = "train a network by backpropagation: the first epoch's gradients layer by layer, then the loss per epoch"
    static let body = "data lines `x1 x2 … -> y1 …`, one example per line"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("net", "net", "the name of the network (made by a network block); it is updated"),
        ArgumentSpec("lr", "0.1", "the learning rate, a positive number"),
        ArgumentSpec("epochs", "1", "the number of updates (each uses every example)"),
        ArgumentSpec("loss", "mse", "mse: mean((a − y)²); bce: binary cross-entropy (needs output=sigmoid)", choices: ["mse", "bce"]),
    ]
    static let subSteps = "for the first epoch z1, a1, …, loss, then dW_L, db_L, …, dW_1, db_1 (last layer first); then history (epoch, loss) and the updated W1, b1, …"
    static let example = """
        ```network layers=2,3,1 output=sigmoid
        ```

        ```backprop lr=2 epochs=2000
        0 0 -> 0
        0 1 -> 1
        1 0 -> 1
        1 1 -> 0
        ```
        """

    /// Epochs run between two looks at the lesson's time limit.
    static let chunk = 200

    static func run(_ context: StepContext) throws {
        let args = context.args
        let netName = try args.name("net", default: "net")!
        let netPosition = args.has("net") ? args.position(of: "net") : context.block.infoPosition
        let lr = try args.positiveNumber("lr", default: 0.1, why: "the size of each step downhill")
        let epochs = try args.integer("epochs", default: 1, in: 1...context.limits.maxSteps, limitFlag: "--max-steps")
        let lossKind = Network.Loss(rawValue: try args.choice("loss", ["mse", "bce"], default: "mse"))!
        let net = try NetworkValue.network(named: netName, in: context, at: netPosition)
        if lossKind == .bce, net.output != .sigmoid {
            throw LessonError("loss=bce needs outputs between 0 and 1: make the network with output=sigmoid (\(netName)'s output is \(net.output.rawValue))", at: args.position(of: "loss"))
        }
        let (x, y, firstLine) = try examples(context, net: net, netName: netName, loss: lossKind)

        // Train in chunks so that a long run respects the lesson's time limit.
        var first: BackpropSteps?
        var current = net
        var history: [Double] = []
        var stoppedAt: Int?
        var done = 0
        while done < epochs {
            try context.checkDeadline()
            let n = min(chunk, epochs - done)
            let part: BackpropSteps
            do {
                part = try current.backprop(inputs: x, targets: y, lr: lr, epochs: n, loss: lossKind,
                                            deadline: context.timeLimit)
            } catch let e as TensorError {
                // The time limit inside a chunk is an error, not a stop for non-finite values.
                if context.timeLimit.hasPassed { throw LessonError(e.message, at: context.block.infoPosition) }
                guard first != nil else { throw LessonError(e.message, at: firstLine) }
                stoppedAt = done
                break
            }
            if first == nil { first = part }
            let rows = part.history.rows
            for r in (history.isEmpty ? 0 : 1)..<rows {
                history += [part.history[r, 0] + Double(done), part.history[r, 1]]
            }
            current = part.network
            if let s = part.stoppedAt {
                stoppedAt = done + s
                break
            }
            done += n
        }
        guard let f = first else { return }

        let L = net.depth
        for (name, value, formula) in NetworkFormulas.forward(f.forward, net: net, input: "X") {
            try context.record(name, value, formula: formula)
        }
        let m = x.rows, k = y.cols
        let lossFormula = lossKind == .mse
            ? "loss = mean((a\(L) − y)²) over \(m) example\(m == 1 ? "" : "s") × \(k) output\(k == 1 ? "" : "s")"
            : "loss = −mean(y·log a\(L) + (1 − y)·log(1 − a\(L)))"
        try context.record("loss", .scalar(f.loss), formula: lossFormula)
        for n in stride(from: L, through: 1, by: -1) {
            let act = net.activation(ofLayer: n)
            let delta: String
            if n == L {
                switch lossKind {
                case .mse:
                    let derivative = act == .linear ? "" : " ⊙ \(act.rawValue)′(z\(n))"
                    delta = "δ\(n) = ∂loss/∂z\(n) = 2(a\(n) − y)/\(m * k)\(derivative)"
                case .bce:
                    delta = "δ\(n) = ∂loss/∂z\(n) = (a\(n) − y)/\(m * k)"
                }
            } else {
                delta = "δ\(n) = (δ\(n + 1)·W\(n + 1)ᵀ) ⊙ \(act.rawValue)′(z\(n))"
            }
            let previous = n == 1 ? "X" : "a\(n - 1)"
            try context.record("dW_\(n)", f.dW[n - 1], formula: "dW_\(n) = ∂loss/∂W\(n) = \(previous)ᵀ·δ\(n), with \(delta)")
            try context.record("db_\(n)", f.db[n - 1], formula: "db_\(n) = ∂loss/∂b\(n) = δ\(n) summed over the examples")
        }
        let historyTensor = Tensor(shape: [history.count / 2, 2], data: history, colLabels: ["epoch", "loss"])
        let ran = historyTensor.rows - 1
        try context.record("history", historyTensor, formula: "row e: the loss after e updates, each W ← W − \(Runner.format(lr))·dW and b ← b − \(Runner.format(lr))·db",
                           role: .curve(x: "epoch", y: "loss"))
        for (name, value) in current.namedValues {
            try context.record(name, value, formula: "\(name) after \(ran) update\(ran == 1 ? "" : "s")")
        }
        if let s = stoppedAt {
            context.warn("training stopped after \(s) of \(epochs) epochs: the loss or the gradients became too large to represent (∞); lr=\(Runner.format(lr)) is probably too large. The network keeps the last finite weights")
        }
        let losses = (0..<historyTensor.rows).map { historyTensor[$0, 1] }
        if losses.count > 1, let last = losses.last, last > losses[0] {
            context.warn("the loss grew from \(TrainDirective.format(losses[0])) to \(TrainDirective.format(last)): lr=\(Runner.format(lr)) may be too large")
        }
        context.setResult(.network(current), recorded: nil, storeAs: netName)
    }

    /// The examples of the body: inputs (m × fan_in, rows labelled) and targets (m × fan_out).
    private static func examples(_ context: StepContext, net: Network, netName: String, loss: Network.Loss)
        throws -> (Tensor, Tensor, SourcePosition) {
        let lines = NumberRows.dataLines(context.block)
        let fanIn = net.layers[0], fanOut = net.layers[net.layers.count - 1]
        let shape = "\(fanIn) input\(fanIn == 1 ? "" : "s") -> \(fanOut) target\(fanOut == 1 ? "" : "s")"
        guard let first = lines.first else {
            throw LessonError("backprop needs examples in its body, one per line: \(shape), like `0 1 -> 1`", at: context.block.infoPosition)
        }
        var xs: [Double] = [], ys: [Double] = [], labels: [String] = []
        for line in lines {
            let chars = Array(line.text)
            let stop = NumberRows.commentStart(chars)
            var arrow: (start: Int, end: Int)?
            var i = 0
            while i < stop {
                if chars[i] == "→" { arrow = (i, i + 1); break }
                if chars[i] == "-", i + 1 < stop, chars[i + 1] == ">" { arrow = (i, i + 2); break }
                i += 1
            }
            guard let arrow else {
                throw LessonError("expected inputs -> targets on this line, like `0 1 -> 1` (\(shape)), but there is no '->'", at: line.position(at: stop))
            }
            let inputs = try NumberRows.fields(line, from: 0, to: arrow.start)
            let targets = try NumberRows.fields(line, from: arrow.end, to: stop)
            guard inputs.count == fanIn else {
                throw LessonError("this example has \(inputs.count) input\(inputs.count == 1 ? "" : "s") but the network \(netName) takes \(fanIn) (W1 has shape \(net.weights[0].shapeDescription))", at: inputs.count > fanIn ? inputs[fanIn].position : line.position)
            }
            guard targets.count == fanOut else {
                throw LessonError("this example has \(targets.count) target\(targets.count == 1 ? "" : "s") after '->' but the network \(netName) has \(fanOut) output\(fanOut == 1 ? "" : "s")", at: targets.count > fanOut ? targets[fanOut].position : line.position(at: arrow.end))
            }
            if loss == .bce, let bad = targets.first(where: { !($0.value >= 0 && $0.value <= 1) }) {
                throw LessonError("loss=bce needs targets between 0 and 1, got \(bad.text)", at: bad.position)
            }
            xs += inputs.map(\.value)
            ys += targets.map(\.value)
            labels.append(NumberRows.label(inputs) + " → " + NumberRows.label(targets))
        }
        if xs.count + ys.count > context.limits.maxEntries {
            throw LessonError("the examples have \(xs.count + ys.count) entries, over the limit of \(context.limits.maxEntries) (raise it with --max-entries)", at: first.position)
        }
        let m = lines.count
        return (Tensor(shape: [m, fanIn], data: xs, rowLabels: labels),
                Tensor(shape: [m, fanOut], data: ys),
                first.position)
    }
}
