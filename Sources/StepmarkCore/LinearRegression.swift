import FoundationEssentials

/// Every value of a run of gradient descent on the one-feature linear model of SPEC §3 `train`.
///
/// `history` has one row per step k = 0, 1, …, N (N = `steps`, unless the run stopped early):
/// row k holds the parameters before update k + 1 and the loss and gradients there, so the
/// last row holds the final parameters with their loss and gradient.
public struct TrainSteps: Sendable, Equatable {
    /// `(N + 1) × 6`, columns `step`, `w`, `b`, `loss`, `grad_w`, `grad_b` (fewer rows when
    /// the run stopped early; see `stoppedAt`).
    public var history: Tensor
    /// The final weight (the `w` of the last row of `history`).
    public var w: Double
    /// The final bias (the initial `b` when the model has no bias).
    public var b: Double
    /// The loss of the final parameters (the `loss` of the last row).
    public var loss: Double
    /// True when the loss became non-finite, grew for `LinearRegression.growthRun`
    /// consecutive steps, or an update would have made a parameter non-finite.
    public var diverged: Bool
    /// The first step at which divergence was detected: the step whose loss or gradient is
    /// not finite, the step that completed a run of `growthRun` increases of the loss, or the
    /// step whose update overflows. `nil` when the run did not diverge.
    public var divergedAt: Int?
    /// The step at which updating stopped early because a value became non-finite; `history`
    /// then ends at that step (row `stoppedAt` is its last row). `nil` when all N updates ran.
    public var stoppedAt: Int?
}

/// Gradient descent on the model `ŷ = w·x (+ b)` with the mean squared error, as SPEC §3
/// `train` and its Conventions paragraph define it.
///
/// For n points (xᵢ, yᵢ):
///
///     ŷᵢ     = w·xᵢ + b              (b is held at its initial value when `bias` is false)
///     loss   = (1/n) Σ (ŷᵢ − yᵢ)²
///     grad_w = (1/n) Σ 2(ŷᵢ − yᵢ)·xᵢ
///     grad_b = (1/n) Σ 2(ŷᵢ − yᵢ)     (recorded when `bias` is false too: the slope of the
///                                    loss along b, as SPEC §3 writes it, though b stays put)
///     w ← w − lr·grad_w,   b ← b − lr·grad_b (only when `bias`)
///
/// Worked example (the lecture): x = 2, y = 3, w = 0.5, no bias, lr = 0.1. Step 0: ŷ = 1,
/// loss = (1 − 3)² = 4, grad_w = 2·(1 − 3)·2 = −8, so w₁ = 0.5 + 0.8 = 1.3. Each update
/// multiplies the error w − 1.5 by 1 − lr·2x² = 0.2, so w converges to 1.5.
///
/// Divergence never produces NaN. Inputs must be finite, and the parameters stay finite:
/// - when the loss or a gradient at step k is not finite (it overflowed), row k records it
///   (as +∞ or ±∞ with the right sign — gradients that overflow are recomputed with an
///   extended exponent range so that ∞ − ∞ never happens) and training stops there;
/// - when the update from step k would make w or b non-finite, row k is the last row and
///   training stops there (the overflowing parameters are never recorded).
/// In both cases `stoppedAt = k` and `diverged` is true. A loss that merely grows (a learning
/// rate above the stable range 1/mean(x²) for w alone) keeps being recorded, so a lesson can
/// show the blow-up; it sets `diverged` once it has grown `growthRun` steps in a row
/// (an increase counts when it exceeds `1e-12 · max(1, previous loss)`, so rounding noise at a
/// minimum does not).
public enum LinearRegression {
    /// The number of consecutive increases of the loss that counts as divergence.
    public static let growthRun = 3

    /// Runs `steps` updates of gradient descent from (`w`, `b`).
    ///
    /// - Parameters:
    ///   - xs: the inputs, one per point (at least one).
    ///   - ys: the targets, as many as `xs`.
    ///   - w: the initial weight.
    ///   - b: the initial bias; a fixed offset when `bias` is false (0 gives ŷ = w·x).
    ///   - bias: whether b is trained.
    ///   - lr: the learning rate, a positive finite number.
    ///   - steps: the number of updates, N ≥ 0 (N = 0 only evaluates the initial parameters).
    ///   - checkpoint: called every 256 updates; what it throws stops the training (the
    ///     lesson's time limit).
    /// - Throws: `TensorError` when `lr` is not a positive finite number, `steps` is negative,
    ///   the data are empty or of different lengths, or an input is not finite.
    public static func train(xs: [Double], ys: [Double], w: Double = 0.5, b: Double = 0,
                             bias: Bool = false, lr: Double = 0.1, steps: Int = 10,
                             checkpoint: () throws -> Void = {}) throws -> TrainSteps {
        guard lr > 0, lr.isFinite else {
            throw TensorError("the learning rate lr must be a positive number, got \(lr)")
        }
        guard steps >= 0 else { throw TensorError("steps must be 0 or more, got \(steps)") }
        guard !xs.isEmpty else { throw TensorError("train needs at least one data point (x, y)") }
        guard xs.count == ys.count else {
            throw TensorError("train needs as many y values as x values, got \(xs.count) x and \(ys.count) y")
        }
        if let i = xs.firstIndex(where: { !$0.isFinite }) {
            throw TensorError("x value \(i + 1) is not a finite number (\(xs[i]))")
        }
        if let i = ys.firstIndex(where: { !$0.isFinite }) {
            throw TensorError("y value \(i + 1) is not a finite number (\(ys[i]))")
        }
        guard w.isFinite else { throw TensorError("the initial w must be a finite number, got \(w)") }
        guard b.isFinite else { throw TensorError("the initial b must be a finite number, got \(b)") }

        var w = w, b = b
        var rows: [Double] = []
        rows.reserveCapacity(Swift.min(steps, 1 << 16) * 6 + 6)
        var divergedAt: Int?
        var stoppedAt: Int?
        var previousLoss = Double.nan
        var increases = 0
        var lastLoss = 0.0

        for k in 0...steps {
            if k % 256 == 255 { try checkpoint() }
            let (loss, gw, gb) = lossAndGradients(xs: xs, ys: ys, w: w, b: b)
            rows += [Double(k), w, b, loss, gw, gb]
            lastLoss = loss

            if k > 0 {
                let grew = loss - previousLoss > 1e-12 * Swift.max(1, previousLoss)
                increases = grew ? increases + 1 : 0
                if increases >= growthRun, divergedAt == nil { divergedAt = k }
            }
            previousLoss = loss
            if !loss.isFinite || !gw.isFinite || !gb.isFinite {
                if divergedAt == nil { divergedAt = k }
                if k < steps { stoppedAt = k }
                break
            }
            if k == steps { break }
            let nextW = w - lr * gw
            let nextB = bias ? b - lr * gb : b
            guard nextW.isFinite, nextB.isFinite else {
                if divergedAt == nil { divergedAt = k }
                stoppedAt = k
                break
            }
            w = nextW
            b = nextB
        }
        let history = Tensor(shape: [rows.count / 6, 6], data: rows,
                             colLabels: ["step", "w", "b", "loss", "grad_w", "grad_b"])
        return TrainSteps(history: history, w: w, b: b, loss: lastLoss,
                          diverged: divergedAt != nil, divergedAt: divergedAt, stoppedAt: stoppedAt)
    }

    /// The loss and both gradients at (w, b), with b in the model.
    ///
    /// With finite inputs the loss is finite or +∞ (a sum of squares cannot be NaN). A gradient
    /// whose plain computation is not finite is recomputed with `Wide` numbers, whose exponent
    /// cannot overflow, so the result is its true value rounded to a `Double`: finite or ±∞.
    static func lossAndGradients(xs: [Double], ys: [Double], w: Double, b: Double) -> (Double, Double, Double) {
        let n = Double(xs.count)
        var sq = 0.0, gw = 0.0, gb = 0.0
        for i in 0..<xs.count {
            let r = w * xs[i] + b - ys[i]
            sq += r * r / n
            gw += 2 * r * xs[i] / n
            gb += 2 * r / n
        }
        if !gw.isFinite || !gb.isFinite {
            var sw = Wide(0), sb = Wide(0)
            let (ww, wb) = (Wide(w), Wide(b))
            for i in 0..<xs.count {
                let x = Wide(xs[i])
                let r = ww * x + wb + Wide(-ys[i])
                sw = sw + Wide(2) * r * x
                sb = sb + Wide(2) * r
            }
            gw = (sw / n).double
            gb = (sb / n).double
        }
        return (sq, gw, gb)
    }
}

/// A number `m · 2^e` with an unbounded exponent: products and sums of finite doubles never
/// overflow, so the sign of a sum of huge terms is always right.
struct Wide {
    var m: Double
    var e: Int

    init(_ x: Double) {
        if x == 0 || !x.isFinite { m = x; e = 0; return }
        m = x.sign == .minus ? -x.significand : x.significand
        e = Int(x.exponent)
    }

    private init(m: Double, e: Int) {
        if m == 0 { self.m = 0; self.e = 0; return }
        self.m = m.sign == .minus ? -m.significand : m.significand
        self.e = e + Int(m.exponent)
    }

    var double: Double { m == 0 ? 0 : Double(sign: .plus, exponent: e, significand: m) }

    static func * (a: Wide, b: Wide) -> Wide { Wide(m: a.m * b.m, e: a.e + b.e) }

    static func + (a: Wide, b: Wide) -> Wide {
        if a.m == 0 { return b }
        if b.m == 0 { return a }
        let (big, small) = a.e >= b.e ? (a, b) : (b, a)
        let shift = big.e - small.e
        let aligned = shift > 1100 ? 0 : Double(sign: .plus, exponent: -shift, significand: small.m)
        return Wide(m: big.m + aligned, e: big.e)
    }

    static func / (a: Wide, n: Double) -> Wide { Wide(m: a.m / n, e: a.e) }
}
