import FoundationEssentials
import StepmarkCore

/// `network`: a fully connected network — its layer sizes, activations and weights.
///
/// The weights start with SPEC §2's Xavier-uniform initialisation from `seed` (biases 0);
/// `W1 = ..`, `b1 = ..` body lines replace any of them and must fit the layer sizes. With
/// every `Wn` given, `layers=` may be left out: the sizes are read off the weights, which
/// must then chain (W(n+1) has one row per column of Wn).
///
/// The network is stored under `name` (default `net`) as a typed value that `forward` and
/// `backprop` read (see `NetworkValue`).
enum NetworkDirective: Directive {
    static let name = "network"
    static let summary = "a fully connected network: layer sizes, activations, and its weights Wn and biases bn"
    static let body = "empty, or W1 = …, b1 = … lines (expressions) that replace the random initial weights"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("layers", nil, "the layer sizes, inputs first, e.g. 2,3,1 (optional when every Wn is given)"),
        ArgumentSpec("activation", "sigmoid", "the hidden layers' activation: sigmoid, relu or tanh", choices: ["sigmoid", "relu", "tanh"]),
        ArgumentSpec("output", "linear", "the output layer's activation: linear or sigmoid", choices: ["linear", "sigmoid"]),
        ArgumentSpec("seed", "0", "the SplitMix64 seed of the Xavier-uniform initial weights"),
        ArgumentSpec("name", "net", "the name the network is stored under"),
    ]
    static let subSteps = "W1, b1, W2, b2, … (each Wn is fan_in × fan_out)"
    static let example = """
        ```network layers=2,3,1 activation=sigmoid output=sigmoid seed=0
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        let hidden = Network.Activation(rawValue: try args.choice("activation", ["sigmoid", "relu", "tanh"], default: "sigmoid"))!
        let output = Network.Activation(rawValue: try args.choice("output", ["linear", "sigmoid"], default: "linear"))!
        let seed = try args.integer("seed", default: 0, in: 0...999_999_999_999_999)
        let storeName = try args.name("name", default: "net")!

        // The body: Wn = …, bn = … lines, evaluated in order.
        var givenW: [Int: (Tensor, SourcePosition, String)] = [:]
        var givenB: [Int: (Tensor, SourcePosition, String)] = [:]
        for a in try context.assignments() {
            let at = a.line.position(at: a.line.text.prefix { $0 == " " || $0 == "\t" }.count)
            let kind = a.name.first!
            guard kind == "W" || kind == "b", let n = Int(a.name.dropFirst()), n >= 1, a.name.dropFirst().first != "0" else {
                throw LessonError("a network block assigns only weights W1, W2, … and biases b1, b2, …; '\(a.name)' belongs in a let block", at: at)
            }
            if (kind == "W" ? givenW[n] : givenB[n]) != nil {
                throw LessonError("\(a.name) is given twice", at: at)
            }
            let t = try context.tensor(context.evaluator.evaluate(a.expr), .numbers, at: at) { "\(a.name) must be numbers, but it is \($0)" }
            if kind == "W" { givenW[n] = (t, at, a.source) } else { givenB[n] = (t, at, a.source) }
        }

        let layers = try layerSizes(context, givenW: givenW)
        let text = layers.map(String.init).joined(separator: ",")
        let depth = layers.count - 1

        // Each given value must fit the layers.
        for (n, (W, at, _)) in givenW.sorted(by: { $0.key < $1.key }) {
            guard n <= depth else {
                throw LessonError("W\(n) does not exist: layers=\(text) has W1 … W\(depth)", at: at)
            }
            let need = [layers[n - 1], layers[n]]
            guard W.shape == need else {
                throw LessonError("W\(n) has shape \(W.shapeDescription) but layers=\(text) needs \(Tensor.describe(need)) (fan_in \(need[0]) × fan_out \(need[1]))", at: at)
            }
            guard W.isFinite else { throw LessonError("W\(n) contains a value that is not a finite number", at: at) }
        }
        for (n, (b, at, _)) in givenB.sorted(by: { $0.key < $1.key }) {
            guard n <= depth else {
                throw LessonError("b\(n) does not exist: layers=\(text) has b1 … b\(depth)", at: at)
            }
            let width = layers[n]
            let ok = (b.isVector && b.count == width) || (b.isMatrix && b.rows == 1 && b.cols == width)
                || (b.isScalar && width == 1)
            guard ok else {
                throw LessonError("b\(n) has shape \(b.shapeDescription) but layers=\(text) needs \(Tensor.describe([width])) (one entry per unit of layer \(n))", at: at)
            }
            guard b.isFinite else { throw LessonError("b\(n) contains a value that is not a finite number", at: at) }
        }

        var net = try Network(layers: layers, hidden: hidden, output: output, seed: UInt64(seed),
                              deadline: context.timeLimit)
        net = try net.replacing(weights: givenW.mapValues(\.0), biases: givenB.mapValues(\.0))

        for (name, value) in net.namedValues {
            try context.timeLimit.check("the values of the network")
            let n = Int(name.dropFirst())!
            let formula: String
            if name.hasPrefix("W") {
                if let given = givenW[n] {
                    formula = "W\(n) = \(given.2)"
                } else {
                    let fanIn = layers[n - 1], fanOut = layers[n]
                    formula = "W\(n): \(fanIn)×\(fanOut), Xavier uniform (2u − 1)·√(6 / (\(fanIn) + \(fanOut))), seed \(seed)"
                }
            } else {
                formula = givenB[n].map { "b\(n) = \($0.2)" } ?? "b\(n) = 0"
            }
            try context.record(name, value, formula: formula)
        }
        context.setResult(.network(net), recorded: nil, storeAs: storeName)
    }

    /// The most numbers (8 bytes each) the machine's memory holds.
    static var memoryEntries: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory / 8) }

    /// The layer sizes from `layers=`, or read off the given weights when it is absent.
    private static func layerSizes(_ context: StepContext, givenW: [Int: (Tensor, SourcePosition, String)]) throws -> [Int] {
        let args = context.args
        if let layers = try args.integers("layers") {
            let at = args.position(of: "layers")
            let text = layers.map(String.init).joined(separator: ",")
            guard layers.count >= 2 else {
                throw LessonError("layers=\(text) needs at least two sizes, inputs and outputs, like layers=2,3,1", at: at)
            }
            if let i = layers.firstIndex(where: { $0 < 1 }) {
                throw LessonError("layers=\(text): layer \(i) has \(layers[i]) units, but every layer needs at least 1", at: at)
            }
            if let i = layers.indices.dropLast().first(where: { layers[$0] > context.limits.maxEntries / layers[$0 + 1] }) {
                throw LessonError("layers=\(text): W\(i + 1) would have \(layers[i]) × \(layers[i + 1]) entries, over the limit of \(context.limits.maxEntries) (raise it with --max-entries)", at: at)
            }
            // Every weight and bias together, before any is drawn: each Wn is under the value
            // limit, but hundreds of layers could still ask for more memory than there is, or
            // more than the lesson may record (each Wn and bn is a recorded value).
            var total = 0
            for i in layers.indices.dropLast() {
                let (w, o1) = layers[i].multipliedReportingOverflow(by: layers[i + 1])
                let (t, o2) = total.addingReportingOverflow(w)
                let (tb, o3) = t.addingReportingOverflow(layers[i + 1])
                if o1 || o2 || o3 || tb > memoryEntries {
                    throw LessonError("layers=\(text): the weights and biases up to layer \(i + 1) would have more than \(memoryEntries) entries in all, more than this machine's memory holds", at: at)
                }
                total = tb
            }
            if total > context.limits.maxLessonEntries {
                throw LessonError("layers=\(text): the weights and biases would have \(total) entries in all, over the lesson's limit of \(context.limits.maxLessonEntries) (\(Limits.lessonEntriesFactor) × the value limit; raise it with --max-entries)", at: at)
            }
            return layers
        }
        guard !givenW.isEmpty else {
            throw LessonError("network needs its layer sizes, like layers=2,3,1 (inputs, hidden units, outputs), or W1 = …, W2 = … lines", at: context.block.infoPosition)
        }
        let depth = givenW.keys.max()!
        for n in 1...depth where givenW[n] == nil {
            throw LessonError("without layers= every weight W1 … W\(depth) must be given, but W\(n) is missing; add layers=… to start the others at random", at: context.block.infoPosition)
        }
        var layers: [Int] = []
        for n in 1...depth {
            let (W, at, _) = givenW[n]!
            guard W.isMatrix else {
                throw LessonError("W\(n) must be a matrix (fan_in × fan_out), got shape \(W.shapeDescription)\(W.isVector ? "; write one column as [[…], […]]" : "")", at: at)
            }
            if n == 1 {
                layers.append(W.rows)
            } else if W.rows != layers[n - 1] {
                let previous = givenW[n - 1]!.0
                throw LessonError("the layer sizes do not chain: W\(n) has shape \(W.shapeDescription) but W\(n - 1) has shape \(previous.shapeDescription), so W\(n) needs \(previous.cols) rows, one per output of layer \(n - 1)", at: at)
            }
            layers.append(W.cols)
        }
        return layers
    }
}

/// How a network lives in the environment: typed (`Value.network`), so `forward` and
/// `backprop` get the very `Network` that `network` made, with no fields to read back.
enum NetworkValue {
    /// The network stored under `name`.
    /// - Throws: when the name is undefined or holds something else than a network.
    static func network(named name: String, in context: StepContext, at position: SourcePosition) throws -> Network {
        let value = try context.environment.lookup(name, at: position)
        guard case .network(let net) = value else {
            throw LessonError("'\(name)' is \(value.summary), not a network; make one above with a network block (```network layers=2,3,1```)", at: position)
        }
        return net
    }
}
