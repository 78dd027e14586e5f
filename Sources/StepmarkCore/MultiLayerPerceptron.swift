import FoundationEssentials

/// The values of one forward pass through a `Network` (SPEC §3 `forward`).
///
/// For layer n = 1 … L: `z_n = a_{n−1}·W_n + b_n` (the bias row repeats over the examples) and
/// `a_n = act_n(z_n)`, with `a_0` the inputs. Every matrix has one row per example and keeps
/// the input's row labels.
public struct ForwardSteps: Sendable, Equatable {
    /// `a_0`: the inputs as an examples × fan_in matrix.
    public var inputs: Tensor
    /// `z_1 … z_L` (index 0 is z1): the pre-activations, examples × fan_out of each layer.
    public var z: [Tensor]
    /// `a_1 … a_L` (index 0 is a1): the activations; `a.last` is the output.
    public var a: [Tensor]

    /// `a_L`, the network's output.
    public var output: Tensor { a[a.count - 1] }

    /// The sub-steps in SPEC order: `z1`, `a1`, `z2`, `a2`, …
    public var namedValues: [(name: String, value: Tensor)] {
        var out: [(name: String, value: Tensor)] = []
        for n in 0..<z.count {
            out.append(("z\(n + 1)", z[n]))
            out.append(("a\(n + 1)", a[n]))
        }
        return out
    }
}

/// The values of `Network.backprop` (SPEC §3 `backprop`).
public struct BackpropSteps: Sendable, Equatable {
    /// The forward pass of the first epoch, with the initial weights.
    public var forward: ForwardSteps
    /// The loss of the first epoch (initial weights, before any update).
    public var loss: Double
    /// `∂loss/∂z_n` for n = 1 … L (index 0 is layer 1) in the first epoch — the "delta" of
    /// each layer, examples × fan_out.
    public var deltas: [Tensor]
    /// `∂loss/∂W_n` (index 0 is dW1), fan_in × fan_out, in the first epoch.
    public var dW: [Tensor]
    /// `∂loss/∂b_n` (index 0 is db1), vectors of fan_out entries, in the first epoch.
    public var db: [Tensor]
    /// `(E + 1) × 2`, columns `epoch`, `loss`: row e holds the loss after e updates, that is
    /// before the update of epoch e + 1, and the last row (epoch = E) the loss of the returned
    /// network. It ends earlier when training stopped (see `stoppedAt`).
    public var history: Tensor
    /// The network after the updates (the last finite weights when training stopped early).
    public var network: Network
    /// The number of updates after which training stopped because the loss, a gradient or an
    /// updated weight was not finite; `nil` when all epochs ran. `history` then ends with the
    /// row of epoch `stoppedAt`, whose loss is +∞ when the loss overflowed (also when overflow
    /// left the outputs undefined, so NaN never appears) and finite when only the gradients or
    /// the update overflowed; `network` holds the weights of that epoch.
    public var stoppedAt: Int?

    /// The sub-steps in SPEC order: `z1`, `a1`, …, `loss`, then `dW_L`, `db_L`, …, `dW_1`,
    /// `db_1` (from the last layer down), `history`, then the updated `W1`, `b1`, … .
    public var namedValues: [(name: String, value: Tensor)] {
        var out = forward.namedValues
        out.append(("loss", .scalar(loss)))
        for n in stride(from: dW.count - 1, through: 0, by: -1) {
            out.append(("dW\(n + 1)", dW[n]))
            out.append(("db\(n + 1)", db[n]))
        }
        out.append(("history", history))
        out += network.namedValues
        return out
    }
}

/// A fully connected network (multi-layer perceptron) with SPEC's conventions: layer n maps
/// `a_{n−1}` (examples × fan_in) to `a_n = act(a_{n−1}·W_n + b_n)` with `W_n` of shape
/// fan_in × fan_out and `b_n` a vector of fan_out entries. Hidden layers share one
/// activation; the last layer has its own.
public struct Network: Sendable, Equatable {
    /// An element-wise activation function.
    public enum Activation: String, Sendable, CaseIterable {
        /// `z` (derivative 1). Output layers only.
        case linear
        /// `1 / (1 + e^(−z))` (derivative `a(1 − a)`).
        case sigmoid
        /// `max(0, z)` (derivative 1 for z > 0, else 0 — 0 at z = 0, as in PyTorch). Hidden only.
        case relu
        /// `tanh z` (derivative `1 − a²`). Hidden only.
        case tanh

        /// The activation of `z`.
        public func apply(_ z: Double) -> Double {
            switch self {
            case .linear: return z
            case .sigmoid: return z >= 0 ? 1 / (1 + Glibc.exp(-z)) : Glibc.exp(z) / (1 + Glibc.exp(z))
            case .relu: return z > 0 ? z : 0
            case .tanh: return Glibc.tanh(z)
            }
        }

        /// `d act / dz` at `z`, given `a = act(z)`.
        public func derivative(z: Double, a: Double) -> Double {
            switch self {
            case .linear: return 1
            case .sigmoid: return a * (1 - a)
            case .relu: return z > 0 ? 1 : 0
            case .tanh: return 1 - a * a
            }
        }
    }

    /// The loss that `backprop` minimises.
    public enum Loss: String, Sendable, CaseIterable {
        /// `mean((a − y)²)` over all examples × outputs.
        case mse
        /// Binary cross-entropy `−mean(y·log a + (1 − y)·log(1 − a))`; needs a sigmoid output.
        case bce
    }

    /// The layer widths, inputs first: `[2, 3, 1]` has 2 inputs, 3 hidden units, 1 output.
    public private(set) var layers: [Int]
    /// `W1 … W_L` (index 0 is W1), each fan_in × fan_out.
    public private(set) var weights: [Tensor]
    /// `b1 … b_L` (index 0 is b1), each a vector of fan_out entries.
    public private(set) var biases: [Tensor]
    /// The activation of every hidden layer: sigmoid, relu or tanh.
    public let hidden: Activation
    /// The activation of the last layer: linear or sigmoid.
    public let output: Activation

    /// A network with SPEC §2's initialisation: one `SplitMix64(seed)` stream draws
    /// Xavier-uniform W1, then W2, …, each row-major, `(2u − 1)·√(6 / (fan_in + fan_out))`;
    /// every bias is 0.
    /// - Throws: when there are fewer than two layers, a width is below 1, or an activation is
    ///   not allowed where it is used.
    /// - Parameter deadline: checked before each layer's weights are drawn.
    public init(layers: [Int], hidden: Activation = .sigmoid, output: Activation = .linear, seed: UInt64 = 0,
                deadline: Deadline = .none) throws {
        try Network.checkActivations(hidden: hidden, output: output)
        guard layers.count >= 2 else {
            throw TensorError("a network needs at least two layers (inputs and outputs), got \(layers.count): layers=\(layers.map(String.init).joined(separator: ","))")
        }
        if let i = layers.firstIndex(where: { $0 < 1 }) {
            throw TensorError("layer \(i) of layers=\(layers.map(String.init).joined(separator: ",")) has \(layers[i]) units; every layer needs at least 1")
        }
        var g = SplitMix64(seed: seed)
        var weights: [Tensor] = [], biases: [Tensor] = []
        for n in 1..<layers.count {
            try deadline.check("the weights W\(n) of the network")
            weights.append(g.xavier(fanIn: layers[n - 1], fanOut: layers[n]))
            biases.append(.vector([Double](repeating: 0, count: layers[n])))
        }
        self.layers = layers
        self.weights = weights
        self.biases = biases
        self.hidden = hidden
        self.output = output
    }

    /// A network with the given weights (index 0 is W1) and biases (nil, or a nil entry, means
    /// zeros). A bias may be a vector or a 1 × fan_out matrix; it is stored as a vector.
    /// - Parameter layers: when given, the widths the weights must have.
    /// - Throws: when a weight is not a matrix, when W_n's rows differ from W_{n−1}'s columns,
    ///   when a bias does not have W_n's column count of entries, when a value is not finite,
    ///   or when the shapes differ from `layers` — each message names the layer and both shapes.
    public init(weights: [Tensor], biases: [Tensor?]? = nil, hidden: Activation = .sigmoid,
                output: Activation = .linear, layers: [Int]? = nil) throws {
        try Network.checkActivations(hidden: hidden, output: output)
        guard !weights.isEmpty else { throw TensorError("a network needs at least one weight matrix W1") }
        if let biases, biases.count != weights.count {
            throw TensorError("the network has \(weights.count) weight matrices but \(biases.count) biases")
        }
        let asked = layers.map { $0.map(String.init).joined(separator: ",") }
        if let layers, let asked, layers.count != weights.count + 1 {
            throw TensorError("layers=\(asked) needs \(layers.count - 1) weight matri\(layers.count == 2 ? "x" : "ces"), got \(weights.count)")
        }
        var widths: [Int] = []
        for (i, W) in weights.enumerated() {
            let n = i + 1
            guard W.isMatrix else {
                let hint = W.isVector ? "; write a column as [[…], […]]" : ""
                throw TensorError("W\(n) must be a matrix (fan_in × fan_out), got \(W.isVector ? "a vector of shape " : "")\(W.shapeDescription)\(hint)")
            }
            if let layers, let asked, W.shape != [layers[i], layers[n]] {
                throw TensorError("W\(n) has shape \(W.shapeDescription) but layers=\(asked) needs \(Tensor.describe([layers[i], layers[n]]))")
            }
            guard W.shape[0] >= 1, W.shape[1] >= 1 else {
                throw TensorError("W\(n) has shape \(W.shapeDescription); every layer needs at least 1 unit")
            }
            if i == 0 {
                widths = [W.shape[0]]
            } else if W.shape[0] != widths[i] {
                throw TensorError("W\(n) has shape \(W.shapeDescription) but W\(i) has shape \(weights[i - 1].shapeDescription): W\(n) needs \(widths[i]) rows, one per output of layer \(i)")
            }
            widths.append(W.shape[1])
            guard W.isFinite else { throw TensorError("W\(n) contains a value that is not a finite number") }
        }
        var bs: [Tensor] = []
        for (i, W) in weights.enumerated() {
            let n = i + 1
            var bias = Tensor.vector([Double](repeating: 0, count: W.shape[1]))
            if let given = biases?[i] {
                let ok = (given.isVector && given.shape[0] == W.shape[1])
                    || (given.isMatrix && given.shape[0] == 1 && given.shape[1] == W.shape[1])
                    || (given.isScalar && W.shape[1] == 1)
                guard ok else {
                    throw TensorError("b\(n) has shape \(given.shapeDescription) but W\(n) has shape \(W.shapeDescription): b\(n) needs \(W.shape[1]) entries, one per output of layer \(n)")
                }
                guard given.isFinite else { throw TensorError("b\(n) contains a value that is not a finite number") }
                bias = Tensor(shape: [W.shape[1]], data: given.data, rowLabels: given.isVector ? given.rowLabels : given.colLabels)
            }
            bs.append(bias)
        }
        self.layers = widths
        self.weights = weights
        self.biases = bs
        self.hidden = hidden
        self.output = output
    }

    /// The same network with some layers' weights or biases replaced (keys are 1-based layer
    /// numbers: `[1: W1]`), as a `network` block with `W1 = ..` lines does after the random
    /// initialisation. Biases may be vectors or 1 × fan_out matrices.
    /// - Throws: when a layer number does not exist or a shape does not fit the layers.
    public func replacing(weights newWeights: [Int: Tensor] = [:], biases newBiases: [Int: Tensor] = [:]) throws -> Network {
        for n in newWeights.keys.sorted() where !(1...depth).contains(n) {
            throw TensorError("W\(n) does not exist: layers=\(layers.map(String.init).joined(separator: ",")) has W1 … W\(depth)")
        }
        for n in newBiases.keys.sorted() where !(1...depth).contains(n) {
            throw TensorError("b\(n) does not exist: layers=\(layers.map(String.init).joined(separator: ",")) has b1 … b\(depth)")
        }
        var ws = weights
        var bs: [Tensor?] = biases
        for (n, W) in newWeights { ws[n - 1] = W }
        for (n, b) in newBiases { bs[n - 1] = b }
        return try Network(weights: ws, biases: bs, hidden: hidden, output: output, layers: layers)
    }

    private static func checkActivations(hidden: Activation, output: Activation) throws {
        guard hidden != .linear else {
            throw TensorError("the hidden activation must be sigmoid, relu or tanh, got linear")
        }
        guard output == .linear || output == .sigmoid else {
            throw TensorError("the output activation must be linear or sigmoid, got \(output.rawValue)")
        }
    }

    /// The number of weight layers L (`layers.count − 1`).
    public var depth: Int { weights.count }

    /// The activation of layer n (1-based).
    public func activation(ofLayer n: Int) -> Activation { n == depth ? output : hidden }

    /// `W1`, `b1`, `W2`, `b2`, … — the network's sub-steps (SPEC §3 `network`).
    public var namedValues: [(name: String, value: Tensor)] {
        var out: [(name: String, value: Tensor)] = []
        for n in 0..<depth {
            out.append(("W\(n + 1)", weights[n]))
            out.append(("b\(n + 1)", biases[n]))
        }
        return out
    }

    // MARK: Forward

    /// The forward pass `z_n = a_{n−1}·W_n + b_n`, `a_n = act_n(z_n)` for every layer.
    ///
    /// - Parameter inputs: examples × fan_in; a vector of fan_in entries is one example.
    /// - Throws: when the input width differs from the network's, there is no example, or an
    ///   input is not finite.
    /// - Parameter deadline: checked before each layer.
    public func forward(_ inputs: Tensor, deadline: Deadline = .none) throws -> ForwardSteps {
        let x = try checkedInputs(inputs)
        return try pass(x, deadline: deadline)
    }

    private func checkedInputs(_ inputs: Tensor) throws -> Tensor {
        guard !inputs.isScalar || layers[0] == 1 else {
            throw TensorError("the network takes \(layers[0]) inputs per example, got a scalar")
        }
        let x = inputs.isVector
            ? Tensor(shape: [1, inputs.shape[0]], data: inputs.data, colLabels: inputs.rowLabels)
            : inputs.asMatrix()
        guard x.rows >= 1 else { throw TensorError("the network needs at least one input example") }
        guard x.cols == layers[0] else {
            throw TensorError("the network takes \(layers[0]) input\(layers[0] == 1 ? "" : "s") per example (W1 has shape \(weights[0].shapeDescription)), but the inputs have shape \(inputs.shapeDescription) (\(x.cols) per example)")
        }
        if let i = x.data.firstIndex(where: { !$0.isFinite }) {
            throw TensorError("input example \(i / x.cols + 1) contains a value that is not a finite number (\(x.data[i]))")
        }
        return x
    }

    /// The forward pass on a checked examples × fan_in matrix.
    private func pass(_ x: Tensor, deadline: Deadline) throws -> ForwardSteps {
        var zs: [Tensor] = [], as_: [Tensor] = []
        var prev = x
        for n in 0..<depth {
            try deadline.check("layer \(n + 1) of the network")
            let W = weights[n], m = prev.rows, k = W.shape[0], out = W.shape[1]
            var z = Matmul.multiply(prev.data, W.data, m: m, k: k, n: out)
            let bias = biases[n].data
            for i in 0..<m { for j in 0..<out { z[i * out + j] += bias[j] } }
            let act = activation(ofLayer: n + 1)
            let a = z.map(act.apply)
            let zt = Tensor(shape: [m, out], data: z, rowLabels: x.rowLabels)
            let at = Tensor(shape: [m, out], data: a, rowLabels: x.rowLabels)
            zs.append(zt)
            as_.append(at)
            prev = at
        }
        return ForwardSteps(inputs: x, z: zs, a: as_)
    }

    // MARK: Loss

    /// The clamp applied to a sigmoid output inside the logarithms of `bce` when only the
    /// outputs are known (no logits).
    public static let bceEpsilon = 1e-12

    /// The loss of `outputs` against `targets` (same shape): for `mse`, `mean((a − y)²)` over
    /// every entry; for `bce`, `−mean(y·log a + (1 − y)·log(1 − a))`.
    ///
    /// With `logits` (the output layer's z, where a = σ(z)), bce is computed from them in the
    /// stable form of PyTorch's `BCEWithLogitsLoss`, `max(z, 0) − y·z + log(1 + e^(−|z|))`: the
    /// same function without a clamp, finite for every finite z, and its derivative with
    /// respect to z is exactly `σ(z) − y = a − y`, the gradient `backprop` uses. (A clamped loss
    /// with that gradient were two different functions: at a saturated output the loss stood
    /// still while the gradient moved.) Without logits, a is clamped to [1e-12, 1 − 1e-12]
    /// inside the logarithms.
    public static func loss(_ outputs: Tensor, _ targets: Tensor, _ kind: Loss, logits: Tensor? = nil) -> Double {
        let count = Double(outputs.count)
        var s = 0.0
        switch kind {
        case .mse:
            for i in 0..<outputs.count {
                let d = outputs.data[i] - targets.data[i]
                s += d * d
            }
            return s / count
        case .bce:
            if let z = logits, z.count == outputs.count {
                for i in 0..<z.count {
                    let zi = z.data[i], y = targets.data[i]
                    s += Swift.max(zi, 0) - y * zi + Glibc.log1p(Glibc.exp(-abs(zi)))
                }
                return s / count
            }
            for i in 0..<outputs.count {
                let a = Swift.min(Swift.max(outputs.data[i], bceEpsilon), 1 - bceEpsilon)
                let y = targets.data[i]
                s += y * Glibc.log(a) + (1 - y) * Glibc.log(1 - a)
            }
            return -s / count
        }
    }

    /// The loss of the network's outputs for `inputs` against `targets`.
    /// - Throws: as `backprop` does for mismatched shapes.
    public func loss(inputs: Tensor, targets: Tensor, loss kind: Loss = .mse) throws -> Double {
        let x = try checkedInputs(inputs)
        let y = try checkedTargets(targets, examples: x.rows, loss: kind)
        let fwd = try pass(x, deadline: .none)
        return Network.loss(fwd.output, y, kind, logits: fwd.z.last)
    }

    private func checkedTargets(_ targets: Tensor, examples m: Int, loss kind: Loss) throws -> Tensor {
        let k = layers[layers.count - 1]
        let y: Tensor
        if targets.isMatrix {
            y = targets
        } else if targets.isScalar {
            y = Tensor(shape: [1, 1], data: targets.data)
        } else if k == 1 {
            y = Tensor(shape: [targets.shape[0], 1], data: targets.data, rowLabels: targets.rowLabels)
        } else {
            y = Tensor(shape: [1, targets.shape[0]], data: targets.data)
        }
        guard y.rows == m, y.cols == k else {
            throw TensorError("the targets have shape \(targets.shapeDescription) but the network gives \(m) example\(m == 1 ? "" : "s") × \(k) output\(k == 1 ? "" : "s"): the targets need shape \(Tensor.describe([m, k]))")
        }
        if let i = y.data.firstIndex(where: { !$0.isFinite }) {
            throw TensorError("target of example \(i / k + 1) is not a finite number (\(y.data[i]))")
        }
        if kind == .bce {
            guard output == .sigmoid else {
                throw TensorError("loss=bce needs a sigmoid output layer (output=sigmoid), this network's output is \(output.rawValue)")
            }
            if let i = y.data.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                throw TensorError("loss=bce needs targets between 0 and 1, example \(i / k + 1) has \(y.data[i])")
            }
        }
        return y
    }

    // MARK: Backpropagation

    /// Full-batch gradient descent for `epochs` epochs, recording the first epoch in detail.
    ///
    /// With m examples, k outputs and L layers, each epoch computes the forward pass and then,
    /// by the chain rule from the last layer down:
    ///
    ///     δ_L = ∂loss/∂z_L = 2(a_L − y)/(m·k) ⊙ act_L'(z_L)   (mse)
    ///                      = (a_L − y)/(m·k)                  (bce with a sigmoid output)
    ///     dW_n = a_{n−1}ᵀ · δ_n,   db_n = Σ over examples of δ_n
    ///     δ_{n−1} = (δ_n · W_nᵀ) ⊙ act_{n−1}'(z_{n−1})
    ///
    /// and then updates every layer at once: `W_n ← W_n − lr·dW_n`, `b_n ← b_n − lr·db_n`.
    ///
    /// The bce loss is computed from the output layer's z (see `loss`), so the gradient
    /// (a_L − y)/(m·k) is exactly the derivative of the loss reported, saturated or not.
    ///
    /// Training stops early, never producing NaN, when the loss or a gradient is not finite
    /// or an update would make a weight non-finite; see `BackpropSteps.stoppedAt`.
    ///
    /// - Parameters:
    ///   - inputs: examples × fan_in (a vector is one example).
    ///   - targets: examples × outputs; with one output a vector holds one target per example.
    ///   - lr: the learning rate, a positive finite number.
    ///   - epochs: the number of updates, at least 1.
    /// - Throws: for a non-positive `lr`, `epochs` < 1, shapes that do not fit the network,
    ///   non-finite data, `bce` without a sigmoid output or with targets outside [0, 1], and
    ///   when the first epoch's values overflow (the weights or inputs are far too large).
    public func backprop(inputs: Tensor, targets: Tensor, lr: Double = 0.1, epochs: Int = 1,
                         loss kind: Loss = .mse, deadline: Deadline = .none) throws -> BackpropSteps {
        guard lr > 0, lr.isFinite else {
            throw TensorError("the learning rate lr must be a positive number, got \(lr)")
        }
        guard epochs >= 1 else { throw TensorError("epochs must be at least 1, got \(epochs)") }
        let x = try checkedInputs(inputs)
        let y = try checkedTargets(targets, examples: x.rows, loss: kind)

        var net = self
        var history: [Double] = []
        history.reserveCapacity(2 * Swift.min(epochs, 1 << 16) + 2)
        var first: (forward: ForwardSteps, loss: Double, deltas: [Tensor], dW: [Tensor], db: [Tensor])?
        var stoppedAt: Int?

        for e in 0...epochs {
            let fwd = try net.pass(x, deadline: deadline)
            var loss = Network.loss(fwd.output, y, kind, logits: fwd.z.last)
            if loss.isNaN { loss = .infinity }
            history += [Double(e), loss]
            if e == epochs && first != nil { break }
            let (deltas, dW, db) = try net.gradients(fwd, y, kind, deadline: deadline)
            let finite = loss.isFinite && dW.allSatisfy(\.isFinite) && db.allSatisfy(\.isFinite)
            if first == nil {
                guard finite || !(fwd.a + fwd.z + deltas + dW + db).contains(where: { $0.data.contains(where: \.isNaN) }) else {
                    throw TensorError("the network's values overflow with these weights and inputs (the loss is \(loss)); use smaller weights or inputs")
                }
                first = (fwd, loss, deltas, dW, db)
            }
            guard finite else { stoppedAt = e; break }
            if e == epochs { break }
            var next = net
            for n in 0..<net.depth {
                for i in 0..<next.weights[n].data.count { next.weights[n].data[i] -= lr * dW[n].data[i] }
                for j in 0..<next.biases[n].data.count { next.biases[n].data[j] -= lr * db[n].data[j] }
            }
            guard next.weights.allSatisfy(\.isFinite), next.biases.allSatisfy(\.isFinite) else {
                stoppedAt = e
                break
            }
            net = next
        }
        let f = first!
        return BackpropSteps(forward: f.forward, loss: f.loss, deltas: f.deltas, dW: f.dW, db: f.db,
                             history: Tensor(shape: [history.count / 2, 2], data: history, colLabels: ["epoch", "loss"]),
                             network: net, stoppedAt: stoppedAt)
    }

    /// The gradients of the loss with respect to every z_n, W_n and b_n (index 0 is layer 1).
    private func gradients(_ fwd: ForwardSteps, _ y: Tensor, _ kind: Loss, deadline: Deadline) throws -> (deltas: [Tensor], dW: [Tensor], db: [Tensor]) {
        let m = fwd.inputs.rows
        let L = depth
        let aL = fwd.a[L - 1], zL = fwd.z[L - 1]
        let scale = 1 / Double(aL.count)
        var delta = [Double](repeating: 0, count: aL.count)
        for i in 0..<aL.count {
            let diff = aL.data[i] - y.data[i]
            switch kind {
            case .mse: delta[i] = 2 * diff * scale * output.derivative(z: zL.data[i], a: aL.data[i])
            case .bce: delta[i] = diff * scale
            }
        }
        var deltas = [Tensor](repeating: Tensor.scalar(0), count: L)
        var dW = deltas, db = deltas
        for n in stride(from: L - 1, through: 0, by: -1) {
            try deadline.check("the gradients of layer \(n + 1) of the network")
            let W = weights[n], fanIn = W.shape[0], fanOut = W.shape[1]
            let prev = n == 0 ? fwd.inputs : fwd.a[n - 1]
            deltas[n] = Tensor(shape: [m, fanOut], data: delta, rowLabels: fwd.inputs.rowLabels)
            // dW = prevᵀ · δ
            var gW = [Double](repeating: 0, count: fanIn * fanOut)
            var gB = [Double](repeating: 0, count: fanOut)
            for r in 0..<m {
                for j in 0..<fanOut {
                    let d = delta[r * fanOut + j]
                    gB[j] += d
                    for i in 0..<fanIn { gW[i * fanOut + j] += prev.data[r * fanIn + i] * d }
                }
            }
            dW[n] = Tensor(shape: [fanIn, fanOut], data: gW)
            db[n] = Tensor(shape: [fanOut], data: gB)
            if n > 0 {
                // δ_{n−1} = (δ_n · Wᵀ) ⊙ act'(z_{n−1})
                let act = activation(ofLayer: n)
                let z = fwd.z[n - 1], a = fwd.a[n - 1]
                var next = [Double](repeating: 0, count: m * fanIn)
                for r in 0..<m {
                    for i in 0..<fanIn {
                        var s = 0.0
                        for j in 0..<fanOut { s += delta[r * fanOut + j] * W.data[i * fanOut + j] }
                        let idx = r * fanIn + i
                        next[idx] = s * act.derivative(z: z.data[idx], a: a.data[idx])
                    }
                }
                delta = next
            }
        }
        return (deltas, dW, db)
    }
}
