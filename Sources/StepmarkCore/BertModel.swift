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

    /// Reads `config.json`. Only `model_type: "bert"` (or a `Bert…` architecture) with the
    /// exact GELU is accepted: other encoders differ in ways that would give wrong numbers.
    /// - Throws: naming the file and the key that is missing or wrong.
    public init(file path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw TensorError("cannot read \(path)") }
        guard let c = JSONValue.parse(data)?.object else {
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

    /// Up to this many rows, float32 weights go through `Kernels.linear`, which reads W once per
    /// four rows; a sentence has a handful of tokens, so each product is nearly a matrix-vector
    /// product, where OpenBLAS would spend most of its time packing W and waking its threads.
    /// Longer inputs widen W for the call and use BLAS, whose blocking and second thread win
    /// there. On a Zen 4 core the kernel takes 0.09–0.10× the time of widening plus BLAS at
    /// 8 rows, 0.45–0.6× at 64, 0.8–0.9× at 128 and 1.1–1.2× at 256, BLAS on two threads
    /// (`StepmarkBench 2 5 linear`).
    public static let smallRows = 128

    /// `x·Wᵀ + b` for x of `rows × inputs` (row-major). Wᵀ is never formed.
    public func callAsFunction(_ x: [Double], rows: Int) -> [Double] {
        if case .float32(let w) = weights, rows <= Self.smallRows {
            var y = LargeArray.uninitialized(rows * outputs)
            x.withUnsafeBufferPointer { px in
                bias.withUnsafeBufferPointer { pb in
                    y.withUnsafeMutableBufferPointer { py in
                        guard let input = px.baseAddress, let output = py.baseAddress else { return }
                        Kernels.linear(input, weights: w.base, bias: pb.baseAddress, into: output,
                                       rows: rows, inputs: inputs, outputs: outputs)
                    }
                }
            }
            return y
        }
        var y = Matmul.multiplyTransposed(x, widenedWeights, m: rows, k: inputs, n: outputs)
        for i in 0..<rows {
            for j in 0..<outputs { y[i * outputs + j] += bias[j] }
        }
        return y
    }

    /// W as doubles, `outputs × inputs`.
    public var widenedWeights: [Double] {
        switch weights {
        case .doubles(let w): return w
        case .float32(let w): return (0..<w.count).map { Double(w.base[$0]) }
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

    /// The number of weights the encoder uses (the unused pooler and buffers not counted).
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
        if let data = fm.contents(atPath: file("tokenizer_config.json")),
           let t = JSONValue.parse(data)?.object {
            if let b = t["do_lower_case"]?.bool { tokenizer.lowerCase = b }
            if let b = t["strip_accents"]?.bool { tokenizer.stripAccents = b }
            if let b = t["tokenize_chinese_chars"]?.bool { tokenizer.splitChineseCharacters = b }
        }
        let file = try SafetensorsFile(path: file("model.safetensors"))
        let prefix = file.entry("embeddings.word_embeddings.weight") == nil && file.entry("bert.embeddings.word_embeddings.weight") != nil ? "bert." : ""
        var used = 0
        let name = FilePathText.lastComponent(file.path)
        /// The tensor's entry, once its shape is checked (and its size counted).
        func entry(_ key: String, _ shape: [Int]) throws -> SafetensorsFile.Entry {
            guard let e = file.entry(prefix + key) else { throw TensorError("\(name) has no tensor '\(prefix + key)'") }
            guard e.shape == shape else {
                throw TensorError("\(name): '\(prefix + key)' has shape \(e.shape) but config.json implies \(shape)")
            }
            used += e.count
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
        used += words.count
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
        self.parameterCount = used
    }

    /// Runs the encoder over `text` (SPEC §3 "Pretrained encoders"):
    /// `E = LayerNorm(word + position + token_type₀)`; per layer, attention with the heads on
    /// contiguous column blocks of Q, K, V and `scaled = scores/√d_head`,
    /// `attn_norm = LayerNorm(concat·W_oᵀ + b_o + X)`,
    /// `output = LayerNorm(GELU(attn_norm·W_1ᵀ + b_1)·W_2ᵀ + b_2 + attn_norm)`;
    /// then mean pooling over every token and L2 normalisation.
    /// - Parameters:
    ///   - maxTokens: truncation, `[CLS]` and `[SEP]` included (at most the model's positions).
    ///   - checkpoint: called between layers; what it throws stops the run (the time limit).
    public func encode(_ text: String, maxTokens: Int = 256, checkpoint: () throws -> Void = {}) throws -> BertSteps {
        let limit = min(maxTokens, config.maxPositions)
        let tok = try tokenizer.tokenize(text, maxTokens: limit)
        let n = tok.tokens.count, h = config.hiddenSize
        let labels = tok.tokens
        // Embeddings: token type 0 for every token (one sentence).
        var sum = [Double](repeating: 0, count: n * h)
        for (p, id) in tok.ids.enumerated() {
            guard id < config.vocabularySize else { throw TensorError("token id \(id) is outside the model's vocabulary of \(config.vocabularySize)") }
            let word = try weightsFile.doubles(wordEmbeddingsName, elements: (id * h)..<((id + 1) * h))
            for j in 0..<h {
                sum[p * h + j] = word[j] + positionEmbeddings[p * h + j] + tokenTypeEmbeddings[j]
            }
        }
        let eps = config.layerNormEpsilon
        func matrix(_ data: [Double], _ cols: Int) -> Tensor {
            Tensor(shape: [n, cols], data: data, rowLabels: labels)
        }
        var x = try LayerNorm.normalize(matrix(sum, h), epsilon: eps,
                                        weight: embeddingNorm.weight, bias: embeddingNorm.bias).output
        let embeddings = x
        var layers: [BertLayerSteps] = []
        for w in layerWeights {
            try checkpoint()
            let step = try layer(x, weights: w, labels: labels)
            layers.append(step)
            x = step.output
        }
        // Mean pooling over all tokens, then L2 normalisation (sentence-transformers).
        var pooled = [Double](repeating: 0, count: h)
        for i in 0..<n { for j in 0..<h { pooled[j] += x.data[i * h + j] } }
        for j in 0..<h { pooled[j] /= Double(n) }
        var norm = 0.0
        for v in pooled { norm += v * v }
        let denominator = max(norm.squareRoot(), 1e-12)
        return BertSteps(tokenization: tok, embeddings: embeddings, layers: layers,
                         pooled: .vector(pooled), sentence: .vector(pooled.map { $0 / denominator }))
    }

    /// The sentence vector of `text` alone.
    public func sentenceVector(_ text: String, maxTokens: Int = 256) throws -> Tensor {
        try encode(text, maxTokens: maxTokens).sentence
    }

    func layer(_ x: Tensor, weights w: BertLayerWeights, labels: [String]) throws -> BertLayerSteps {
        let n = x.rows, h = config.hiddenSize, eps = config.layerNormEpsilon
        func matrix(_ data: [Double], _ cols: Int) -> Tensor { Tensor(shape: [n, cols], data: data, rowLabels: labels) }
        let q = matrix(w.query(x.data, rows: n), h)
        let k = matrix(w.key(x.data, rows: n), h)
        let v = matrix(w.value(x.data, rows: n), h)
        // The attention core of `attend`: heads on contiguous column blocks, scale 1/√d_head.
        let attention = try Attention.compute(q: q, k: k, v: v, scale: 1 / Double(config.headSize).squareRoot(),
                                              heads: config.heads, queryLabels: labels, keyLabels: labels)
        let concat = attention.concat ?? attention.output
        let attnOut = w.attentionOutput(concat.data, rows: n)
        var residual = attnOut
        for i in residual.indices { residual[i] += x.data[i] }
        let attnNorm = try LayerNorm.normalize(matrix(residual, h), epsilon: eps,
                                               weight: w.attentionNorm.weight, bias: w.attentionNorm.bias).output
        var hidden = w.intermediate(attnNorm.data, rows: n)
        GELU.apply(&hidden)
        let ffnOut = w.output(hidden, rows: n)
        var residual2 = ffnOut
        for i in residual2.indices { residual2[i] += attnNorm.data[i] }
        let output = try LayerNorm.normalize(matrix(residual2, h), epsilon: eps,
                                             weight: w.outputNorm.weight, bias: w.outputNorm.bias).output
        return BertLayerSteps(q: q, k: k, v: v, attention: attention, attentionOutput: matrix(attnOut, h),
                              attentionNorm: attnNorm, ffnHidden: matrix(hidden, config.intermediateSize),
                              ffnOutput: matrix(ffnOut, h), output: output)
    }
}
