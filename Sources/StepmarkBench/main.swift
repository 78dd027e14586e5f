// Kernel benchmark: median wall time of matmul and attention at the sizes of issue 9, with
// OpenBLAS limited to the thread count given as the first argument. Prints JSON lines so that
// bench/run.sh can put it side by side with numpy. Not a test: it asserts nothing.
import Dispatch
import FoundationEssentials
import StepmarkCore

// As stepmark itself does, so that the kernels measured are the ones it runs.
BLAS.nameCoreTypeForThisCPU()
let threads = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1 : 1
let repeats = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 7 : 7
BLAS.setThreads(threads)
// Which OpenBLAS (and which of its CPU kernels) this process uses, so that run.py can show it
// beside numpy's. Asking loads it, as the first large product would.
print("{\"openblas\": \"\(BLAS.description ?? "none (Swift kernels)")\"}")

func random(_ count: Int, seed: UInt64) -> [Double] {
    var g = SplitMix64(seed: seed)
    return (0..<count).map { _ in 2 * g.uniform() - 1 }
}

/// The median of `repeats` timed runs, after one warm-up run, in milliseconds.
func median(_ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    times.sort()
    return times[times.count / 2]
}

// `StepmarkBench 1 7 linear`: a BERT linear layer (float32 weights, read in place) through
// `Kernels.linear` against widened weights through BLAS, by the number of token rows; this is
// why `Linear` takes the kernel for F32 weights.
if CommandLine.arguments.count > 3, CommandLine.arguments[3] == "linear" {
    print("kernel variant: \(KernelVariant.active.rawValue)")
    for (k, n) in [(384, 1536), (1536, 384), (384, 384)] {
        let w = random(n * k, seed: 6).map { Float($0) }
        let bias = random(n, seed: 7)
        for m in [1, 2, 3, 4, 7, 8, 10, 16, 32, 48, 64, 128, 256] {
            let x = random(m * k, seed: 8)
            var y = [Double](repeating: 0, count: m * n)
            let tKernel = median {
                w.withUnsafeBufferPointer { pw in
                    Kernels.linear(x, weights: pw.baseAddress!, bias: bias, into: &y, rows: m, inputs: k, outputs: n)
                }
            }
            let tBLAS = median {
                let wide = w.map(Double.init)
                var out = Matmul.multiplyTransposed(x, wide, m: m, k: k, n: n)
                for i in 0..<m { for j in 0..<n { out[i * n + j] += bias[j] } }
                y = out
            }
            print("linear k=\(k) n=\(n) rows=\(m): kernel \(tKernel) ms, widen+BLAS \(tBLAS) ms, ratio \(tKernel / tBLAS)")
        }
    }
    exit(0)
}

for n in [256, 512, 1024] {
    let a = random(n * n, seed: 1), b = random(n * n, seed: 2)
    var sink = 0.0
    let ms = median { sink += Matmul.multiply(a, b, m: n, k: n, n: n)[0] }
    let gflops = 2 * Double(n * n * n) / (ms / 1000) / 1e9
    print("{\"kernel\": \"matmul\", \"size\": \(n), \"threads\": \(threads), \"ms\": \(ms), \"gflops\": \(gflops), \"sink\": \(sink.isFinite)}")
}
for n in [128, 512, 2048] {
    let d = 64
    let q = Tensor.matrix(rows: n, cols: d, data: random(n * d, seed: 3))
    let k = Tensor.matrix(rows: n, cols: d, data: random(n * d, seed: 4))
    let v = Tensor.matrix(rows: n, cols: d, data: random(n * d, seed: 5))
    var sink = 0.0
    let ms = try median { sink += try Attention.compute(q: q, k: k, v: v).output.data[0] }
    print("{\"kernel\": \"attention\", \"size\": \(n), \"threads\": \(threads), \"ms\": \(ms), \"sink\": \(sink.isFinite)}")
}

// `StepmarkBench 1 7 breakdown [N]`: where attention's time goes at N = 2048 (or N).
if CommandLine.arguments.count > 3, CommandLine.arguments[3] == "breakdown" {
    let n = CommandLine.arguments.count > 4 ? max(1, Int(CommandLine.arguments[4]) ?? 2048) : 2048, d = 64
    let q = random(n * d, seed: 3), k = random(n * d, seed: 4), v = random(n * d, seed: 5)
    var scores: [Double] = [], weights: [Double] = []
    let tScores = median { scores = Matmul.multiplyTransposed(q, k, m: n, k: d, n: n) }
    let s = Tensor.matrix(rows: n, cols: n, data: scores)
    let tScale = median { _ = LinearAlgebra.map(s) { $0 * 0.125 } }
    let tSoftmax = try median { weights = try Softmax.rows(s).output.data }
    let tOutput = median { _ = Matmul.multiply(weights, v, m: n, k: n, n: d) }
    // exp alone, on a buffer already in memory (each run maps the values back into [−1, 0]).
    var e = scores.map { -abs($0) * 0.01 }
    let tExp = median {
        e.withUnsafeMutableBufferPointer { Kernels.exp($0) }   // the dispatched kernel (KernelVariant.active)
        e.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = -p[i] } }
    }
    print("kernel variant: \(KernelVariant.active.rawValue)")
    print("breakdown ms: scores \(tScores), scale \(tScale), softmax \(tSoftmax) (exp and a negation pass \(tExp)), output \(tOutput)")
}
