import Dispatch
import FoundationEssentials

/// The settings of a BERT encoder, from its `config.json`.
public struct BertConfig: Sendable, Equatable {
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var typeVocabularySize: Int
    public var vocabularySize: Int
    public var layerNormEpsilon: Double
    public var hiddenActivation: String

    public var headSize: Int { hiddenSize / heads }

    /// The largest `config.json` or `tokenizer_config.json` read.
    public static let maxConfigBytes = 1 << 20

    /// The bytes of a model's JSON file (`config.json`, `tokenizer_config.json`), nil when it is
    /// `optional` and missing. A config is a few hundred bytes; the bound keeps a crafted one
    /// (40 MB of one array took the decoder 18 s and 1.3 GB) from costing more than reading it.
    static func readConfigFile(_ path: String, maxBytes: Int, optional: Bool = false) throws -> [UInt8]? {
        do { return try RegularFile.read(path, maxBytes: maxBytes) } catch {
            if optional && error == .missing { return nil }
            throw TensorError(error == .tooLarge(limit: maxBytes)
                              ? "\(path) is larger than \(maxBytes / 1024) KB, too large for a model's config.json"
                              : "cannot read \(path)")
        }
    }

    /// Reads `config.json`. Only `model_type: "bert"` (or a `Bert…` architecture) with the
    /// exact GELU is accepted: other encoders differ in ways that would give wrong numbers.
    /// - Throws: naming the file and the key that is missing or wrong.
    public init(file path: String) throws {
        guard let bytes = try Self.readConfigFile(path, maxBytes: Self.maxConfigBytes),
              let c = JSONValue.parse(Data(bytes))?.object else {
            throw TensorError("\(path) is not a JSON object")
        }
        let type = c["model_type"]?.string ?? ""
        let architectures = c["architectures"]?.array?.compactMap(\.string) ?? []
        guard type == "bert" || architectures.contains(where: { $0.hasPrefix("Bert") }) else {
            throw TensorError("\(path) describes a '\(type.isEmpty ? "unknown" : type)' model, not a BERT model (model_type \"bert\")")
        }
        func int(_ key: String) throws -> Int {
            guard let n = c[key]?.int, n > 0, n <= 1_000_000 else {
                throw TensorError("\(path) has no positive whole number '\(key)'")
            }
            return n
        }
        hiddenSize = try int("hidden_size")
        layers = try int("num_hidden_layers")
        heads = try int("num_attention_heads")
        intermediateSize = try int("intermediate_size")
        maxPositions = try int("max_position_embeddings")
        typeVocabularySize = try int("type_vocab_size")
        vocabularySize = try int("vocab_size")
        layerNormEpsilon = c["layer_norm_eps"]?.double ?? 1e-12
        hiddenActivation = c["hidden_act"]?.string ?? "gelu"
        guard hiddenSize % heads == 0 else {
            throw TensorError("\(path): hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(heads)")
        }
        guard hiddenActivation == "gelu" else {
            throw TensorError("\(path): hidden_act is '\(hiddenActivation)'; stepmark runs BERT models with the exact GELU (\"gelu\")")
        }
        guard layerNormEpsilon >= 0, layerNormEpsilon.isFinite else { throw TensorError("\(path): layer_norm_eps must be a finite number ≥ 0") }
    }
}

/// A linear layer as PyTorch stores it: `weight` is out × in, `y = x·Wᵀ + b`.
public struct Linear: Sendable {
    /// Where W lives: in place in the model file (F32, as models are shipped), or widened.
    public enum Weights: Sendable {
        case float32(MappedFloats)
        case doubles([Double])
    }

    public let weights: Weights
    public let bias: [Double]
    public let inputs: Int, outputs: Int

    /// W holds `outputs × inputs` entries and b `outputs`.
    public init(weights: Weights, bias: [Double], inputs: Int, outputs: Int) {
        let count: Int = switch weights {
        case .float32(let w): w.count
        case .doubles(let w): w.count
        }
        precondition(count == inputs * outputs && bias.count == outputs, "Linear: W must be outputs × inputs and b outputs long")
        self.weights = weights
        self.bias = bias
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Multiply-adds from which a product is split into bands of outputs on `BLAS.threads`
    /// threads: 2²¹ take some 50 µs on one core, well above the cost of waking a second one.
    public static let parallelWork = 1 << 21

    /// The buffers a band reads and writes: each band writes only its own columns of y.
    private struct BandPointers: @unchecked Sendable {
        let input: UnsafePointer<Double>, weights: UnsafePointer<Float>, bias: UnsafePointer<Double>
        let output: UnsafeMutablePointer<Double>
    }

    /// `x·Wᵀ + b` for x of `rows × inputs` (row-major). Wᵀ is never formed.
    ///
    /// F32 weights go through `Kernels.linear`, which reads them where they lie. A sentence has
    /// a handful of tokens, so each product is nearly a matrix-vector product, where OpenBLAS
    /// would spend most of its time packing W (after it was widened) and waking its threads: on
    /// a Zen 4 core the kernel takes 0.06–0.08× the time of widening plus BLAS at 8 rows, 0.5×
    /// at 128, and loses only past some 200 rows to BLAS on two threads (`StepmarkBench 2 5
    /// linear`). The kernel also sums each row on its own, so a row's numbers do not depend on
    /// the rows beside it: the encoder can stack several texts (`BertModel.encode(tokenized:)`).
    public func callAsFunction(_ x: [Double], rows: Int) -> [Double] {
        apply(x, rows: rows, bands: rows * inputs * outputs >= Self.parallelWork ? min(BLAS.threads, outputs / 64) : 1)
    }

    /// `x·Wᵀ + b` with F32 weights computed in `bands` bands of outputs, one thread each.
    func apply(_ x: [Double], rows: Int, bands: Int) -> [Double] {
        switch weights {
        case .float32(let w):
            var y = LargeArray.uninitialized(rows * outputs)
            // Bands of outputs on several threads when the product is large enough to pay for
            // waking them (a block of sentences; not one short sentence). Each output is summed
            // by one thread, as it would be alone, so the bits do not depend on the split.
            x.withUnsafeBufferPointer { px in
                bias.withUnsafeBufferPointer { pb in
                    y.withUnsafeMutableBufferPointer { py in
                        guard let input = px.baseAddress, let output = py.baseAddress, let b = pb.baseAddress else { return }
                        let (rows, inputs, outputs) = (rows, inputs, outputs)
                        guard bands > 1 else {
                            Kernels.linear(input, weights: w.base, bias: b, into: output, rows: rows, inputs: inputs, outputs: outputs)
                            return
                        }
                        let pointers = BandPointers(input: input, weights: w.base, bias: b, output: output)
                        DispatchQueue.concurrentPerform(iterations: bands) { band in
                            // Bands start at multiples of 4, the kernel's block of outputs.
                            let start = (outputs * band / bands) & ~3, end = band == bands - 1 ? outputs : (outputs * (band + 1) / bands) & ~3
                            Kernels.linear(pointers.input, weights: pointers.weights + start * inputs, bias: pointers.bias + start,
                                           into: pointers.output + start, rows: rows, inputs: inputs, outputs: end - start,
                                           outputStride: outputs)
                        }
                    }
                }
            }
            return y
        case .doubles(let w):
            var y = Matmul.multiplyTransposed(x, w, m: rows, k: inputs, n: outputs)
            for i in 0..<rows {
                for j in 0..<outputs { y[i * outputs + j] += bias[j] }
            }
            return y
        }
    }
}

/// One encoder layer's weights.
public struct BertLayerWeights: Sendable {
    public let query: Linear, key: Linear, value: Linear
    public let attentionOutput: Linear
    public let attentionNorm: (weight: [Double], bias: [Double])
    public let intermediate: Linear
    public let output: Linear
    public let outputNorm: (weight: [Double], bias: [Double])
}

/// The values of one encoder layer, in order (SPEC §3's `layerL.*`).
public struct BertLayerSteps: Sendable {
    /// `X·W_qᵀ + b_q`, `X·W_kᵀ + b_k`, `X·W_vᵀ + b_v`.
    public var q: Tensor, k: Tensor, v: Tensor
    /// Per head: `scores`, `scaled`, `weights`, `output`, and the heads side by side in `concat`.
    public var attention: AttentionSteps
    /// `concat·W_oᵀ + b_o`.
    public var attentionOutput: Tensor
    /// `LayerNorm(attn_out + X)`.
    public var attentionNorm: Tensor
    /// `GELU(attn_norm·W_1ᵀ + b_1)`.
    public var ffnHidden: Tensor
    /// `ffn_hidden·W_2ᵀ + b_2`.
    public var ffnOutput: Tensor
    /// `LayerNorm(ffn_out + attn_norm)`: the layer's output and the next layer's input.
    public var output: Tensor
}

/// Everything the encoder computes for one text.
public struct BertSteps: Sendable {
    public var tokenization: BertTokenizer.Steps
    /// `LayerNorm(word + position + token_type₀)`.
    public var embeddings: Tensor
    public var layers: [BertLayerSteps]
    /// The mean of the last layer's rows ([CLS] and [SEP] included).
    public var pooled: Tensor
    /// `pooled / max(‖pooled‖, 1e-12)`: the sentence vector.
    public var sentence: Tensor
    /// The last layer's output (or the embeddings when the model has no layers).
    public var hidden: Tensor { layers.last?.output ?? embeddings }
}

/// A pretrained BERT encoder (Hugging Face's `BertModel`) with sentence-transformers' mean
/// pooling and L2 normalisation, in Double precision.
///
/// A model is loaded once and shared (it is immutable). The file is memory-mapped: the F32
/// weights of the linear layers (10.6 M for all-MiniLM-L6-v2) are read where they lie, and the
/// word embeddings (11.7 M) a row at a time; only the small tensors (positions, norms, biases)
/// are widened to Double at load.
public final class BertModel: Sendable {
    public let directory: String
    public let config: BertConfig
    public let tokenizer: BertTokenizer
    /// Every tensor of the safetensors file (name, dtype, shape), sorted by name.
    public let tensorEntries: [SafetensorsFile.Entry]
    /// The word-embedding table stays in the memory-mapped file (11.7 M entries for MiniLM):
    /// a sentence widens only the rows of its own tokens.
    let weightsFile: SafetensorsFile
    let wordEmbeddingsName: String
    let positionEmbeddings: [Double]
    let tokenTypeEmbeddings: [Double]
    let embeddingNorm: (weight: [Double], bias: [Double])
    public let layerWeights: [BertLayerWeights]

    /// The number of weights in the file: every floating-point tensor, the pooler's too, which
    /// the encoder does not use; integer buffers (`position_ids`) are not weights. This is what
    /// Hugging Face's `num_parameters()` and sentence-transformers report (22,713,216 for
    /// all-MiniLM-L6-v2), so a lesson's number is the one its students will read elsewhere.
    public let parameterCount: Int

    /// Loads a Hugging Face folder: `config.json`, `model.safetensors`, `vocab.txt` and,
    /// when present, `tokenizer_config.json`. Tensor names may carry a `bert.` prefix.
    /// - Throws: naming the file and what is missing or wrong in it.
    public init(directory: String) throws {
        let fm = FileManager.default
        func file(_ name: String) -> String { FilePathText.join(directory, name) }
        for required in ["config.json", "model.safetensors", "vocab.txt"] where !fm.fileExists(atPath: file(required)) {
            throw TensorError("\(directory) has no \(required), so it is not a Hugging Face BERT folder")
        }
        let config = try BertConfig(file: file("config.json"))
        var tokenizer = try BertTokenizer(vocabularyFile: file("vocab.txt"))
        // Optional: without it, BERT's defaults.
        if let bytes = try BertConfig.readConfigFile(file("tokenizer_config.json"), maxBytes: 4 * BertConfig.maxConfigBytes, optional: true),
           let t = JSONValue.parse(Data(bytes))?.object {
            if let b = t["do_lower_case"]?.bool { tokenizer.lowerCase = b }
            if let b = t["strip_accents"]?.bool { tokenizer.stripAccents = b }
            if let b = t["tokenize_chinese_chars"]?.bool { tokenizer.splitChineseCharacters = b }
        }
        let file = try SafetensorsFile(path: file("model.safetensors"))
        let prefix = file.entry("embeddings.word_embeddings.weight") == nil && file.entry("bert.embeddings.word_embeddings.weight") != nil ? "bert." : ""
        let name = FilePathText.lastComponent(file.path)
        /// The tensor's entry, once its shape is checked.
        func entry(_ key: String, _ shape: [Int]) throws -> SafetensorsFile.Entry {
            guard let e = file.entry(prefix + key) else { throw TensorError("\(name) has no tensor '\(prefix + key)'") }
            guard e.shape == shape else {
                throw TensorError("\(name): '\(prefix + key)' has shape \(e.shape) but config.json implies \(shape)")
            }
            return e
        }
        func load(_ key: String, _ shape: [Int]) throws -> [Double] {
            try file.doubles(entry(key, shape).name)
        }
        let h = config.hiddenSize, f = config.intermediateSize
        func linear(_ key: String, inputs: Int, outputs: Int) throws -> Linear {
            let weight = try entry(key + ".weight", [outputs, inputs])
            // F32 weights stay in the mapped file; any other type is widened once here.
            let weights: Linear.Weights = try file.float32(weight.name).map { .float32($0) } ?? .doubles(file.doubles(weight.name))
            return Linear(weights: weights, bias: try load(key + ".bias", [outputs]), inputs: inputs, outputs: outputs)
        }
        func norm(_ key: String) throws -> (weight: [Double], bias: [Double]) {
            (try load(key + ".weight", [h]), try load(key + ".bias", [h]))
        }
        wordEmbeddingsName = prefix + "embeddings.word_embeddings.weight"
        guard let words = file.entry(wordEmbeddingsName) else { throw TensorError("\(name) has no tensor '\(wordEmbeddingsName)'") }
        guard words.shape == [config.vocabularySize, h] else {
            throw TensorError("\(name): '\(wordEmbeddingsName)' has shape \(words.shape) but config.json implies \([config.vocabularySize, h])")
        }
        weightsFile = file
        positionEmbeddings = try load("embeddings.position_embeddings.weight", [config.maxPositions, h])
        tokenTypeEmbeddings = try load("embeddings.token_type_embeddings.weight", [config.typeVocabularySize, h])
        embeddingNorm = try norm("embeddings.LayerNorm")
        var layers: [BertLayerWeights] = []
        for l in 0..<config.layers {
            let p = "encoder.layer.\(l)."
            layers.append(BertLayerWeights(
                query: try linear(p + "attention.self.query", inputs: h, outputs: h),
                key: try linear(p + "attention.self.key", inputs: h, outputs: h),
                value: try linear(p + "attention.self.value", inputs: h, outputs: h),
                attentionOutput: try linear(p + "attention.output.dense", inputs: h, outputs: h),
                attentionNorm: try norm(p + "attention.output.LayerNorm"),
                intermediate: try linear(p + "intermediate.dense", inputs: h, outputs: f),
                output: try linear(p + "output.dense", inputs: f, outputs: h),
                outputNorm: try norm(p + "output.LayerNorm")))
        }
        guard tokenizer.tokens.count <= config.vocabularySize else {
            throw TensorError("vocab.txt has \(tokenizer.tokens.count) tokens but config.json's vocab_size is \(config.vocabularySize)")
        }
        self.directory = directory
        self.config = config
        self.tokenizer = tokenizer
        self.tensorEntries = file.entries
        self.layerWeights = layers
        self.parameterCount = file.entries.filter { $0.dtype != .i64 }.reduce(0) { $0 + $1.count }
    }

    /// Runs the encoder over `text` (see `encode(tokenized:)` for the steps).
    /// - Parameters:
    ///   - maxTokens: truncation, `[CLS]` and `[SEP]` included (at most the model's positions).
    ///   - checkpoint: called between layers; what it throws stops the run (the time limit).
    public func encode(_ text: String, maxTokens: Int = 256, checkpoint: () throws -> Void = {}) throws -> BertSteps {
        try encode(tokenized: [tokenize(text, maxTokens: maxTokens)], checkpoint: checkpoint)[0]
    }

    /// The tokens the encoder would run on `text`: `[CLS] … [SEP]`, truncated to `maxTokens`
    /// (at most the model's positions).
    /// - Throws: when the tokenizer does, or a token's id is outside the model's vocabulary.
    public func tokenize(_ text: String, maxTokens: Int = 256) throws -> BertTokenizer.Steps {
        let tok = try tokenizer.tokenize(text, maxTokens: min(maxTokens, config.maxPositions))
        for id in tok.ids where id >= config.vocabularySize {
            throw TensorError("token id \(id) is outside the model's vocabulary of \(config.vocabularySize)")
        }
        return tok
    }

    /// Whether texts may be stacked into one batch with each text's numbers the same bits as
    /// when it runs alone: true when every linear layer reads F32 weights through the kernel,
    /// which sums each row on its own (BLAS's result for a row may depend on the others').
    public var stacksTexts: Bool {
        layerWeights.allSatisfy { w in
            [w.query, w.key, w.value, w.attentionOutput, w.intermediate, w.output].allSatisfy {
                if case .float32 = $0.weights { true } else { false }
            }
        }
    }

    /// Runs the encoder over several tokenized texts (see `tokenize`). When the model
    /// `stacksTexts`, the texts' rows are stacked for every row-wise step (the linear maps,
    /// GELU, the residuals, layer norm), so each layer's weights are read once for the batch
    /// instead of once per text, and attention runs within each text; every text's numbers are
    /// the bits it gets alone. Otherwise the texts run one after another.
    ///
    /// The per-text steps (SPEC §3 "Pretrained encoders"): `E = LayerNorm(word + position +
    /// token_type₀)`; per layer, attention with the heads on contiguous column blocks of Q, K, V
    /// and `scaled = scores/√d_head`, `attn_norm = LayerNorm(concat·W_oᵀ + b_o + X)`,
    /// `output = LayerNorm(GELU(attn_norm·W_1ᵀ + b_1)·W_2ᵀ + b_2 + attn_norm)`; then mean pooling
    /// over every token and L2 normalisation.
    /// - Parameter checkpoint: called between layers; what it throws stops the run (the time limit).
    public func encode(tokenized texts: [BertTokenizer.Steps], checkpoint: () throws -> Void = {}) throws -> [BertSteps] {
        try forward(texts, recording: true, checkpoint: checkpoint).steps
    }

    /// Only the texts' sentence vectors: the numbers `encode(tokenized:)` gives as `sentence`,
    /// without cutting every layer's values into one copy per text (for `classify` and
    /// `sentences`, which show the vectors alone).
    public func sentenceVectors(tokenized texts: [BertTokenizer.Steps], checkpoint: () throws -> Void = {}) throws -> [[Double]] {
        try forward(texts, recording: false, checkpoint: checkpoint).sentences
    }

    /// The forward pass of `encode(tokenized:)`, with every step per text when `recording`.
    private func forward(_ texts: [BertTokenizer.Steps], recording: Bool,
                         checkpoint: () throws -> Void) throws -> (steps: [BertSteps], sentences: [[Double]]) {
        if texts.isEmpty { return ([], []) }
        guard stacksTexts || texts.count == 1 else {
            var steps: [BertSteps] = [], sentences: [[Double]] = []
            for text in texts {
                let one = try forward([text], recording: recording, checkpoint: checkpoint)
                steps += one.steps
                sentences += one.sentences
            }
            return (steps, sentences)
        }
        let h = config.hiddenSize
        let counts = texts.map(\.tokens.count)
        let total = counts.reduce(0, +)
        let starts = counts.indices.map { i in counts[..<i].reduce(0, +) }
        // Embeddings: token type 0 for every token (one sentence per text); positions restart
        // with each text.
        var sum = [Double](repeating: 0, count: total * h)
        for (t, tok) in texts.enumerated() {
            for (p, id) in tok.ids.enumerated() {
                let word = try weightsFile.doubles(wordEmbeddingsName, elements: (id * h)..<((id + 1) * h))
                let row = (starts[t] + p) * h
                for j in 0..<h {
                    sum[row + j] = word[j] + positionEmbeddings[p * h + j] + tokenTypeEmbeddings[j]
                }
            }
        }
        var x = try normalize(sum, rows: total, embeddingNorm).data
        let embeddings = recording ? split(x, cols: h, starts: starts, texts: texts) : []
        var layers: [[BertLayerSteps]] = Array(repeating: [], count: texts.count)
        for w in layerWeights {
            try checkpoint()
            let (output, steps) = try layer(x, weights: w, starts: starts, texts: texts, recording: recording)
            for (t, step) in steps.enumerated() { layers[t].append(step) }
            x = output
        }
        var pooledVectors: [[Double]] = [], sentences: [[Double]] = []
        for t in texts.indices {
            // Mean pooling over all of the text's tokens, then L2 normalisation (sentence-transformers).
            let n = counts[t]
            var pooled = [Double](repeating: 0, count: h)
            for i in starts[t]..<(starts[t] + n) { for j in 0..<h { pooled[j] += x[i * h + j] } }
            for j in 0..<h { pooled[j] /= Double(n) }
            var norm = 0.0
            for v in pooled { norm += v * v }
            let denominator = max(norm.squareRoot(), 1e-12)
            pooledVectors.append(pooled)
            sentences.append(pooled.map { $0 / denominator })
        }
        guard recording else { return ([], sentences) }
        let steps = texts.indices.map { t in
            BertSteps(tokenization: texts[t], embeddings: embeddings[t], layers: layers[t],
                      pooled: .vector(pooledVectors[t]), sentence: .vector(sentences[t]))
        }
        return (steps, sentences)
    }

    /// The sentence vector of `text` alone.
    public func sentenceVector(_ text: String, maxTokens: Int = 256) throws -> Tensor {
        try encode(text, maxTokens: maxTokens).sentence
    }

    /// Layer norm of each of `rows` stacked rows (rows are normalised one by one, so stacking
    /// changes nothing).
    func normalize(_ data: [Double], rows: Int, _ norm: (weight: [Double], bias: [Double])) throws -> Tensor {
        try LayerNorm.normalize(Tensor(shape: [rows, config.hiddenSize], data: data), epsilon: config.layerNormEpsilon,
                                weight: norm.weight, bias: norm.bias).output
    }

    /// Stacked rows cut back into one matrix per text, labelled by its tokens.
    func split(_ data: [Double], cols: Int, starts: [Int], texts: [BertTokenizer.Steps]) -> [Tensor] {
        texts.indices.map { t in
            let n = texts[t].tokens.count
            return Tensor(shape: [n, cols], data: Array(data[(starts[t] * cols)..<((starts[t] + n) * cols)]),
                          rowLabels: texts[t].tokens)
        }
    }

    /// One encoder layer over the stacked rows `x` of every text: its output rows (stacked),
    /// and each text's steps when `recording`.
    func layer(_ x: [Double], weights w: BertLayerWeights, starts: [Int], texts: [BertTokenizer.Steps],
               recording: Bool) throws -> (output: [Double], steps: [BertLayerSteps]) {
        let h = config.hiddenSize, rows = x.count / h
        func perText(_ data: [Double], _ cols: Int) -> [Tensor] { split(data, cols: cols, starts: starts, texts: texts) }
        let q = perText(w.query(x, rows: rows), h)
        let k = perText(w.key(x, rows: rows), h)
        let v = perText(w.value(x, rows: rows), h)
        // The attention core of `attend`, within each text: heads on contiguous column blocks,
        // scale 1/√d_head.
        let attention = try texts.indices.map { t in
            try Attention.compute(q: q[t], k: k[t], v: v[t], scale: 1 / Double(config.headSize).squareRoot(),
                                  heads: config.heads, queryLabels: texts[t].tokens, keyLabels: texts[t].tokens)
        }
        let attnOut = w.attentionOutput(attention.flatMap { ($0.concat ?? $0.output).data }, rows: rows)
        var residual = attnOut
        for i in residual.indices { residual[i] += x[i] }
        let attnNorm = try normalize(residual, rows: rows, w.attentionNorm).data
        var hidden = w.intermediate(attnNorm, rows: rows)
        GELU.apply(&hidden)
        let ffnOut = w.output(hidden, rows: rows)
        var residual2 = ffnOut
        for i in residual2.indices { residual2[i] += attnNorm[i] }
        let output = try normalize(residual2, rows: rows, w.outputNorm).data
        guard recording else { return (output, []) }
        let attnOuts = perText(attnOut, h), attnNorms = perText(attnNorm, h), hiddens = perText(hidden, config.intermediateSize)
        let ffnOuts = perText(ffnOut, h), outputs = perText(output, h)
        return (output, texts.indices.map { t in
            BertLayerSteps(q: q[t], k: k[t], v: v[t], attention: attention[t], attentionOutput: attnOuts[t],
                           attentionNorm: attnNorms[t], ffnHidden: hiddens[t], ffnOutput: ffnOuts[t], output: outputs[t])
        })
    }
}
