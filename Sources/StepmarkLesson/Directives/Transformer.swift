import StepmarkCore

/// `transformer`: one text through a pretrained BERT encoder, every layer and head (SPEC §3
/// and "Pretrained encoders").
enum TransformerDirective: Directive {
    static let name = "transformer"
    /// Runs every layer of a pretrained encoder: tens of milliseconds, where most blocks take microseconds.
    static let schedulingWeight = 1000
    static let summary = "run a text through a pretrained encoder: tokens, every layer's attention heads and outputs, the sentence vector"
    static let body = "one text"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("model", "model", "the model (from a model block)"),
        ArgumentSpec("layers", "all", "which layers (from 1) to record, like 1,6; every layer still runs"),
        ArgumentSpec("record", "summary", "summary (each head's weights and each layer's output) or full (every sub-step)", choices: ["summary", "full"]),
        ArgumentSpec("max_tokens", "256", "keep at most this many tokens, [CLS] and [SEP] included (sentence-transformers: 256)"),
    ]
    static let subSteps = "tokens, ids, embeddings.output; per layer L with record=full: layerL.Q, layerL.K, layerL.V, layerL.headH.scores, .scaled, .weights, .output, layerL.concat, layerL.attn_out, layerL.attn_norm, layerL.ffn_hidden, layerL.ffn_out, layerL.output (record=summary: layerL.headH.weights and layerL.output); pooled, sentence"
    static let example = """
        ```model from=all-MiniLM-L6-v2
        ```

        ```transformer layers=1
        i sat on the river bank.
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        let (modelName, model) = try pretrainedModel(context)
        let full = try args.choice("record", ["summary", "full"], default: "summary") == "full"
        let maxTokens = try args.integer("max_tokens", default: min(256, model.config.maxPositions), in: 2...model.config.maxPositions)
        let layerCount = model.config.layers
        var recorded = Set(1...max(layerCount, 1))
        if args.has("layers"), try args.word("layers") != "all" {
            guard let list = try args.integers("layers"), !list.isEmpty else {
                throw LessonError("layers= expects all or layer numbers like 1,6", at: args.position(of: "layers"))
            }
            for l in list where !(1...layerCount).contains(l) {
                throw LessonError("layers= names layer \(l), but \(modelName) has layers 1 to \(layerCount)", at: args.position(of: "layers"))
            }
            recorded = Set(list)
        }
        let text = context.block.bodyText.trimmingWhitespace()
        guard !text.isEmpty else {
            throw LessonError("transformer needs a text in its body; the block is empty", at: context.block.infoPosition)
        }
        let at = context.block.body.first?.position ?? context.block.infoPosition
        // The encoder keeps every layer's scores, scaled scores and weights, layers × heads ×
        // n² × 3 numbers, however few are recorded: checked against the lesson's limit before
        // anything runs (a red-team lesson of 440 tokens held 530 MB for 15 million recorded).
        let n: Int
        do { n = try model.tokenize(text, maxTokens: maxTokens).tokens.count } catch let e as TensorError { throw LessonError(e.message, at: at) }
        let (perLayer, o1) = (model.config.heads * 3).multipliedReportingOverflow(by: n * n)
        let (held, o2) = perLayer.multipliedReportingOverflow(by: model.config.layers)
        if o1 || o2 || held > context.limits.maxLessonEntries {
            throw LessonError("transformer over \(n) tokens would hold \(held) attention entries while it runs (\(model.config.layers) layers × \(model.config.heads) heads × \(n)² for the scores, scaled scores and weights), over the lesson's limit of \(context.limits.maxLessonEntries) (\(Limits.lessonEntriesFactor) × the value limit; raise it with --max-entries, or lower max_tokens=)", at: context.block.infoPosition)
        }
        let steps = try encode(text, with: model, maxTokens: maxTokens, context, at: at)
        let tok = steps.tokenization
        if tok.truncated { context.warn("the text has more than \(maxTokens) tokens; the rest was cut off (max_tokens=\(maxTokens))") }
        try record(steps, recordedLayers: recorded, full: full, context)
        context.define("hidden", .tensor(steps.hidden))
        // Every layer's output too (hidden0 = the embeddings), so a lesson can follow one
        // token through the layers (a one-hot row vector @ hiddenL picks its row).
        context.define("hidden0", .tensor(steps.embeddings))
        for (i, layer) in steps.layers.enumerated() { context.define("hidden\(i + 1)", .tensor(layer.output)) }
        context.setResult(.tensor(steps.sentence), recorded: "sentence", storeAs: "sentence")
    }

    static func record(_ steps: BertSteps, recordedLayers: Set<Int>, full: Bool, _ context: StepContext) throws {
        let tok = steps.tokenization
        try context.record("tokens", .tokens(TokenList(tok.tokens)),
                           formula: "BERT's tokenizer: lower-case, strip accents, split punctuation, WordPiece (## continues a word), then [CLS] … [SEP]")
        try context.record("ids", .tokens(TokenList(tok.tokens, ids: tok.ids)), formula: "id = the token's line in vocab.txt, from 0")
        try context.record("embeddings.output", steps.embeddings, formula: "LayerNorm(word + position + token_type₀)")
        for (i, layer) in steps.layers.enumerated() where recordedLayers.contains(i + 1) {
            let p = "layer\(i + 1)."
            if full {
                try context.record(p + "Q", layer.q, formula: "X·W_qᵀ + b_q")
                try context.record(p + "K", layer.k, formula: "X·W_kᵀ + b_k")
                try context.record(p + "V", layer.v, formula: "X·W_vᵀ + b_v")
            }
            let d = Runner.format(Double(layer.q.cols / max(layer.attention.heads.count, 1)))
            for (h, head) in layer.attention.heads.enumerated() {
                let hp = p + "head\(h + 1)."
                if full {
                    try context.record(hp + "scores", head.scores, formula: "Q_h·K_hᵀ", role: .attention(weights: false))
                    try context.record(hp + "scaled", head.scaled, formula: "scores / √\(d)", role: .attention(weights: false))
                }
                try context.record(hp + "weights", head.weights, formula: "softmax(scaled) by rows", role: .attention(weights: true))
                if full { try context.record(hp + "output", head.output, formula: "weights·V_h") }
            }
            if full {
                try context.record(p + "concat", layer.attention.concat ?? layer.attention.output, formula: "the heads' outputs side by side")
                try context.record(p + "attn_out", layer.attentionOutput, formula: "concat·W_oᵀ + b_o")
                try context.record(p + "attn_norm", layer.attentionNorm, formula: "LayerNorm(attn_out + X)")
                try context.record(p + "ffn_hidden", layer.ffnHidden, formula: "GELU(attn_norm·W_1ᵀ + b_1)")
                try context.record(p + "ffn_out", layer.ffnOutput, formula: "ffn_hidden·W_2ᵀ + b_2")
            }
            try context.record(p + "output", layer.output, formula: full ? "LayerNorm(ffn_out + attn_norm)" : "LayerNorm(FFN(attn_norm) + attn_norm), attn_norm = LayerNorm(attention + X)")
        }
        try context.record("pooled", steps.pooled, formula: "the mean of the last layer's rows ([CLS] and [SEP] included)")
        try context.record("sentence", steps.sentence, formula: "pooled / ‖pooled‖")
    }
}
