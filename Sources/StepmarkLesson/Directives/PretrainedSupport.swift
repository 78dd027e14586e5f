import FoundationEssentials
import StepmarkCore

// Shared by `model`, `transformer`, `sentences`, `tokenize method=bert` and the `model=` of
// `nearest` and `similarity`: where model folders are, a process-wide cache of loaded models,
// and the lookup of a model by name.

/// Loaded models by folder, so that rendering a course (en and ko) or running many lessons
/// reads each model once, even when two lessons load it at the same time (`render --jobs`):
/// one loads and the other waits for it, so both use the same model and share its cached
/// encodings. A model is immutable, so sharing it is safe. Keyed by the weights file's size
/// and modification time too, so a changed model is loaded afresh (at most 8 kept).
enum ModelCache {
    struct Key: Hashable, Sendable { let folder: String, stamp: String }
    static let shared = BoundedMemo<Key, BertModel>(capacity: 8)

    /// The model in `folder`, loading it when it is not cached or its weights file changed;
    /// `checkpoint` (the lesson's deadline) runs while another thread loads it.
    static func model(at folder: String, checkpoint: () throws -> Void) throws -> BertModel {
        let weights = FilePathText.join(folder, "model.safetensors")
        let attributes = try? FileManager.default.attributesOfItem(atPath: weights)
        let stamp = "\(attributes?[.size] ?? 0)-\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        return try shared.value(for: Key(folder: folder, stamp: stamp), checkpoint: checkpoint) { _ in
            try BertModel(directory: folder)
        }
    }
}

/// Where `from=NAME` looks: `--model-dir` (`given`), else `$STEPMARK_MODEL_DIR`, else the first
/// `.cache/models` found in the lesson's folder or one of its parents, else `.cache/models` in
/// the working directory, else the first one above the running executable (a development build
/// inside the repository).
func modelDirectories(lessonFolder: String, given: String?) -> [String] {
    if let given, !given.isEmpty { return [given] }
    if let dir = ProcessInfo.processInfo.environment["STEPMARK_MODEL_DIR"], !dir.isEmpty { return [dir] }
    func nearest(above start: URL) -> String? {
        var url = start.standardizedFileURL
        for _ in 0..<64 {
            let candidate = url.appendingPathComponent(".cache/models").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
        return nil
    }
    var found: [String] = []
    if let hit = nearest(above: URL(fileURLWithPath: lessonFolder)) { found.append(hit) }
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".cache/models").path
    if !found.contains(cwd) { found.append(cwd) }
    if let executable = ExecutablePath.current, let hit = nearest(above: URL(fileURLWithPath: FilePathText.parent(executable))), !found.contains(hit) {
        found.append(hit)
    }
    return found
}

/// The model a directive names with `model=` (default `model`).
/// - Throws: a positioned error when the name is undefined (saying how to load one) or is a value.
func pretrainedModel(_ context: StepContext, key: String = "model") throws -> (name: String, model: BertModel) {
    let name = try context.args.name(key, default: "model")!
    let at = context.args.has(key) ? context.args.position(of: key) : context.block.infoPosition
    if let model = context.environment.model(name) { return (name, model) }
    if let value = context.environment.value(name) {
        throw LessonError("\(key)= must name a model loaded by a model block, but '\(name.quotable)' is \(value.summary)", at: at)
    }
    throw LessonError("no model named '\(name.quotable)': load one above with a model block, such as ```model from=all-MiniLM-L6-v2 name=\(name.quotable)``` (run `make model` to fetch it)", at: at)
}

/// The last few forward passes with every step, so that a lesson that runs the same sentence
/// twice (a `transformer` step and a `similarity` line) computes it once, and two lessons that
/// run it at the same time (`render --jobs`) compute it once between them. The result depends
/// only on the model and the text, so reuse is exact. Keyed like `SentenceVectorCache`.
enum EncodingCache {
    static let shared = BoundedMemo<SentenceVectorCache.Key, (model: BertModel, steps: BertSteps)>(capacity: 32)
}

/// Sentence vectors already computed, by model, text (`ExactText`: String equality would call
/// canonically equivalent texts equal) and truncation: `classify`, `sentences`,
/// `nearest` and `similarity` ask for the same sentences again, and the Korean and English
/// course share them. An entry holds its model, so a model's identity is never reused while
/// its vectors are kept; at most 4,096 vectors (384 numbers each for MiniLM).
enum SentenceVectorCache {
    struct Key: Hashable { let model: ObjectIdentifier, text: ExactText, maxTokens: Int }
    static let shared = BoundedMemo<Key, (model: BertModel, vector: [Double])>(capacity: 4096)

    static func key(_ model: BertModel, _ text: String, _ maxTokens: Int) -> Key {
        Key(model: ObjectIdentifier(model), text: ExactText(text), maxTokens: maxTokens)
    }
}

/// Runs a model on `text`, turning its errors into errors at `position`.
func encode(_ text: String, with model: BertModel, maxTokens: Int = 256, _ context: StepContext,
            at position: SourcePosition) throws -> BertSteps {
    let key = SentenceVectorCache.key(model, text, maxTokens)
    do {
        return try EncodingCache.shared.value(for: key, checkpoint: { try context.checkDeadline() }) { key in
            let steps = try model.encode(text, maxTokens: maxTokens, checkpoint: { try context.checkDeadline() })
            SentenceVectorCache.shared.store((model, steps.sentence.data), for: key)
            return (model, steps)
        }.steps
    } catch let e as TensorError {
        throw LessonError(e.message, at: position)
    }
}

/// The sentence vectors of several texts, each error at its text's position. Every text not
/// cached is tokenized first, in order (so a text the tokenizer refuses is reported as one at
/// a time would, whatever other threads do). The texts this thread claims are then encoded
/// together in batches of at most `batchRows` tokens, so that the model's weights are read
/// once per batch (`BertModel.sentenceVectors(tokenized:)`; each text's numbers are the bits
/// it gets alone); texts another thread is encoding are awaited, not encoded twice. Only the
/// vectors are kept, so a block of a thousand sentences holds a thousand vectors, not every
/// layer of each.
func sentenceVectors(_ texts: [(text: String, position: SourcePosition)], with model: BertModel, maxTokens: Int = 256,
                     _ context: StepContext) throws -> [[Double]] {
    let memo = SentenceVectorCache.shared
    let keys = texts.map { SentenceVectorCache.key(model, $0.text, maxTokens) }
    var claim = memo.claim(keys)
    var vectors: [SentenceVectorCache.Key: [Double]] = claim.found.mapValues(\.vector)
    var tokens: [SentenceVectorCache.Key: (tokens: BertTokenizer.Steps, position: SourcePosition)] = [:]
    for (key, item) in zip(keys, texts) where vectors[key] == nil && tokens[key] == nil {
        do {
            tokens[key] = (try model.tokenize(item.text, maxTokens: maxTokens), item.position)
        } catch {
            // Whatever the error, the claims go back: a thread waiting for them must not wait
            // until its deadline.
            memo.release(claim.mine)
            if let e = error as? TensorError { throw LessonError(e.message, at: item.position) }
            throw error
        }
    }
    while true {
        // Encode what this thread holds, storing each batch (which ends its claims) or giving
        // the rest up on an error, before it waits for anything.
        var start = 0
        let mine = claim.mine
        while start < mine.count {
            var end = start + 1, rows = tokens[mine[start]]!.tokens.tokens.count
            while end < mine.count, rows + tokens[mine[end]]!.tokens.tokens.count <= batchRows {
                rows += tokens[mine[end]]!.tokens.tokens.count
                end += 1
            }
            let batch = Array(mine[start..<end])
            let encoded: [[Double]]
            do {
                encoded = try model.sentenceVectors(tokenized: batch.map { tokens[$0]!.tokens },
                                                    checkpoint: { try context.checkDeadline() })
            } catch {
                memo.release(Array(mine[start...]))
                if let e = error as? TensorError { throw LessonError(e.message, at: tokens[batch[0]]!.position) }
                throw error
            }
            for (key, vector) in zip(batch, encoded) {
                vectors[key] = vector
                memo.store((model, vector), for: key)
            }
            start = end
        }
        if claim.others.isEmpty { break }
        claim = try memo.wait(for: claim.others, checkpoint: { try context.checkDeadline() })
        for (key, value) in claim.found { vectors[key] = value.vector }
    }
    return keys.map { vectors[$0]! }
}

/// The most tokens encoded in one batch: enough to read the weights once for a block of
/// sentences, few enough that a batch's intermediate values stay a few MB (a single longer
/// text runs alone).
let batchRows = 256

/// The sentence vector of a text query (`nearest` and `similarity` with `model=`), without row
/// labels; an empty query is an error at `position`.
func modelQueryVector(_ text: String, _ context: StepContext, at position: SourcePosition) throws -> Tensor {
    try modelQueryVectors([(text, position)], context)[0]
}

/// The sentence vectors of several text queries (`classify` with `model=`), encoded together.
func modelQueryVectors(_ texts: [(text: String, position: SourcePosition)], _ context: StepContext) throws -> [Tensor] {
    let (_, model) = try pretrainedModel(context)
    var trimmed: [(text: String, position: SourcePosition)] = []
    for item in texts {
        let text = item.text.trimmingWhitespace()
        guard !text.isEmpty else { throw LessonError("the query text is empty", at: item.position) }
        trimmed.append((text, item.position))
    }
    return try sentenceVectors(trimmed, with: model, context).map { Tensor.vector($0) }
}
